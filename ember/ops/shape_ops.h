// Shape ops: the differentiable views (view, reshape, permute, expand, slice, ... declared as
// Tensor methods) and the ops that join tensors (cat, stack). Views share storage; their
// backward maps the gradient back onto the input's shape.
#pragma once

#include <vector>

#include "ember/tensor/tensor.h"

namespace ember {

/// Joins tensors along an existing dim; all other sizes must match.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// Joins tensors of one shape along a new dim.
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor flatten(const Tensor& t, int64_t start_dim = 0, int64_t end_dim = -1);

}  // namespace ember
