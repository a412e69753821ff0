#include "ember/optim/rmsprop.h"

#include <cmath>

#include "ember/core/parallel.h"

namespace ember::optim {

RMSprop::RMSprop(std::vector<Tensor> params, RMSpropOptions options)
    : Optimizer(std::move(params), options.lr_, "RMSprop"), options_(options), square_avg_(params_.size()),
      grad_avg_(params_.size()), momentum_buffer_(params_.size()) {
  EMBER_CHECK(options.eps_ >= 0, ValueError, "[RMSprop] invalid epsilon value: ", options.eps_);
  EMBER_CHECK(options.alpha_ >= 0, ValueError, "[RMSprop] invalid alpha value: ", options.alpha_);
  EMBER_CHECK(options.momentum_ >= 0, ValueError, "[RMSprop] invalid momentum value: ", options.momentum_);
  EMBER_CHECK(options.weight_decay_ >= 0, ValueError, "[RMSprop] invalid weight_decay value: ", options.weight_decay_);
}

void RMSprop::step() {
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor g = grad_of(i);
    if (!g.defined()) continue;
    if (!square_avg_[i].defined()) {
      square_avg_[i] = zeros_like_param(i);
      grad_avg_[i] = zeros_like_param(i);
      momentum_buffer_[i] = zeros_like_param(i);
    }
    dispatch_floating(params_[i].dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = static_cast<T*>(params_[i].data_ptr());
      const T* grad = static_cast<const T*>(g.data_ptr());
      T* sq = static_cast<T*>(square_avg_[i].data_ptr());
      T* ga = static_cast<T*>(grad_avg_[i].data_ptr());
      T* buf = static_cast<T*>(momentum_buffer_[i].data_ptr());
      const T alpha = static_cast<T>(options_.alpha_), eps = static_cast<T>(options_.eps_);
      const T lr = static_cast<T>(lr_), wd = static_cast<T>(options_.weight_decay_), mom = static_cast<T>(options_.momentum_);
      const bool centered = options_.centered_;
      // Element by element, independent: both cores on large parameters, the same result on any.
      parallel_for(0, params_[i].numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
        for (int64_t k = begin; k < end; ++k) {
          const T gk = grad[k] + wd * p[k];
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
    params_[i].impl()->storage->bump_version();
  }
}

std::vector<std::pair<std::string, Tensor>> RMSprop::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!square_avg_[i].defined()) continue;
    out.emplace_back(std::to_string(i) + ".square_avg", square_avg_[i]);
    out.emplace_back(std::to_string(i) + ".grad_avg", grad_avg_[i]);
    out.emplace_back(std::to_string(i) + ".momentum_buffer", momentum_buffer_[i]);
  }
  return out;
}

void RMSprop::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string key = std::to_string(i);
    const Tensor* sq = find_state(state, key + ".square_avg");
    const Tensor* ga = find_state(state, key + ".grad_avg");
    const Tensor* buf = find_state(state, key + ".momentum_buffer");
    if (!sq && !ga && !buf) continue;
    EMBER_CHECK(sq && ga && buf, ValueError, "[RMSprop] state of parameter ", i, " is incomplete");
    for (const Tensor* t : {sq, ga, buf})
      EMBER_CHECK(t->sizes() == params_[i].sizes(), ShapeError, "[RMSprop] state of parameter ", i, " has shape ",
                  shape_str(t->sizes()), " but the parameter has ", shape_str(params_[i].sizes()));
    square_avg_[i] = sq->to(params_[i].dtype()).clone();
    grad_avg_[i] = ga->to(params_[i].dtype()).clone();
    momentum_buffer_[i] = buf->to(params_[i].dtype()).clone();
  }
}

}  // namespace ember::optim
