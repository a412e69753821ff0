#include "ember/optim/sgd.h"

#include "ember/core/parallel.h"
#include "ember/ops/creation.h"

namespace ember::optim {

namespace {

template <class T>
struct Step {
  T lr, weight_decay, momentum, buffer_decay, buffer_scale;
};

// One parameter's update, in place. The options are template arguments so that the loop has no
// branches and vectorises; parameter, gradient and buffer are distinct tensors (restrict).
template <class T, bool kMomentum, bool kNesterov>
void update_elements(int64_t n, T* __restrict p, const T* __restrict grad, T* __restrict buf, Step<T> s) {
  parallel_for(0, n, kElementwiseGrain, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      T d = grad[k] + s.weight_decay * p[k];
      if constexpr (kMomentum) {
        buf[k] = s.buffer_decay * buf[k] + s.buffer_scale * d;
        d = kNesterov ? d + s.momentum * buf[k] : buf[k];
      }
      p[k] -= s.lr * d;
    }
  });
}

}  // namespace

SGD::SGD(std::vector<OptimizerParamGroup> param_groups, SGDOptions defaults)
    : Optimizer(std::make_unique<SGDOptions>(defaults), "SGD") {
  add_param_groups(param_groups);
}

void SGD::check_options(const OptimizerOptions& options) const {
  const auto& o = options_as<SGDOptions>(options, "SGDOptions");
  EMBER_CHECK(o.momentum() >= 0, ValueError, "[SGD] invalid momentum value: ", o.momentum());
  EMBER_CHECK(o.weight_decay() >= 0, ValueError, "[SGD] invalid weight_decay value: ", o.weight_decay());
  EMBER_CHECK(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0), ValueError,
              "[SGD] Nesterov momentum requires a momentum and zero dampening");
}

std::vector<std::string> SGD::state_names(const OptimizerOptions& options) const {
  if (static_cast<const SGDOptions&>(options).momentum() == 0) return {};
  return {"momentum_buffer"};
}

void SGD::update(const Tensor& param, const Tensor& grad, OptimizerParamState& state, const OptimizerOptions& options) {
  const auto& o = static_cast<const SGDOptions&>(options);
  // A momentum of 0 has no buffer. Momentum set later (by a schedule) starts one then.
  if (o.momentum() != 0 && state.buffers.empty()) state.buffers.emplace_back("momentum_buffer", Tensor());
  Tensor* buffer = o.momentum() != 0 ? &state.buffer("momentum_buffer") : nullptr;
  const bool first = buffer && !buffer->defined();
  if (first) *buffer = zeros_like(param);
  // The buffer starts at d itself (PyTorch's rule): on its first step a decay of 0 and a scale of 1.
  const bool fresh = first || state.step == 1;
  const double decay = fresh ? 0.0 : o.momentum(), scale = fresh ? 1.0 : 1.0 - o.dampening();
  dispatch_floating(param.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(param.data_ptr());
    const T* g = static_cast<const T*>(grad.data_ptr());
    const Step<T> s{static_cast<T>(o.lr()), static_cast<T>(o.weight_decay()), static_cast<T>(o.momentum()),
                    static_cast<T>(decay), static_cast<T>(scale)};
    const int64_t n = param.numel();
    if (!buffer) return update_elements<T, false, false>(n, p, g, nullptr, s);
    T* buf = static_cast<T*>(buffer->data_ptr());
    if (o.nesterov()) return update_elements<T, true, true>(n, p, g, buf, s);
    update_elements<T, true, false>(n, p, g, buf, s);
  });
}

}  // namespace ember::optim
