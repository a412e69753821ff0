// Loss modules: forward(input, target) -> a scalar (or per-element losses with Reduction::None).
#pragma once

#include "ember/nn/module.h"
#include "ember/ops/loss.h"

namespace ember::nn {

class MSELossImpl : public Module {
 public:
  explicit MSELossImpl(Reduction reduction = Reduction::Mean) : Module("MSELoss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  Reduction reduction;
};
EMBER_MODULE(MSELoss);

/// log_softmax + nll_loss on raw logits (N, C) and int64 class targets (N).
class CrossEntropyLossImpl : public Module {
 public:
  explicit CrossEntropyLossImpl(Reduction reduction = Reduction::Mean) : Module("CrossEntropyLoss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  Reduction reduction;
};
EMBER_MODULE(CrossEntropyLoss);

class NLLLossImpl : public Module {
 public:
  explicit NLLLossImpl(Reduction reduction = Reduction::Mean) : Module("NLLLoss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target);
  Reduction reduction;
};
EMBER_MODULE(NLLLoss);

}  // namespace ember::nn
