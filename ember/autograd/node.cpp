#include "ember/autograd/node.h"

#include "ember/autograd/engine.h"
#include "ember/kernels/elementwise.h"

namespace ember::autograd {

Node::~Node() {
  // Each node owns its inputs' nodes, so letting destructors recurse down a long chain (a loop
  // that ran 100k steps) would overflow the stack. Unlink the chain iteratively instead: a node
  // about to die hands its edges to this loop before it goes.
  std::vector<std::shared_ptr<Node>> stack = std::move(next_);
  while (!stack.empty()) {
    std::shared_ptr<Node> node = std::move(stack.back());
    stack.pop_back();
    if (node && node.use_count() == 1) {
      for (auto& edge : node->next_) stack.push_back(std::move(edge));
      node->next_.clear();
    }
  }
}

namespace {
thread_local const Node* g_running = nullptr;

// Marks `node` as the one whose backward runs on this thread, for its scope.
class RunningNode {
 public:
  explicit RunningNode(const Node* node) : previous_(g_running) { g_running = node; }
  ~RunningNode() { g_running = previous_; }

 private:
  const Node* previous_;
};
}  // namespace

const Node* running_node() { return g_running; }
const char* running_node_name() { return g_running ? g_running->name().c_str() : "(no backward running)"; }

std::vector<Tensor> FunctionNode::apply(const Tensor& grad_output) {
  EMBER_CHECK(!released_, AutogradError, "[backward] trying to backward through ", name(),
              " a second time: its saved tensors were freed by the first backward(). "
              "Pass retain_graph=true to the first backward() to keep them.");
  Needs needs(next_edges().size());
  for (size_t i = 0; i < needs.size(); ++i) needs[i] = next_edges()[i] != nullptr;
  RunningNode running(this);
  return fn_(grad_output, needs);
}

void FunctionNode::release() {
  released_ = true;
  fn_ = nullptr;  // destroys the captured SavedTensors
}

std::vector<Tensor> AccumulateGrad::apply(const Tensor& grad_output) {
  AutogradMeta& meta = leaf_->autograd_meta();
  if (!meta.grad) {
    // The stored .grad must be the leaf's own, safe to modify in place. A gradient that is a
    // fresh, whole, contiguous buffer no other tensor uses (a matmul's result, say) is taken
    // as it is; anything else (a view, a broadcast, shared storage) is copied.
    const TensorImpl* g_impl = grad_output.impl();
    const bool sole_owner = grad_output.impl_ptr().use_count() == 1 && g_impl->storage.use_count() == 1 && grad_output.is_contiguous() &&
                            g_impl->offset == 0 && grad_output.dtype() == leaf_->dtype &&
                            g_impl->storage->nbytes() == static_cast<size_t>(grad_output.numel() * grad_output.element_size());
    if (sole_owner) {
      meta.grad = std::make_shared<TensorImpl>(g_impl->storage, g_impl->sizes, g_impl->strides, 0, g_impl->dtype);
    } else {
      Tensor g = detail::alloc(grad_output.sizes(), leaf_->dtype);
      detail::copy_into(g, grad_output);
      meta.grad = g.impl_ptr();
    }
  } else {
    // Accumulate in place, so a handle obtained from grad() earlier sees the sum.
    Tensor existing(meta.grad);
    dispatch_with_16bit(existing.dtype(), [&](auto tag) {  // 16-bit floats: added in float32
      using T = typename decltype(tag)::type;
      const Tensor g = grad_output.dtype() == existing.dtype() ? grad_output : [&] {
        Tensor c = detail::alloc(grad_output.sizes(), existing.dtype());
        detail::copy_into(c, grad_output);
        return c;
      }();
      kernels::binary(existing.sizes(), static_cast<T*>(existing.data_ptr()), existing.strides().data(),
                      static_cast<const T*>(existing.data_ptr()), existing.strides().data(),
                      static_cast<const T*>(g.data_ptr()), g.strides().data(),
                      [](T a, T b) { return static_cast<T>(a + b); });
    });
    existing.impl()->storage->bump_version();
  }
  // The gradient is complete for this backward (the engine summed every use first). A hook may
  // remove itself: iterate over a copy.
  if (!meta.post_accumulate_grad_hooks.empty()) {
    const auto hooks = meta.post_accumulate_grad_hooks;
    for (const auto& [id, hook] : hooks) hook(leaf_);
  }
  return {};
}

}  // namespace ember::autograd
