#include "ember/optim/optimizer.h"

#include "ember/autograd/grad_mode.h"
#include "ember/ops/creation.h"

namespace ember::optim {

Optimizer::Optimizer(std::vector<Tensor> params, double lr, std::string name)
    : params_(std::move(params)), lr_(lr), name_(std::move(name)) {
  EMBER_CHECK(lr >= 0, ValueError, "[", name_, "] invalid learning rate: ", lr);
  for (size_t i = 0; i < params_.size(); ++i) {
    EMBER_CHECK(params_[i].defined() && params_[i].is_floating_point(), TypeError, "[", name_, "] parameter ", i,
                " must be a defined floating-point tensor");
    EMBER_CHECK(params_[i].is_contiguous(), ValueError, "[", name_, "] parameter ", i, " of shape ",
                shape_str(params_[i].sizes()), " is not contiguous; optimisers update parameters in place");
  }
}

void Optimizer::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (Tensor& p : params_) {
    if (set_to_none) p.set_grad(Tensor());
    else if (p.grad().defined()) p.grad().zero_();
  }
}

Tensor Optimizer::grad_of(size_t i) const {
  const Tensor g = params_[i].grad();
  if (!g.defined()) return g;
  EMBER_CHECK(g.sizes() == params_[i].sizes(), ShapeError, "[", name_, "] gradient of parameter ", i, " has shape ",
              shape_str(g.sizes()), " but the parameter has ", shape_str(params_[i].sizes()));
  return g.contiguous();
}

Tensor Optimizer::zeros_like_param(size_t i) const { return zeros(params_[i].sizes(), params_[i].dtype()); }

const Tensor* Optimizer::find_state(const std::vector<std::pair<std::string, Tensor>>& state, const std::string& key) {
  for (const auto& [k, t] : state)
    if (k == key) return &t;
  return nullptr;
}

}  // namespace ember::optim
