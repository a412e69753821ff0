#include "ember/optim/lamb.h"

#include <algorithm>
#include <cmath>

#include "ember/core/parallel.h"
#include "ember/ops/creation.h"

namespace ember::optim {

LAMB::LAMB(std::vector<OptimizerParamGroup> param_groups, LAMBOptions defaults)
    : Optimizer(std::make_unique<LAMBOptions>(defaults), "LAMB") {
  add_param_groups(param_groups);
}

void LAMB::check_options(const OptimizerOptions& options) const {
  const auto& o = options_as<LAMBOptions>(options, "LAMBOptions");
  EMBER_CHECK(o.eps() >= 0, ValueError, "[LAMB] invalid epsilon value: ", o.eps());
  EMBER_CHECK(o.beta1_ >= 0 && o.beta1_ < 1, ValueError, "[LAMB] invalid beta parameter at index 0: ", o.beta1_);
  EMBER_CHECK(o.beta2_ >= 0 && o.beta2_ < 1, ValueError, "[LAMB] invalid beta parameter at index 1: ", o.beta2_);
  EMBER_CHECK(o.weight_decay() >= 0, ValueError, "[LAMB] invalid weight_decay value: ", o.weight_decay());
  EMBER_CHECK(o.max_trust_ratio() > 0, ValueError, "[LAMB] invalid max_trust_ratio value: ", o.max_trust_ratio());
}

void LAMB::update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) {
  const auto& o = static_cast<const LAMBOptions&>(options);
  const double t = static_cast<double>(state.step);
  const double debias1 = 1 - std::pow(o.beta1_, t), debias2 = 1 - std::pow(o.beta2_, t);
  const int64_t n = param.numel();
  dispatch_floating(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(param.data_ptr());
    const T* g = static_cast<const T*>(grad.data_ptr());
    T* m = static_cast<T*>(state.buffer("exp_avg").data_ptr());
    T* v = static_cast<T*>(state.buffer("exp_avg_sq").data_ptr());
    std::vector<T> u(static_cast<size_t>(n));
    const T b1 = static_cast<T>(o.beta1_), b2 = static_cast<T>(o.beta2_), eps = static_cast<T>(o.eps());
    const T wd = static_cast<T>(o.weight_decay()), d1 = static_cast<T>(debias1), d2 = static_cast<T>(debias2);
    // The step direction, and both norms in double (the trust ratio is one number per tensor).
    double p_sq = 0, u_sq = 0;
    for (int64_t k = 0; k < n; ++k) {
      m[k] = b1 * m[k] + (1 - b1) * g[k];
      v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
      u[k] = (m[k] / d1) / (std::sqrt(v[k] / d2) + eps) + wd * p[k];
      p_sq += static_cast<double>(p[k]) * static_cast<double>(p[k]);
      u_sq += static_cast<double>(u[k]) * static_cast<double>(u[k]);
    }
    const double r1 = std::sqrt(p_sq), r2 = std::sqrt(u_sq);
    const double trust = r1 == 0 || r2 == 0 ? 1.0 : std::min(r1 / r2, o.max_trust_ratio());
    const T scale = static_cast<T>(o.lr() * trust);
    parallel_for(0, n, kElementwiseGrain, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) p[k] -= scale * u[k];
    });
  });
}

}  // namespace ember::optim
