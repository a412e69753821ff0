// How an op joins the graph: record() makes `out` the output of a new FunctionNode when grad mode
// is on and some input requires grad; otherwise it does nothing. Every differentiable op in
// ops/ ends with one call:
//   return autograd::record(out, "MulBackward", {a, b},
//       [a, b](const Tensor& g, const Needs&) { return std::vector<Tensor>{g * b, g * a}; }, {a, b});
#pragma once

#include "ember/autograd/node.h"

namespace ember::autograd {

/// True iff grad mode is on and at least one tensor requires grad.
bool should_record(std::initializer_list<Tensor> inputs);
bool should_record(const std::vector<Tensor>& inputs);

/// The node that receives gradients for t: its grad_fn, or its (shared) AccumulateGrad when t
/// is a leaf that requires grad, or null.
std::shared_ptr<Node> gradient_edge(const Tensor& t);

/// Attaches history to `out` and returns it. `saved` lists the tensors `backward` captured.
Tensor record(Tensor out, const std::string& name, const std::vector<Tensor>& inputs,
              BackwardFn backward, std::vector<Tensor> saved = {});

}  // namespace ember::autograd
