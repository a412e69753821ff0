// Node: one step of the backward graph. A node belongs to the tensor an op produced (its
// grad_fn); given the gradient of that output it returns the gradients of the op's inputs, and
// its next edges say which nodes receive them. Two kinds exist: FunctionNode, whose backward is a
// closure written next to the op's forward (ops/), and AccumulateGrad, the sink of a leaf.
// The engine (engine.h) walks nodes; it knows no specific op.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::autograd {

/// needs[i] is true iff input i takes part in the graph, i.e. its gradient will be used.
using Needs = std::vector<bool>;
using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad, const Needs& needs)>;

class Node {
 public:
  Node(std::string name, std::vector<std::shared_ptr<Node>> next)
      : name_(std::move(name)), next_(std::move(next)) {}
  virtual ~Node();

  /// "MulBackward", "AccumulateGrad", ...: printed in grad_fn=<...> and in errors.
  const std::string& name() const { return name_; }
  /// One entry per input of the op; null where the input needs no gradient.
  const std::vector<std::shared_ptr<Node>>& next_edges() const { return next_; }
  /// Gradients of the inputs given the gradient of the output (undefined where not needed).
  virtual std::vector<Tensor> apply(const Tensor& grad_output) = 0;
  /// Frees what backward saved; a later apply() throws instead of computing garbage.
  virtual void release() {}

  /// A non-leaf tensor that asked retain_grad(): receives this node's incoming gradient.
  std::weak_ptr<TensorImpl> retained;

 private:
  std::string name_;
  std::vector<std::shared_ptr<Node>> next_;
};

/// A node whose backward is a closure. The tensors the closure needs are SavedTensors it
/// captured (saved_tensor.h), which check their own versions when the closure reads them.
class FunctionNode : public Node {
 public:
  FunctionNode(std::string name, std::vector<std::shared_ptr<Node>> next, BackwardFn fn)
      : Node(std::move(name), std::move(next)), fn_(std::move(fn)) {}
  std::vector<Tensor> apply(const Tensor& grad_output) override;
  void release() override;

 private:
  BackwardFn fn_;
  bool released_ = false;
};

/// The node whose backward runs on this thread, or null outside a backward.
const Node* running_node();
/// Its name ("MulBackward"), for error messages raised inside it; "(no backward running)" outside.
const char* running_node_name();

/// The sink for a leaf tensor: adds the incoming gradient to leaf.grad().
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(std::shared_ptr<TensorImpl> leaf)
      : Node("AccumulateGrad", {}), leaf_(std::move(leaf)) {}
  std::vector<Tensor> apply(const Tensor& grad_output) override;

 private:
  std::shared_ptr<TensorImpl> leaf_;
};

}  // namespace ember::autograd
