// SGD with momentum, dampening, Nesterov momentum and L2 weight decay, as torch.optim.SGD:
//   d = grad + weight_decay * p
//   buf = momentum * buf + (1 - dampening) * d      (buf = d on the first step)
//   d = nesterov ? d + momentum * buf : buf
//   p -= lr * d
#pragma once

#include "ember/core/arg.h"
#include "ember/optim/optimizer.h"

namespace ember::optim {

struct SGDOptions : OptimizerCloneableOptions<SGDOptions> {
  explicit SGDOptions(double lr) : lr_(lr) {}
  EMBER_ARG(double, lr);
  EMBER_ARG(double, momentum) = 0;
  EMBER_ARG(double, dampening) = 0;
  EMBER_ARG(double, weight_decay) = 0;
  EMBER_ARG(bool, nesterov) = false;

  std::vector<std::pair<std::string, double*>> hyperparameters() override {
    return {{"lr", &lr_}, {"momentum", &momentum_}, {"dampening", &dampening_}, {"weight_decay", &weight_decay_}};
  }
  std::string momentum_name() const override { return "momentum"; }
};

class SGD : public Optimizer {
 public:
  SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults);
  SGD(std::vector<Tensor> params, SGDOptions defaults) : SGD(std::vector<OptimizerParamGroup>{std::move(params)}, defaults) {}

 private:
  std::vector<std::string> state_names(const OptimizerOptions& options) const override;
  void check_options(const OptimizerOptions& options) const override;
  void update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) override;
};

}  // namespace ember::optim
