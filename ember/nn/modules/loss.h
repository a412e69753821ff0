// Loss modules: forward(input, target) -> a scalar (or per-element losses with Reduction::None).
#pragma once

#include "ember/nn/module.h"
#include "ember/ops/loss.h"

namespace ember::nn {

/// What every loss module is: a Module whose call takes an input and a target. Declaring the
/// two-argument forward and operator() here hides Module's one-input versions, so loss(x),
/// loss->forward(x) and (*loss)(x) do not compile (they used to compile and throw at run time).
class LossModule : public Module {
 public:
  using Module::Module;
  virtual Tensor forward(const Tensor& input, const Tensor& target) = 0;
  Tensor operator()(const Tensor& input, const Tensor& target) { return forward(input, target); }
};

class MSELossImpl : public LossModule {
 public:
  explicit MSELossImpl(Reduction reduction = Reduction::Mean) : LossModule("MSELoss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  Reduction reduction;
};
EMBER_MODULE(MSELoss);

/// log_softmax + nll_loss on raw logits (N, C) and int64 class targets (N).
class CrossEntropyLossImpl : public LossModule {
 public:
  explicit CrossEntropyLossImpl(Reduction reduction = Reduction::Mean) : LossModule("CrossEntropyLoss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  Reduction reduction;
};
EMBER_MODULE(CrossEntropyLoss);

class NLLLossImpl : public LossModule {
 public:
  explicit NLLLossImpl(Reduction reduction = Reduction::Mean) : LossModule("NLLLoss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  Reduction reduction;
};
EMBER_MODULE(NLLLoss);

}  // namespace ember::nn
