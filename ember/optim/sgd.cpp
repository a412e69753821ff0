#include "ember/optim/sgd.h"

namespace ember::optim {

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
    dispatch_floating(params_[i].dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = static_cast<T*>(params_[i].data_ptr());
      const T* grad = static_cast<const T*>(g.data_ptr());
      T* buf = options_.momentum_ != 0 ? static_cast<T*>(momentum_buffers_[i].data_ptr()) : nullptr;
      const T lr = static_cast<T>(lr_), wd = static_cast<T>(options_.weight_decay_);
      const T mom = static_cast<T>(options_.momentum_), damp = static_cast<T>(1 - options_.dampening_);
      const bool nesterov = options_.nesterov_;
      for (int64_t k = 0, n = params_[i].numel(); k < n; ++k) {
        T d = grad[k] + wd * p[k];
        if (buf) {
          buf[k] = first ? d : mom * buf[k] + damp * d;
          d = nesterov ? d + mom * buf[k] : buf[k];
        }
        p[k] -= lr * d;
      }
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
