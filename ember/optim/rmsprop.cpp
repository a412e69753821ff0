#include "ember/optim/rmsprop.h"

#include <cmath>

#include "ember/core/parallel.h"

namespace ember::optim {

RMSprop::RMSprop(std::vector<OptimizerParamGroup> param_groups, RMSpropOptions defaults)
    : Optimizer(std::make_unique<RMSpropOptions>(defaults), "RMSprop") {
  add_param_groups(param_groups);
}

void RMSprop::check_options(const OptimizerOptions& options) const {
  const auto& o = options_as<RMSpropOptions>(options, "RMSpropOptions");
  EMBER_CHECK(o.eps() >= 0, ValueError, "[RMSprop] invalid epsilon value: ", o.eps());
  EMBER_CHECK(o.alpha() >= 0, ValueError, "[RMSprop] invalid alpha value: ", o.alpha());
  EMBER_CHECK(o.momentum() >= 0, ValueError, "[RMSprop] invalid momentum value: ", o.momentum());
  EMBER_CHECK(o.weight_decay() >= 0, ValueError, "[RMSprop] invalid weight_decay value: ", o.weight_decay());
}

void RMSprop::update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) {
  const auto& o = static_cast<const RMSpropOptions&>(options);
  dispatch_floating(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(param.data_ptr());
    const T* g = static_cast<const T*>(grad.data_ptr());
    T* sq = static_cast<T*>(state.buffer("square_avg").data_ptr());
    T* ga = static_cast<T*>(state.buffer("grad_avg").data_ptr());
    T* buf = static_cast<T*>(state.buffer("momentum_buffer").data_ptr());
    const T alpha = static_cast<T>(o.alpha()), eps = static_cast<T>(o.eps());
    const T lr = static_cast<T>(o.lr()), wd = static_cast<T>(o.weight_decay()), mom = static_cast<T>(o.momentum());
    const bool centered = o.centered();
    // Element by element, independent: both cores on large parameters, the same result on any.
    parallel_for(0, param.numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        const T gk = g[k] + wd * p[k];
        sq[k] = alpha * sq[k] + (1 - alpha) * gk * gk;
        T avg;
        if (centered) {
          ga[k] = alpha * ga[k] + (1 - alpha) * gk;
          avg = std::sqrt(sq[k] - ga[k] * ga[k]) + eps;
        } else {
          avg = std::sqrt(sq[k]) + eps;
        }
        if (mom > 0) {
          buf[k] = mom * buf[k] + gk / avg;
          p[k] -= lr * buf[k];
        } else {
          p[k] -= lr * gk / avg;
        }
      }
    });
  });
}

}  // namespace ember::optim
