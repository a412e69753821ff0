// View algebra: pure functions from one layout (sizes, strides, offset) to another that reads
// the same storage. No data moves and no autograd happens here; ops/shape_ops.cpp wraps these
// into the differentiable Tensor::view, permute, expand, ... . Every function validates its
// arguments and throws with the op's name, since users reach them directly.
#pragma once

#include <optional>

#include "ember/core/shape.h"
#include "ember/tensor/tensor.h"

namespace ember::detail {

struct Layout {
  Shape sizes;
  Strides strides;
  int64_t offset = 0;
};

inline Layout layout_of(const Tensor& t) { return {t.sizes(), t.strides(), t.storage_offset()}; }
/// A new TensorImpl over base's storage with the given layout (no autograd history).
Tensor make_view(const Tensor& base, Layout layout);

/// Replaces a single -1 in `shape` so the element count is `numel`; checks the count.
Shape infer_size(const Shape& shape, int64_t numel, const char* op);
/// Strides that read `new_shape` in the same row-major order as (sizes, strides), or nullopt
/// when none exist and reshape must copy. (After PyTorch's computeStride.)
std::optional<Strides> reshape_strides(const Shape& sizes, const Strides& strides,
                                       const Shape& new_shape);

Layout permute_layout(const Layout& in, const Shape& dims);
Layout transpose_layout(const Layout& in, int64_t dim0, int64_t dim1);
Layout expand_layout(const Layout& in, const Shape& shape);
Layout slice_layout(const Layout& in, int64_t dim, std::optional<int64_t> start,
                    std::optional<int64_t> end, int64_t step);
Layout select_layout(const Layout& in, int64_t dim, int64_t index);
Layout unsqueeze_layout(const Layout& in, int64_t dim);
Layout squeeze_layout(const Layout& in, std::optional<int64_t> dim);
Layout diagonal_layout(const Layout& in, int64_t offset, int64_t dim1, int64_t dim2);

}  // namespace ember::detail
