#include "ember/autograd/engine.h"

#include <deque>
#include <unordered_map>
#include <vector>

#include "ember/autograd/anomaly_mode.h"
#include "ember/autograd/function.h"
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/kernels/elementwise.h"

namespace ember::autograd {

Tensor add_grads(const Tensor& a, const Tensor& b) {
  EMBER_ASSERT(a.sizes() == b.sizes() && a.dtype() == b.dtype());
  Tensor out = detail::alloc(a.sizes(), a.dtype());
  dispatch_with_16bit(a.dtype(), [&](auto tag) {  // 16-bit floats: added in float32, rounded once
    using T = typename decltype(tag)::type;
    kernels::binary(a.sizes(), static_cast<T*>(out.data_ptr()), out.strides().data(),
                    static_cast<const T*>(a.data_ptr()), a.strides().data(),
                    static_cast<const T*>(b.data_ptr()), b.strides().data(),
                    [](T x, T y) { return static_cast<T>(x + y); });
  });
  return out;
}

namespace {
// The callbacks queued by the backward pass running on this thread; null outside one.
thread_local std::vector<std::function<void()>>* queued_callbacks = nullptr;
}  // namespace

void queue_callback(std::function<void()> callback) {
  EMBER_CHECK(queued_callbacks != nullptr, AutogradError,
              "[queue_callback] no backward pass is running; call it from a hook during backward");
  queued_callbacks->push_back(std::move(callback));
}

namespace {
// The graph from root, node by node; the gradients end up in the leaves' grad.
void run_graph(const Tensor& root, const Tensor& grad, bool retain_graph) {
  std::shared_ptr<Node> root_node = gradient_edge(root);
  EMBER_ASSERT(root_node);
  NoGradGuard no_grad;  // gradients are computed without recording (no create_graph)

  // Pass 1: count, for every reachable node, how many edges point at it.
  std::unordered_map<Node*, int> dependencies;
  std::vector<Node*> stack{root_node.get()};
  dependencies[root_node.get()] = 0;
  while (!stack.empty()) {
    Node* node = stack.back();
    stack.pop_back();
    for (const auto& next : node->next_edges()) {
      if (!next) continue;
      if (dependencies.find(next.get()) == dependencies.end()) stack.push_back(next.get());
      ++dependencies[next.get()];
    }
  }

  // Pass 2: a node runs once all its consumers have run and its gradient is complete.
  std::unordered_map<Node*, Tensor> pending{{root_node.get(), grad}};
  std::deque<Node*> ready{root_node.get()};
  while (!ready.empty()) {
    Node* node = ready.front();
    ready.pop_front();
    Tensor node_grad = std::move(pending[node]);
    pending.erase(node);
    if (auto target = node->retained.lock()) {
      AutogradMeta& meta = target->autograd_meta();
      if (meta.grad) {
        meta.grad = add_grads(Tensor(meta.grad), node_grad).impl_ptr();
      } else {
        Tensor copy = detail::alloc(node_grad.sizes(), node_grad.dtype());
        detail::copy_into(copy, node_grad);
        meta.grad = copy.impl_ptr();
      }
    }
    std::vector<Tensor> input_grads = node->apply(node_grad);
    if (AnomalyMode::is_enabled())
      for (size_t i = 0; i < input_grads.size(); ++i)
        check_finite(input_grads[i], detail::str("the gradient for input ", i, " computed by ", node->name(),
                                                 " (the backward of ", forward_op(node->name()), ")"));
    if (!retain_graph) node->release();
    const auto& edges = node->next_edges();
    for (size_t i = 0; i < edges.size(); ++i) {
      Node* next = edges[i].get();
      if (!next) continue;
      if (i < input_grads.size() && input_grads[i].defined()) {
        Tensor& slot = pending[next];
        slot = slot.defined() ? add_grads(slot, input_grads[i]) : input_grads[i];
      }
      if (--dependencies[next] == 0) {
        if (pending.count(next)) ready.push_back(next);
        // A node reached only through inputs with no gradient has nothing to do; its own inputs
        // still wait for it, so release their counts transitively.
        else {
          std::vector<Node*> skip{next};
          while (!skip.empty()) {
            Node* s = skip.back();
            skip.pop_back();
            if (!retain_graph) s->release();
            for (const auto& e : s->next_edges())
              if (e && --dependencies[e.get()] == 0) {
                if (pending.count(e.get())) ready.push_back(e.get());
                else skip.push_back(e.get());
              }
          }
        }
      }
    }
  }
}
}  // namespace

void run_backward(const Tensor& root, const Tensor& grad, bool retain_graph) {
  std::vector<std::function<void()>> callbacks;
  std::vector<std::function<void()>>* outer = queued_callbacks;
  queued_callbacks = &callbacks;
  struct Restore {
    std::vector<std::function<void()>>* outer;
    ~Restore() { queued_callbacks = outer; }
  } restore{outer};
  run_graph(root, grad, retain_graph);
  // A callback may queue another (a follow-up of its own): run until none is left.
  for (size_t i = 0; i < callbacks.size(); ++i) {
    std::function<void()> callback = std::move(callbacks[i]);
    callback();
  }
}

}  // namespace ember::autograd
