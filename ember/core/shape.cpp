#include "ember/core/shape.h"

#include <algorithm>

#include "ember/core/error.h"

namespace ember {

int64_t numel(const Shape& shape) { return numel(shape, 0, shape.size()); }

int64_t numel(const Shape& shape, std::size_t from, std::size_t to) {
  int64_t n = 1;
  for (std::size_t d = from; d < to; ++d) n *= shape[d];
  return n;
}

Strides contiguous_strides(const Shape& shape) {
  Strides strides(shape.size());
  int64_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(shape[i], 1);
  }
  return strides;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    const int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_CHECK(da == db || da == 1 || db == 1, ShapeError, "[", op,
                "] shapes cannot be broadcast together: ", shape_str(a), " and ", shape_str(b),
                " (dim ", i, " has sizes ", da, " and ", db, ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  const int64_t lo = ndim == 0 ? -1 : -ndim, hi = ndim == 0 ? 0 : ndim - 1;
  EMBER_CHECK(dim >= lo && dim <= hi, IndexError, "[", op, "] dim ", dim,
              " is out of range for a tensor with ", ndim, " dims (expected ", lo, " to ", hi, ")");
  return dim < 0 ? dim + std::max<int64_t>(ndim, 1) : dim;
}

std::vector<int64_t> wrap_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* op) {
  std::vector<int64_t> out;
  if (dims.empty()) {
    for (int64_t d = 0; d < ndim; ++d) out.push_back(d);
    return out;
  }
  for (int64_t d : dims) out.push_back(ndim == 0 ? (wrap_dim(d, 0, op), 0) : wrap_dim(d, ndim, op));
  std::sort(out.begin(), out.end());
  if (ndim == 0) out.clear();  // a 0-d tensor has no dims to reduce; dim 0/-1 is accepted
  EMBER_CHECK(std::adjacent_find(out.begin(), out.end()) == out.end(), ValueError, "[", op,
              "] a dim appears more than once in the dim list");
  return out;
}

void check_indices(const int64_t* values, int64_t n, int64_t size, int64_t dim, const char* op, const char* what) {
  for (int64_t i = 0; i < n; ++i) {
    if (values[i] >= 0 && values[i] < size) continue;
    if (dim == kClasses)
      throw IndexError(detail::str("[", op, "] ", what, " ", values[i], " at position ", i, " is out of bounds for ", size, " classes"));
    throw IndexError(detail::str("[", op, "] ", what, " ", values[i], " at position ", i, " is out of bounds for dim ", dim,
                         " with size ", size));
  }
}

}  // namespace ember
