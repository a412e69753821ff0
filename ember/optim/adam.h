// Adam (Kingma & Ba) and AdamW (Loshchilov & Hutter), as torch.optim.Adam / AdamW:
//   g = grad (+ weight_decay * p for Adam; AdamW instead shrinks p by lr * weight_decay first)
//   m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
//   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
#pragma once

#include <tuple>

#include "ember/core/arg.h"
#include "ember/optim/optimizer.h"

namespace ember::optim {

/// Adam's and AdamW's options (they differ only in AdamW's default weight_decay, 0.01), and
/// LAMB's, which adds one.
template <class Self>
struct AdamOptionsBase : OptimizerCloneableOptions<Self> {
  using betas_t = std::tuple<double, double>;
  Self& lr(double v) { lr_ = v; return self(); }
  Self& betas(const betas_t& v) { std::tie(beta1_, beta2_) = v; return self(); }
  Self& eps(double v) { eps_ = v; return self(); }
  Self& weight_decay(double v) { weight_decay_ = v; return self(); }
  double lr() const { return lr_; }
  betas_t betas() const { return {beta1_, beta2_}; }
  double eps() const { return eps_; }
  double weight_decay() const { return weight_decay_; }

  std::vector<std::pair<std::string, double*>> hyperparameters() override {
    return {{"lr", &lr_}, {"beta1", &beta1_}, {"beta2", &beta2_}, {"eps", &eps_}, {"weight_decay", &weight_decay_}};
  }
  std::string momentum_name() const override { return "beta1"; }

  double lr_ = 1e-3, beta1_ = 0.9, beta2_ = 0.999, eps_ = 1e-8, weight_decay_ = 0;

 private:
  Self& self() { return static_cast<Self&>(*this); }
};

struct AdamOptions : AdamOptionsBase<AdamOptions> {
  explicit AdamOptions(double lr = 1e-3) { lr_ = lr; }
};

struct AdamWOptions : AdamOptionsBase<AdamWOptions> {
  explicit AdamWOptions(double lr = 1e-3) {
    lr_ = lr;
    weight_decay_ = 0.01;
  }
};

namespace detail {
/// Adam and AdamW: one update, told apart by their Options type and whether the weight decay
/// is decoupled (AdamW) or added to the gradient (Adam).
template <class Options, bool kDecoupled>
class AdamFamily : public Optimizer {
 protected:
  AdamFamily(const std::vector<OptimizerParamGroup>& param_groups, const Options& defaults, const char* name);

 private:
  std::vector<std::string> state_names(const OptimizerOptions&) const override { return {"exp_avg", "exp_avg_sq"}; }
  void check_options(const OptimizerOptions& options) const override;
  void update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) override;
};
}  // namespace detail

class Adam : public detail::AdamFamily<AdamOptions, false> {
 public:
  Adam(std::vector<OptimizerParamGroup> param_groups, AdamOptions defaults = AdamOptions())
      : AdamFamily(param_groups, defaults, "Adam") {}
  explicit Adam(std::vector<Tensor> params, AdamOptions defaults = AdamOptions())
      : Adam(std::vector<OptimizerParamGroup>{std::move(params)}, defaults) {}
};

class AdamW : public detail::AdamFamily<AdamWOptions, true> {
 public:
  AdamW(std::vector<OptimizerParamGroup> param_groups, AdamWOptions defaults = AdamWOptions())
      : AdamFamily(param_groups, defaults, "AdamW") {}
  explicit AdamW(std::vector<Tensor> params, AdamWOptions defaults = AdamWOptions())
      : AdamW(std::vector<OptimizerParamGroup>{std::move(params)}, defaults) {}
};

}  // namespace ember::optim
