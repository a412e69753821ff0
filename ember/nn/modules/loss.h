// Loss modules: forward(input, target) -> a scalar (or per-element losses with Reduction::None).
#pragma once

#include "ember/nn/module.h"
#include "ember/nn/options/loss.h"
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

/// log_softmax + nll_loss on raw logits (N, C) and int64 class targets (N), with libtorch's
/// options (class weights, ignore_index, label smoothing).
class CrossEntropyLossImpl : public LossModule {
 public:
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions& options = {})
      : LossModule("CrossEntropyLoss"), options(options) {}
  explicit CrossEntropyLossImpl(Reduction reduction)
      : CrossEntropyLossImpl(CrossEntropyLossOptions().reduction(reduction)) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  CrossEntropyLossOptions options;
};
EMBER_MODULE(CrossEntropyLoss);

class NLLLossImpl : public LossModule {
 public:
  explicit NLLLossImpl(Reduction reduction = Reduction::Mean) : LossModule("NLLLoss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target) override;
  Reduction reduction;
};
EMBER_MODULE(NLLLoss);

// The losses of ops/loss.h as layers; settings are constructor arguments, as for the losses above.
class BCELossImpl : public LossModule {
 public:
  explicit BCELossImpl(Reduction reduction = Reduction::Mean, Tensor weight = {})
      : LossModule("BCELoss"), reduction(reduction), weight(std::move(weight)) {}
  Tensor forward(const Tensor& input, const Tensor& target) override {
    return binary_cross_entropy(input, target, weight, reduction);
  }
  Reduction reduction;
  Tensor weight;
};
EMBER_MODULE(BCELoss);

class BCEWithLogitsLossImpl : public LossModule {
 public:
  explicit BCEWithLogitsLossImpl(Reduction reduction = Reduction::Mean, Tensor weight = {}, Tensor pos_weight = {})
      : LossModule("BCEWithLogitsLoss"), reduction(reduction), weight(std::move(weight)), pos_weight(std::move(pos_weight)) {}
  Tensor forward(const Tensor& input, const Tensor& target) override {
    return binary_cross_entropy_with_logits(input, target, weight, pos_weight, reduction);
  }
  Reduction reduction;
  Tensor weight, pos_weight;
};
EMBER_MODULE(BCEWithLogitsLoss);

class L1LossImpl : public LossModule {
 public:
  explicit L1LossImpl(Reduction reduction = Reduction::Mean) : LossModule("L1Loss"), reduction(reduction) {}
  Tensor forward(const Tensor& input, const Tensor& target) override { return l1_loss(input, target, reduction); }
  Reduction reduction;
};
EMBER_MODULE(L1Loss);

class SmoothL1LossImpl : public LossModule {
 public:
  explicit SmoothL1LossImpl(Reduction reduction = Reduction::Mean, double beta = 1.0)
      : LossModule("SmoothL1Loss"), reduction(reduction), beta(beta) {}
  Tensor forward(const Tensor& input, const Tensor& target) override {
    return smooth_l1_loss(input, target, reduction, beta);
  }
  Reduction reduction;
  double beta;
};
EMBER_MODULE(SmoothL1Loss);

class HuberLossImpl : public LossModule {
 public:
  explicit HuberLossImpl(Reduction reduction = Reduction::Mean, double delta = 1.0)
      : LossModule("HuberLoss"), reduction(reduction), delta(delta) {}
  Tensor forward(const Tensor& input, const Tensor& target) override { return huber_loss(input, target, reduction, delta); }
  Reduction reduction;
  double delta;
};
EMBER_MODULE(HuberLoss);

class KLDivLossImpl : public LossModule {
 public:
  explicit KLDivLossImpl(Reduction reduction = Reduction::Mean, bool log_target = false)
      : LossModule("KLDivLoss"), reduction(reduction), log_target(log_target) {}
  Tensor forward(const Tensor& input, const Tensor& target) override { return kl_div(input, target, reduction, log_target); }
  Reduction reduction;
  bool log_target;
};
EMBER_MODULE(KLDivLoss);

}  // namespace ember::nn
