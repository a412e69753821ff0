// The backward engine: from a root tensor, visit every node that leads to a leaf in reverse
// topological order (Kahn's algorithm over dependency counts, so no recursion: a graph a million
// nodes deep does not touch the C++ stack), summing the gradients that reach a node from several
// consumers before calling it once.
#pragma once

#include <functional>

#include "ember/tensor/tensor.h"

namespace ember::autograd {

/// Backpropagates `grad` (same shape as root) from root. Without retain_graph, each node frees
/// its saved tensors after use, and a second backward through it throws.
void run_backward(const Tensor& root, const Tensor& grad, bool retain_graph);

/// Runs `callback` once the backward pass now running has finished (every gradient accumulated),
/// as PyTorch's engine queue_callback: a hook that started work during backward waits for it
/// here. Throws AutogradError outside a backward pass.
void queue_callback(std::function<void()> callback);

/// a + b for two gradients of one shape (either may be a strided or expanded view).
Tensor add_grads(const Tensor& a, const Tensor& b);

}  // namespace ember::autograd
