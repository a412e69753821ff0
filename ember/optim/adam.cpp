#include "ember/optim/adam.h"

#include <cmath>

#include "ember/core/parallel.h"
#include "ember/ops/creation.h"

namespace ember::optim {

Adam::Adam(std::vector<Tensor> params, AdamOptions options, bool decoupled, const char* name)
    : Optimizer(std::move(params), options.lr_, name), options_(options), decoupled_weight_decay_(decoupled),
      exp_avg_(params_.size()), exp_avg_sq_(params_.size()), steps_(params_.size(), 0) {
  EMBER_CHECK(options.eps_ >= 0, ValueError, "[", name, "] invalid epsilon value: ", options.eps_);
  EMBER_CHECK(options.beta1_ >= 0 && options.beta1_ < 1, ValueError, "[", name, "] invalid beta parameter at index 0: ", options.beta1_);
  EMBER_CHECK(options.beta2_ >= 0 && options.beta2_ < 1, ValueError, "[", name, "] invalid beta parameter at index 1: ", options.beta2_);
  EMBER_CHECK(options.weight_decay_ >= 0, ValueError, "[", name, "] invalid weight_decay value: ", options.weight_decay_);
}

void Adam::step() {
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor g = grad_of(i);
    if (!g.defined()) continue;
    if (!exp_avg_[i].defined()) {
      exp_avg_[i] = zeros_like_param(i);
      exp_avg_sq_[i] = zeros_like_param(i);
    }
    const int64_t t = ++steps_[i];
    dispatch_floating(params_[i].dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = static_cast<T*>(params_[i].data_ptr());
      const T* grad = static_cast<const T*>(g.data_ptr());
      T* m = static_cast<T*>(exp_avg_[i].data_ptr());
      T* v = static_cast<T*>(exp_avg_sq_[i].data_ptr());
      const T b1 = static_cast<T>(options_.beta1_), b2 = static_cast<T>(options_.beta2_);
      const T lr = static_cast<T>(lr_), wd = static_cast<T>(options_.weight_decay_), eps = static_cast<T>(options_.eps_);
      const T step_size = static_cast<T>(lr_ / (1 - std::pow(options_.beta1_, t)));
      const T bias_correction2_sqrt = static_cast<T>(std::sqrt(1 - std::pow(options_.beta2_, t)));
      const bool decoupled = decoupled_weight_decay_;
      // Element by element, independent: both cores on large parameters, the same result on any.
      parallel_for(0, params_[i].numel(), kElementwiseGrain, [&](int64_t begin, int64_t end) {
        for (int64_t k = begin; k < end; ++k) {
          T gk = grad[k];
          if (decoupled) p[k] *= 1 - lr * wd;
          else gk += wd * p[k];
          m[k] = b1 * m[k] + (1 - b1) * gk;
          v[k] = b2 * v[k] + (1 - b2) * gk * gk;
          p[k] -= step_size * m[k] / (std::sqrt(v[k]) / bias_correction2_sqrt + eps);
        }
      });
    });
    params_[i].impl()->storage->bump_version();
  }
}

std::vector<std::pair<std::string, Tensor>> Adam::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!exp_avg_[i].defined()) continue;
    out.emplace_back(std::to_string(i) + ".exp_avg", exp_avg_[i]);
    out.emplace_back(std::to_string(i) + ".exp_avg_sq", exp_avg_sq_[i]);
    out.emplace_back(std::to_string(i) + ".step", tensor(steps_[i]));
  }
  return out;
}

void Adam::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string key = std::to_string(i);
    const Tensor* m = find_state(state, key + ".exp_avg");
    const Tensor* v = find_state(state, key + ".exp_avg_sq");
    const Tensor* t = find_state(state, key + ".step");
    if (!m && !v && !t) continue;
    EMBER_CHECK(m && v && t, ValueError, "[", name(), "] state of parameter ", i, " is incomplete (needs exp_avg, exp_avg_sq and step)");
    EMBER_CHECK(m->sizes() == params_[i].sizes() && v->sizes() == params_[i].sizes(), ShapeError, "[", name(),
                "] state of parameter ", i, " has shape ", shape_str(m->sizes()), " but the parameter has ",
                shape_str(params_[i].sizes()));
    exp_avg_[i] = m->to(params_[i].dtype()).clone();
    exp_avg_sq_[i] = v->to(params_[i].dtype()).clone();
    steps_[i] = t->item<int64_t>();
  }
}

}  // namespace ember::optim
