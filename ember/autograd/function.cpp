#include "ember/autograd/function.h"

#include "ember/autograd/anomaly_mode.h"
#include "ember/autograd/grad_mode.h"

namespace ember::autograd {

namespace {
bool any_requires_grad(const Tensor* begin, const Tensor* end) {
  for (const Tensor* t = begin; t != end; ++t)
    if (t->defined() && t->requires_grad()) return true;
  return false;
}
}  // namespace

bool should_record(const std::vector<Tensor>& inputs) {
  return is_grad_enabled() && any_requires_grad(inputs.data(), inputs.data() + inputs.size());
}

bool should_record(std::initializer_list<Tensor> inputs) {
  return is_grad_enabled() && any_requires_grad(inputs.begin(), inputs.end());  // no copy into a vector
}

std::shared_ptr<Node> gradient_edge(const Tensor& t) {
  if (!t.defined() || !t.requires_grad()) return nullptr;
  AutogradMeta& meta = t.impl()->autograd_meta();
  if (meta.grad_fn) return meta.grad_fn;
  // A leaf: every use shares one AccumulateGrad, so the engine sums the uses before adding.
  std::shared_ptr<Node> acc = meta.accumulator.lock();
  if (!acc) {
    acc = std::make_shared<AccumulateGrad>(t.impl_ptr());
    meta.accumulator = acc;
  }
  return acc;
}

std::string forward_op(const std::string& node_name) {
  constexpr std::string_view suffix = "Backward";
  const size_t n = node_name.size();
  return n > suffix.size() && node_name.compare(n - suffix.size(), suffix.size(), suffix) == 0
             ? node_name.substr(0, n - suffix.size())
             : node_name;
}

Tensor record(Tensor out, const std::string& name, const std::vector<Tensor>& inputs, BackwardFn backward) {
  // Inside a backward the engine checks the node's gradients as a whole, naming the node.
  if (AnomalyMode::is_enabled() && !running_node()) check_finite(out, "the output of " + forward_op(name));
  // Only floating-point results carry gradients (comparisons, argmax, ... never do).
  if (!should_record(inputs) || !is_floating_point(out.dtype())) return out;
  std::vector<std::shared_ptr<Node>> next;
  next.reserve(inputs.size());
  for (const Tensor& t : inputs) next.push_back(gradient_edge(t));
  AutogradMeta& meta = out.impl()->autograd_meta();
  meta.requires_grad = true;
  meta.grad_fn = std::make_shared<FunctionNode>(name, std::move(next), std::move(backward));
  return out;
}

}  // namespace ember::autograd
