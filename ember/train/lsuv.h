// LSUV initialisation (Mishkin & Matas 2015), as the course's notebook 07a does it: with one
// batch through the model, each layer in turn gets its output mean moved to 0 (subtracted from
// its bias) and its output std scaled to 1 (its weight, and its own bias, divided by it),
// repeated until both are within `tol`, so every layer starts with unit-scale activations
// whatever the depth.
//   auto report = train::lsuv_init(*model, first_batch);   // every Conv2d and Linear but the last
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ember/nn/module.h"

namespace ember::train {

/// One layer LSUV adjusts: the module whose output it watches (through a forward hook), and the
/// weight it scales and bias it shifts (which may belong to another module: the course shifts
/// a GeneralReLU after the convolution; then scale_bias is false, as the shift comes after the
/// weight). An undefined bias: only the std is fixed.
struct LsuvTarget {
  std::string name;
  std::shared_ptr<nn::Module> watch;
  Tensor weight, bias;
  bool scale_bias = true;  // divide the bias by the std along with the weight (the layer's own bias)
};

struct LsuvStep {
  std::string name;
  double mean_before, std_before, mean_after, std_after;
  int iterations;
};

/// Every Conv2d and Linear in the module tree except the last Linear (the classifier, whose
/// outputs should not be unit-scale), watching its own output, in registration order.
std::vector<LsuvTarget> lsuv_targets(nn::Module& model);

/// Runs LSUV over `targets` in order, at most max_iters adjustments per layer (each followed by
/// a forward pass), the mean first whenever it is off. No gradient is recorded. The model runs in the mode it is in: in training mode
/// its BatchNorm layers update their running statistics with the batch, as in the course.
std::vector<LsuvStep> lsuv_init(nn::Module& model, const Tensor& batch, const std::vector<LsuvTarget>& targets,
                                double tol = 1e-3, int max_iters = 10);
std::vector<LsuvStep> lsuv_init(nn::Module& model, const Tensor& batch);

}  // namespace ember::train
