// RMSprop, as torch.optim.RMSprop:
//   g = grad + weight_decay * p
//   sq = alpha * sq + (1 - alpha) * g^2;   avg = sqrt(sq) + eps   (centered: sqrt(sq - mean(g)^2) + eps)
//   momentum > 0: buf = momentum * buf + g / avg;  p -= lr * buf;   else p -= lr * g / avg
#pragma once

#include "ember/core/arg.h"
#include "ember/optim/optimizer.h"

namespace ember::optim {

struct RMSpropOptions : OptimizerCloneableOptions<RMSpropOptions> {
  explicit RMSpropOptions(double lr = 0.01) : lr_(lr) {}
  EMBER_ARG(double, lr);
  EMBER_ARG(double, alpha) = 0.99;
  EMBER_ARG(double, eps) = 1e-8;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(bool, centered) = false;

  std::vector<std::pair<std::string, double*>> hyperparameters() override {
    return {{"lr", &lr_}, {"alpha", &alpha_}, {"eps", &eps_}, {"weight_decay", &weight_decay_}, {"momentum", &momentum_}};
  }
  std::string momentum_name() const override { return "momentum"; }
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults = RMSpropOptions());
  explicit RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = RMSpropOptions())
      : RMSprop(std::vector<OptimizerParamGroup>{std::move(params)}, defaults) {}

 private:
  // All three buffers whatever the options, so that a schedule may turn momentum on midway.
  std::vector<std::string> state_names(const OptimizerOptions&) const override {
    return {"square_avg", "grad_avg", "momentum_buffer"};
  }
  void check_options(const OptimizerOptions& options) const override;
  void update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) override;
};

}  // namespace ember::optim
