// Adagrad (Duchi et al.), as torch.optim.Adagrad:
//   g = grad + weight_decay * p;   clr = lr / (1 + (t - 1) * lr_decay)
//   sum += g^2;   p -= clr * g / (sqrt(sum) + eps)          (sum starts at initial_accumulator_value)
#pragma once

#include "ember/core/arg.h"
#include "ember/optim/optimizer.h"

namespace ember::optim {

struct AdagradOptions : OptimizerCloneableOptions<AdagradOptions> {
  explicit AdagradOptions(double lr = 1e-2) : lr_(lr) {}
  EMBER_ARG(double, lr);
  EMBER_ARG(double, lr_decay) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(double, initial_accumulator_value) = 0;
  EMBER_ARG(double, eps) = 1e-10;

  std::vector<std::pair<std::string, double*>> hyperparameters() override {
    return {{"lr", &lr_}, {"lr_decay", &lr_decay_}, {"weight_decay", &weight_decay_},
            {"initial_accumulator_value", &initial_accumulator_value_}, {"eps", &eps_}};
  }
};

class Adagrad : public Optimizer {
 public:
  Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults = AdagradOptions());
  explicit Adagrad(std::vector<Tensor> params, AdagradOptions defaults = AdagradOptions())
      : Adagrad(std::vector<OptimizerParamGroup>{std::move(params)}, defaults) {}

 private:
  std::vector<std::string> state_names(const OptimizerOptions&) const override { return {"sum"}; }
  Tensor initial_buffer(const std::string& name, const Tensor& param, const OptimizerOptions& options) const override;
  void check_options(const OptimizerOptions& options) const override;
  void update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) override;
};

}  // namespace ember::optim
