#include "ember/optim/adagrad.h"

#include <cmath>

#include "ember/core/parallel.h"
#include "ember/ops/creation.h"

namespace ember::optim {

Adagrad::Adagrad(std::vector<OptimizerParamGroup> param_groups, AdagradOptions defaults)
    : Optimizer(std::make_unique<AdagradOptions>(defaults), "Adagrad") {
  add_param_groups(param_groups);
}

void Adagrad::check_options(const OptimizerOptions& options) const {
  const auto& o = options_as<AdagradOptions>(options, "AdagradOptions");
  EMBER_CHECK(o.lr_decay() >= 0, ValueError, "[Adagrad] invalid lr_decay value: ", o.lr_decay());
  EMBER_CHECK(o.weight_decay() >= 0, ValueError, "[Adagrad] invalid weight_decay value: ", o.weight_decay());
  EMBER_CHECK(o.initial_accumulator_value() >= 0, ValueError, "[Adagrad] invalid initial_accumulator_value value: ",
              o.initial_accumulator_value());
  EMBER_CHECK(o.eps() >= 0, ValueError, "[Adagrad] invalid epsilon value: ", o.eps());
}

Tensor Adagrad::initial_buffer(const std::string&, const Tensor& param, const OptimizerOptions& options) const {
  return full(param.sizes(), static_cast<const AdagradOptions&>(options).initial_accumulator_value(), param.dtype());
}

void Adagrad::update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) {
  const auto& o = static_cast<const AdagradOptions&>(options);
  dispatch_floating(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(param.data_ptr());
    const T* g = static_cast<const T*>(grad.data_ptr());
    T* sum = static_cast<T*>(state.buffer("sum").data_ptr());
    const T clr = static_cast<T>(o.lr() / (1 + static_cast<double>(state.step - 1) * o.lr_decay()));
    const T wd = static_cast<T>(o.weight_decay()), eps = static_cast<T>(o.eps());
    // Element by element, independent: both cores on large parameters, the same result on any.
    parallel_for(0, param.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        const T gk = g[k] + wd * p[k];
        sum[k] += gk * gk;
        p[k] -= clr * gk / (std::sqrt(sum[k]) + eps);
      }
    });
  });
}

}  // namespace ember::optim
