#include "ember/optim/sgd.h"

#include "ember/core/parallel.h"

namespace ember::optim {

namespace {

template <class T>
struct Step {
  T lr, weight_decay, momentum, buffer_decay, buffer_scale;
};

// One parameter's update, in place. The options are template arguments so that the loop has no
// branches and vectorises; parameter, gradient and buffer are distinct tensors (restrict).
template <class T, bool kMomentum, bool kNesterov>
void update(int64_t n, T* __restrict p, const T* __restrict grad, T* __restrict buf, Step<T> s) {
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

SGD::SGD(std::vector<Tensor> params, SGDOptions options)
    : Optimizer(std::move(params), options.lr_, "SGD"), options_(options), momentum_buffers_(params_.size()) {
  EMBER_CHECK(options.momentum_ >= 0, ValueError, "[SGD] invalid momentum value: ", options.momentum_);
  EMBER_CHECK(options.weight_decay_ >= 0, ValueError, "[SGD] invalid weight_decay value: ", options.weight_decay_);
  EMBER_CHECK(!options.nesterov_ || (options.momentum_ > 0 && options.dampening_ == 0), ValueError,
              "[SGD] Nesterov momentum requires a momentum and zero dampening");
}

void SGD::step() {
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor g = grad_of(i);
    if (!g.defined()) continue;
    const bool first = !momentum_buffers_[i].defined();
    if (options_.momentum_ != 0 && first) momentum_buffers_[i] = zeros_like_param(i);
    // The first step starts the buffer at d itself (PyTorch's rule): a decay of 0 and a scale of 1.
    const double decay = first ? 0.0 : options_.momentum_, scale = first ? 1.0 : 1.0 - options_.dampening_;
    dispatch_floating(params_[i].dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = static_cast<T*>(params_[i].data_ptr());
      const T* grad = static_cast<const T*>(g.data_ptr());
      const Step<T> s{static_cast<T>(lr_), static_cast<T>(options_.weight_decay_), static_cast<T>(options_.momentum_),
                      static_cast<T>(decay), static_cast<T>(scale)};
      const int64_t n = params_[i].numel();
      if (options_.momentum_ == 0) return update<T, false, false>(n, p, grad, nullptr, s);
      T* buf = static_cast<T*>(momentum_buffers_[i].data_ptr());
      if (options_.nesterov_) return update<T, true, true>(n, p, grad, buf, s);
      update<T, true, false>(n, p, grad, buf, s);
    });
    params_[i].impl()->storage->bump_version();
  }
}

std::vector<std::pair<std::string, Tensor>> SGD::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (size_t i = 0; i < momentum_buffers_.size(); ++i)
    if (momentum_buffers_[i].defined()) out.emplace_back(std::to_string(i) + ".momentum_buffer", momentum_buffers_[i]);
  return out;
}

void SGD::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor* buf = find_state(state, std::to_string(i) + ".momentum_buffer");
    if (!buf) continue;
    EMBER_CHECK(buf->sizes() == params_[i].sizes(), ShapeError, "[SGD] momentum buffer ", i, " has shape ",
                shape_str(buf->sizes()), " but its parameter has ", shape_str(params_[i].sizes()));
    momentum_buffers_[i] = buf->to(params_[i].dtype()).clone();
  }
}

}  // namespace ember::optim
