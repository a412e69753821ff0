#include "ember/optim/adam.h"

#include <cmath>

#include "ember/core/parallel.h"

namespace ember::optim {

namespace {

template <class Options>
void check_adam(const char* name, const Options& o) {
  EMBER_CHECK(o.eps() >= 0, ValueError, "[", name, "] invalid epsilon value: ", o.eps());
  EMBER_CHECK(o.beta1_ >= 0 && o.beta1_ < 1, ValueError, "[", name, "] invalid beta parameter at index 0: ", o.beta1_);
  EMBER_CHECK(o.beta2_ >= 0 && o.beta2_ < 1, ValueError, "[", name, "] invalid beta parameter at index 1: ", o.beta2_);
  EMBER_CHECK(o.weight_decay() >= 0, ValueError, "[", name, "] invalid weight_decay value: ", o.weight_decay());
}

// Adam's update of one parameter; `decoupled` is AdamW's weight decay.
template <class Options>
void adam_update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const Options& o, bool decoupled) {
  const int64_t t = state.step;
  dispatch_floating(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(param.data_ptr());
    const T* g = static_cast<const T*>(grad.data_ptr());
    T* m = static_cast<T*>(state.buffer("exp_avg").data_ptr());
    T* v = static_cast<T*>(state.buffer("exp_avg_sq").data_ptr());
    const T b1 = static_cast<T>(o.beta1_), b2 = static_cast<T>(o.beta2_);
    const T lr = static_cast<T>(o.lr()), wd = static_cast<T>(o.weight_decay()), eps = static_cast<T>(o.eps());
    const T step_size = static_cast<T>(o.lr() / (1 - std::pow(o.beta1_, t)));
    const T bias_correction2_sqrt = static_cast<T>(std::sqrt(1 - std::pow(o.beta2_, t)));
    // Element by element, independent: both cores on large parameters, the same result on any.
    parallel_for(0, param.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        T gk = g[k];
        if (decoupled) p[k] *= 1 - lr * wd;
        else gk += wd * p[k];
        m[k] = b1 * m[k] + (1 - b1) * gk;
        v[k] = b2 * v[k] + (1 - b2) * gk * gk;
        p[k] -= step_size * m[k] / (std::sqrt(v[k]) / bias_correction2_sqrt + eps);
      }
    });
  });
}

}  // namespace

namespace detail {

template <class Options, bool kDecoupled>
AdamFamily<Options, kDecoupled>::AdamFamily(const std::vector<OptimizerParamGroup>& param_groups, const Options& defaults,
                                            const char* name)
    : Optimizer(std::make_unique<Options>(defaults), name) {
  add_param_groups(param_groups);
}

template <class Options, bool kDecoupled>
void AdamFamily<Options, kDecoupled>::check_options(const OptimizerOptions& options) const {
  check_adam(name().c_str(), options_as<Options>(options, kDecoupled ? "AdamWOptions" : "AdamOptions"));
}

template <class Options, bool kDecoupled>
void AdamFamily<Options, kDecoupled>::update(const Tensor& param, const Tensor& grad, OptimizerParamState& state,
                                             const OptimizerOptions& options) {
  adam_update(param, grad, state, static_cast<const Options&>(options), kDecoupled);
}

template class AdamFamily<AdamOptions, false>;
template class AdamFamily<AdamWOptions, true>;

}  // namespace detail

}  // namespace ember::optim
