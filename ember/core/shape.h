// Shapes and strides (both in elements, outermost dim first) and the pure arithmetic on them:
// element counts, contiguous strides, broadcasting, negative-dim wrapping.
// Not here: views of real data (tensor/view.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ember {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;

int64_t numel(const Shape& shape);
/// Elements of the dims [from, to): with one dim d picked out, a contiguous tensor is an
/// (outer, size, inner) block with outer = numel(s, 0, d) and inner = numel(s, d + 1, s.size()).
int64_t numel(const Shape& shape, std::size_t from, std::size_t to);
/// Row-major strides: the last dim has stride 1.
Strides contiguous_strides(const Shape& shape);
/// NumPy/PyTorch broadcasting: align trailing dims; each pair must be equal or contain a 1.
/// Throws ShapeError naming `op` and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
/// Maps dim in [-ndim, ndim) to [0, ndim); throws IndexError naming `op` otherwise.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);
/// Throws IndexError unless each of the n values lies in [0, size): the one bounds check of every
/// op that indexes with a tensor. The message reads "[op] <what> <value> at position <i> is out
/// of bounds for dim <dim> with size <size>", or "... for <size> classes" when dim is kClasses.
constexpr int64_t kClasses = -1;
void check_indices(const int64_t* values, int64_t n, int64_t size, int64_t dim, const char* op, const char* what);
/// Wraps and sorts a dim list; an empty list means every dim. Throws on repeats.
std::vector<int64_t> wrap_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* op);

}  // namespace ember
