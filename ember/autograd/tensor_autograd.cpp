// The autograd methods of Tensor: requires_grad, grad, backward, retain_grad, ...
#include "ember/autograd/engine.h"
#include "ember/autograd/function.h"
#include "ember/autograd/node.h"
#include "ember/tensor/tensor.h"

namespace ember {

bool Tensor::requires_grad() const {
  const auto& meta = checked()->autograd;
  return meta && meta->requires_grad;
}

Tensor& Tensor::requires_grad_(bool requires_grad) {
  EMBER_CHECK(is_leaf() || requires_grad, AutogradError,
              "[requires_grad_] only leaf tensors can stop requiring grad; use detach() on this "
              "result of ", grad_fn()->name());
  EMBER_CHECK(!requires_grad || is_floating_point(), TypeError,
              "[requires_grad_] only floating-point tensors can require gradients; this one is ",
              dtype_name(dtype()));
  checked()->autograd_meta().requires_grad = requires_grad;
  return *this;
}

Tensor Tensor::grad() const {
  const auto& meta = checked()->autograd;
  return meta && meta->grad ? Tensor(meta->grad) : Tensor();
}

void Tensor::set_grad(const Tensor& grad) {
  if (grad.defined())
    EMBER_CHECK(grad.sizes() == sizes() && grad.dtype() == dtype(), ShapeError,
                "[set_grad] gradient of shape ", shape_str(grad.sizes()), " and dtype ",
                dtype_name(grad.dtype()), " does not match the tensor's ", shape_str(sizes()), " ",
                dtype_name(dtype()));
  checked()->autograd_meta().grad = grad.impl_ptr();
}

bool Tensor::is_leaf() const { return grad_fn() == nullptr; }

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  const auto& meta = checked()->autograd;
  return meta ? meta->grad_fn : nullptr;
}

void Tensor::retain_grad() {
  EMBER_CHECK(requires_grad(), AutogradError,
              "[retain_grad] cannot retain the gradient of a tensor that does not require grad");
  if (is_leaf()) return;  // leaves keep their gradient anyway
  checked()->autograd_meta().retains_grad = true;
  grad_fn()->retained = impl_;
}

bool Tensor::retains_grad() const {
  const auto& meta = checked()->autograd;
  return meta && meta->retains_grad;
}

size_t Tensor::register_post_accumulate_grad_hook(std::function<void(Tensor&)> hook) {
  EMBER_CHECK(requires_grad() && is_leaf(), AutogradError,
              "[register_post_accumulate_grad_hook] only leaf tensors that require grad accumulate a gradient");
  AutogradMeta& meta = checked()->autograd_meta();
  const size_t id = meta.next_hook_id++;
  meta.post_accumulate_grad_hooks.emplace_back(id, [hook = std::move(hook)](const std::shared_ptr<TensorImpl>& impl) {
    Tensor tensor(impl);
    hook(tensor);
  });
  return id;
}

void Tensor::remove_post_accumulate_grad_hook(size_t id) {
  if (!checked()->autograd) return;
  auto& hooks = impl_->autograd->post_accumulate_grad_hooks;
  std::erase_if(hooks, [id](const auto& entry) { return entry.first == id; });
}

void Tensor::backward(const Tensor& gradient, bool retain_graph) const {
  EMBER_CHECK(requires_grad(), AutogradError,
              "[backward] this tensor does not require grad and has no grad_fn: none of the "
              "tensors it was computed from had requires_grad set (or it was computed under "
              "NoGradGuard)");
  Tensor grad = gradient;
  if (!grad.defined()) {
    EMBER_CHECK(numel() == 1, AutogradError, "[backward] a gradient can be created implicitly only "
                "for one-element outputs; this one has shape ", shape_str(sizes()),
                ". Pass backward(gradient) or reduce it first (e.g. sum())");
    grad = detail::alloc(sizes(), dtype());
    dispatch_with_16bit(dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      *static_cast<T*>(grad.data_ptr()) = static_cast<T>(1.0f);
    });
  } else {
    EMBER_CHECK(grad.sizes() == sizes(), ShapeError, "[backward] gradient has shape ",
                shape_str(grad.sizes()), " but the tensor has shape ", shape_str(sizes()));
    EMBER_CHECK(grad.dtype() == dtype(), TypeError, "[backward] gradient has dtype ",
                dtype_name(grad.dtype()), " but the tensor has dtype ", dtype_name(dtype()));
  }
  autograd::run_backward(*this, grad, retain_graph);
}

}  // namespace ember
