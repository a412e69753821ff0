#include "ember/tensor/view.h"

#include <algorithm>

namespace ember::detail {

Tensor make_view(const Tensor& base, Layout layout) {
  return Tensor(std::make_shared<TensorImpl>(base.impl()->storage, std::move(layout.sizes),
                                             std::move(layout.strides), layout.offset, base.dtype()));
}

Shape infer_size(const Shape& shape, int64_t numel, const char* op) {
  Shape out = shape;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      EMBER_CHECK(infer_at < 0, ShapeError, "[", op, "] only one dim can be -1; got ", shape_str(shape));
      infer_at = static_cast<int64_t>(i);
    } else {
      EMBER_CHECK(out[i] >= 0, ShapeError, "[", op, "] invalid size ", out[i], " in ", shape_str(shape));
      known *= out[i];
    }
  }
  if (infer_at >= 0) {
    EMBER_CHECK(known != 0 && numel % known == 0, ShapeError, "[", op, "] shape ", shape_str(shape),
                " is invalid for input of size ", numel);
    out[infer_at] = numel / known;
  }
  EMBER_CHECK(ember::numel(out) == numel, ShapeError, "[", op, "] shape ", shape_str(shape),
              " is invalid for input of size ", numel);
  return out;
}

std::optional<Strides> reshape_strides(const Shape& sizes_in, const Strides& strides_in,
                                       const Shape& new_shape) {
  if (ember::numel(sizes_in) == 0 || sizes_in.empty()) return contiguous_strides(new_shape);
  // Walk the old dims from the innermost out, grouping them into chunks that are contiguous with
  // each other; each chunk must be covered exactly by a run of new dims.
  const int64_t old_dims = static_cast<int64_t>(sizes_in.size());
  Strides out(new_shape.size(), 1);
  int64_t view_d = static_cast<int64_t>(new_shape.size()) - 1;
  int64_t chunk_stride = strides_in.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = old_dims - 1; d >= 0; --d) {
    tensor_numel *= sizes_in[d];
    const bool chunk_ends =
        d == 0 || (sizes_in[d - 1] != 1 && strides_in[d - 1] != tensor_numel * chunk_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d] == 1)) {
      out[view_d] = view_numel * chunk_stride;
      view_numel *= new_shape[view_d];
      --view_d;
    }
    if (view_numel != tensor_numel) return std::nullopt;
    if (d > 0) {
      chunk_stride = strides_in[d - 1];
      tensor_numel = view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

Layout permute_layout(const Layout& in, const Shape& dims) {
  const int64_t n = static_cast<int64_t>(in.sizes.size());
  EMBER_CHECK(static_cast<int64_t>(dims.size()) == n, ShapeError, "[permute] expected ", n,
              " dims for a tensor of shape ", shape_str(in.sizes), "; got ", shape_str(dims));
  Layout out{Shape(n), Strides(n), in.offset};
  std::vector<bool> seen(n, false);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t d = wrap_dim(dims[i], n, "permute");
    EMBER_CHECK(!seen[d], ValueError, "[permute] dim ", d, " appears twice in ", shape_str(dims));
    seen[d] = true;
    out.sizes[i] = in.sizes[d];
    out.strides[i] = in.strides[d];
  }
  return out;
}

Layout transpose_layout(const Layout& in, int64_t dim0, int64_t dim1) {
  const int64_t n = static_cast<int64_t>(in.sizes.size());
  if (n == 0) return in;
  Layout out = in;
  dim0 = wrap_dim(dim0, n, "transpose");
  dim1 = wrap_dim(dim1, n, "transpose");
  std::swap(out.sizes[dim0], out.sizes[dim1]);
  std::swap(out.strides[dim0], out.strides[dim1]);
  return out;
}

Layout expand_layout(const Layout& in, const Shape& shape) {
  const int64_t n = static_cast<int64_t>(shape.size()), old = static_cast<int64_t>(in.sizes.size());
  EMBER_CHECK(n >= old, ShapeError, "[expand] cannot expand shape ", shape_str(in.sizes), " to ",
              shape_str(shape), ": the target has fewer dims");
  Layout out{Shape(n), Strides(n), in.offset};
  for (int64_t i = n - 1; i >= 0; --i) {
    const int64_t j = i - (n - old);  // matching dim of the input, if any
    if (j >= 0) {
      const int64_t target = shape[i] == -1 ? in.sizes[j] : shape[i];
      EMBER_CHECK(in.sizes[j] == target || in.sizes[j] == 1, ShapeError, "[expand] cannot expand shape ",
                  shape_str(in.sizes), " to ", shape_str(shape), ": dim ", i, " has size ",
                  in.sizes[j], " (only size-1 dims can grow)");
      out.sizes[i] = target;
      out.strides[i] = in.sizes[j] == target ? in.strides[j] : 0;
    } else {
      EMBER_CHECK(shape[i] >= 0, ShapeError, "[expand] new leading dim ", i, " cannot be ",
                  shape[i], " in ", shape_str(shape));
      out.sizes[i] = shape[i];
      out.strides[i] = 0;
    }
  }
  return out;
}

