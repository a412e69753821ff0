// Options of the losses that take libtorch's options structs (CrossEntropyLoss for now; the
// others take their settings as constructor arguments, see docs/differences.md).
#pragma once

#include "ember/core/arg.h"
#include "ember/ops/loss.h"

namespace ember::nn {

/// As libtorch's: nn::CrossEntropyLoss(nn::CrossEntropyLossOptions().label_smoothing(0.1)) and
/// F::cross_entropy(x, y, F::CrossEntropyFuncOptions().ignore_index(0).reduction(ember::kSum)).
struct CrossEntropyLossOptions {
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(Reduction, reduction) = Reduction::Mean;
  EMBER_ARG(double, label_smoothing) = 0.0;
};

namespace functional {
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
}  // namespace functional

}  // namespace ember::nn
