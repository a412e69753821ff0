// LAMB (You et al., "Large Batch Optimization for Deep Learning"), as the course builds it in
// 09_optimizers: Adam's step direction plus L2 weight decay, scaled per parameter tensor by the
// trust ratio ||p|| / ||step|| (capped at 10), so that every layer moves by a similar fraction
// of its size:
//   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
//   u = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps) + weight_decay * p
//   p -= lr * min(||p|| / ||u||, 10) * u            (a ratio of 1 when either norm is 0, as fastai)
// torch.optim has no LAMB; tools/gen_fixtures.py writes the same steps in PyTorch ops.
#pragma once

#include "ember/optim/adam.h"

namespace ember::optim {

/// Adam's options (with the course's defaults: its AverageGrad and AverageSqrGrad moms, and its
/// eps) and the cap on the trust ratio.
struct LAMBOptions : AdamOptionsBase<LAMBOptions> {
  explicit LAMBOptions(double lr = 1e-3) {
    lr_ = lr;
    beta2_ = 0.99;
    eps_ = 1e-6;
  }
  LAMBOptions& max_trust_ratio(double v) { max_trust_ratio_ = v; return *this; }
  double max_trust_ratio() const { return max_trust_ratio_; }
  std::vector<std::pair<std::string, double*>> hyperparameters() override {
    auto out = AdamOptionsBase::hyperparameters();
    out.emplace_back("max_trust_ratio", &max_trust_ratio_);
    return out;
  }
  double max_trust_ratio_ = 10;
};

class LAMB : public Optimizer {
 public:
  LAMB(std::vector<OptimizerParamGroup> param_groups, LAMBOptions defaults = LAMBOptions());
  explicit LAMB(std::vector<Tensor> params, LAMBOptions defaults = LAMBOptions())
      : LAMB(std::vector<OptimizerParamGroup>{std::move(params)}, defaults) {}

 private:
  std::vector<std::string> state_names(const OptimizerOptions&) const override { return {"exp_avg", "exp_avg_sq"}; }
  void check_options(const OptimizerOptions& options) const override;
  void update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) override;
};

}  // namespace ember::optim