Layout slice_layout(const Layout& in, int64_t dim, std::optional<int64_t> start_opt,
                    std::optional<int64_t> end_opt, int64_t step) {
  EMBER_CHECK(!in.sizes.empty(), ShapeError, "[slice] cannot slice a 0-d tensor");
  dim = wrap_dim(dim, static_cast<int64_t>(in.sizes.size()), "slice");
  EMBER_CHECK(step > 0, ValueError, "[slice] step must be positive; got ", step);
  const int64_t size = in.sizes[dim];
  // Python slicing: negative indices count from the end; out-of-range bounds clamp.
  auto clamp = [size](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + size : i, 0, size); };
  const int64_t start = clamp(start_opt.value_or(0)), end = std::max(start, clamp(end_opt.value_or(size)));
  Layout out = in;
  out.offset += start * in.strides[dim];
  out.sizes[dim] = (end - start + step - 1) / step;
  out.strides[dim] *= step;
  return out;
}

Layout select_layout(const Layout& in, int64_t dim, int64_t index) {
  EMBER_CHECK(!in.sizes.empty(), IndexError, "[select] cannot index a 0-d tensor");
  dim = wrap_dim(dim, static_cast<int64_t>(in.sizes.size()), "select");
  const int64_t size = in.sizes[dim];
  EMBER_CHECK(index >= -size && index < size, IndexError, "[select] index ", index,
              " is out of range for dim ", dim, " of size ", size, " (shape ", shape_str(in.sizes), ")");
  if (index < 0) index += size;
  Layout out = in;
  out.offset += index * in.strides[dim];
  out.sizes.erase(out.sizes.begin() + dim);
  out.strides.erase(out.strides.begin() + dim);
  return out;
}

Layout unsqueeze_layout(const Layout& in, int64_t dim) {
  const int64_t n = static_cast<int64_t>(in.sizes.size());
  dim = wrap_dim(dim, n + 1, "unsqueeze");
  Layout out = in;
  const int64_t stride = dim < n ? in.sizes[dim] * in.strides[dim] : 1;
  out.sizes.insert(out.sizes.begin() + dim, 1);
  out.strides.insert(out.strides.begin() + dim, stride);
  return out;
}

Layout squeeze_layout(const Layout& in, std::optional<int64_t> dim) {
  Layout out{{}, {}, in.offset};
  const int64_t n = static_cast<int64_t>(in.sizes.size());
  const int64_t only = dim ? wrap_dim(*dim, n, "squeeze") : -1;
  for (int64_t i = 0; i < n; ++i) {
    const bool drop = in.sizes[i] == 1 && (!dim || i == only);
    if (drop) continue;
    out.sizes.push_back(in.sizes[i]);
    out.strides.push_back(in.strides[i]);
  }
  return out;
}

Layout diagonal_layout(const Layout& in, int64_t offset, int64_t dim1, int64_t dim2) {
  const int64_t n = static_cast<int64_t>(in.sizes.size());
  EMBER_CHECK(n >= 2, ShapeError, "[diagonal] needs at least 2 dims; got shape ", shape_str(in.sizes));
  dim1 = wrap_dim(dim1, n, "diagonal");
  dim2 = wrap_dim(dim2, n, "diagonal");
  EMBER_CHECK(dim1 != dim2, ValueError, "[diagonal] dim1 and dim2 must differ; both are ", dim1);
  Layout out{{}, {}, in.offset};
  int64_t len;
  if (offset >= 0) {
    len = std::max<int64_t>(std::min(in.sizes[dim1], in.sizes[dim2] - offset), 0);
    if (len > 0) out.offset += offset * in.strides[dim2];
  } else {
    len = std::max<int64_t>(std::min(in.sizes[dim1] + offset, in.sizes[dim2]), 0);
    if (len > 0) out.offset -= offset * in.strides[dim1];
  }
  for (int64_t i = 0; i < n; ++i) {
    if (i == dim1 || i == dim2) continue;
    out.sizes.push_back(in.sizes[i]);
    out.strides.push_back(in.strides[i]);
  }
  out.sizes.push_back(len);
  out.strides.push_back(in.strides[dim1] + in.strides[dim2]);
  return out;
}

}  // namespace ember::detail
