// How an op joins the graph: record() makes `out` the output of a new FunctionNode when grad mode
// is on and some input requires grad; otherwise it does nothing. Every differentiable op in
// ops/ ends with one call, its closure reading the tensors it needs through SavedTensors:
//   const SavedTensor as(a), bs(b);
//   return autograd::record(out, "MulBackward", {a, b}, [as, bs](const Tensor& g, const Needs&) {
//     return std::vector<Tensor>{g * bs.unpack(), g * as.unpack()};
//   });
#pragma once

#include "ember/autograd/node.h"
#include "ember/autograd/saved_tensor.h"

namespace ember::autograd {

/// True iff grad mode is on and at least one tensor requires grad.
bool should_record(std::initializer_list<Tensor> inputs);
bool should_record(const std::vector<Tensor>& inputs);

/// The node that receives gradients for t: its grad_fn, or its (shared) AccumulateGrad when t
/// is a leaf that requires grad, or null.
std::shared_ptr<Node> gradient_edge(const Tensor& t);

/// The forward op a node's name speaks of: "Exp" for "ExpBackward".
std::string forward_op(const std::string& node_name);

/// Attaches history to `out` and returns it. `backward` captures no Tensor, only SavedTensors.
/// Every differentiable op passes its output through here, so this is also where anomaly mode
/// (anomaly_mode.h) checks forward values.
Tensor record(Tensor out, const std::string& name, const std::vector<Tensor>& inputs, BackwardFn backward);

}  // namespace ember::autograd
