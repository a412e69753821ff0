// LAMB (You et al., "Large Batch Optimization for Deep Learning"), as the course builds it in
// 09_optimizers: Adam's step direction plus L2 weight decay, scaled per parameter tensor by the
// trust ratio ||p|| / ||step|| (capped at 10), so that every layer moves by a similar fraction
// of its size:
//   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
//   u = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps) + weight_decay * p
//   p -= lr * min(||p|| / ||u||, 10) * u            (a ratio of 1 when either norm is 0, as fastai)
// torch.optim has no LAMB; tools/gen_fixtures.py writes the same steps in PyTorch ops.
#pragma once

#include <tuple>

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct LAMBOptions : OptimizerCloneableOptions<LAMBOptions> {
  using betas_t = std::tuple<double, double>;
  explicit LAMBOptions(double lr = 1e-3) : lr_(lr) {}
  LAMBOptions& lr(double v) { lr_ = v; return *this; }
  LAMBOptions& betas(const betas_t& v) { std::tie(beta1_, beta2_) = v; return *this; }
  LAMBOptions& eps(double v) { eps_ = v; return *this; }
  LAMBOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  LAMBOptions& max_trust_ratio(double v) { max_trust_ratio_ = v; return *this; }
  double lr() const { return lr_; }
  betas_t betas() const { return {beta1_, beta2_}; }
  double eps() const { return eps_; }
  double weight_decay() const { return weight_decay_; }
  double max_trust_ratio() const { return max_trust_ratio_; }

  std::vector<std::pair<std::string, double*>> hyperparameters() override {
    return {{"lr", &lr_}, {"beta1", &beta1_}, {"beta2", &beta2_}, {"eps", &eps_}, {"weight_decay", &weight_decay_},
            {"max_trust_ratio", &max_trust_ratio_}};
  }
  std::string momentum_name() const override { return "beta1"; }

  // The course's defaults (its AverageGrad and AverageSqrGrad moms, and its eps).
  double lr_, beta1_ = 0.9, beta2_ = 0.99, eps_ = 1e-6, weight_decay_ = 0, max_trust_ratio_ = 10;
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
