// Differentiable views and joins. Each view applies a layout function from tensor/view.h and
// records how to carry the gradient back: reshape back, permute back, sum over expanded dims,
// or scatter into zeros for slices.
#include "ember/ops/shape_ops.h"

#include <numeric>

#include "ember/autograd/function.h"
#include "ember/ops/creation.h"
#include "ember/ops/op_helpers.h"
#include "ember/tensor/view.h"

namespace ember {

using autograd::Needs;
using Grads = std::vector<Tensor>;

namespace {

// A view of `self` with `layout`, whose gradient is backward(g).
Tensor make_differentiable_view(const Tensor& self, detail::Layout layout, const char* name,
                                std::function<Tensor(const Tensor&)> backward) {
  Tensor out = detail::make_view(self, std::move(layout));
  if (!autograd::should_record({self})) return out;
  out = autograd::record(out, name, {self},
                         [backward](const Tensor& g, const Needs&) { return Grads{backward(g)}; });
  out.impl()->autograd_meta().is_view = true;
  return out;
}

// The gradient of a view that picks some elements of `shape`: zeros with the view's slots
// filled from g. `pick` maps a tensor of `shape` to the same view.
Tensor scatter_into_zeros(const Tensor& g, const Shape& shape,
                          const std::function<Tensor(const Tensor&)>& pick) {
  Tensor full = zeros(shape, g.dtype());
  detail::copy_into(pick(full), g);
  return full;
}

}  // namespace

Tensor Tensor::view(const Shape& shape) const {
  const Shape target = detail::infer_size(shape, numel(), "view");
  const auto strides = detail::reshape_strides(sizes(), this->strides(), target);
  EMBER_CHECK(strides, ShapeError, "[view] cannot view a tensor of shape ", shape_str(sizes()),
              " with strides ", shape_str(this->strides()), " as ", shape_str(target),
              ": its memory layout does not allow it; use reshape() (which copies)");
  const Shape in = sizes();
  return make_differentiable_view(*this, {target, *strides, storage_offset()}, "ViewBackward",
                                  [in](const Tensor& g) { return g.reshape(in); });
}

Tensor Tensor::reshape(const Shape& shape) const {
  const Shape target = detail::infer_size(shape, numel(), "reshape");
  if (detail::reshape_strides(sizes(), strides(), target)) return view(target);
  return clone().view(target);
}

Tensor Tensor::permute(const Shape& dims) const {
  detail::Layout layout = detail::permute_layout(detail::layout_of(*this), dims);
  Shape inverse(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) inverse[wrap_dim(dims[i], dim(), "permute")] = static_cast<int64_t>(i);
  return make_differentiable_view(*this, std::move(layout), "PermuteBackward",
                                  [inverse](const Tensor& g) { return g.permute(inverse); });
}

Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  return make_differentiable_view(*this, detail::transpose_layout(detail::layout_of(*this), dim0, dim1),
                                  "TransposeBackward",
                                  [dim0, dim1](const Tensor& g) { return g.transpose(dim0, dim1); });
}

Tensor Tensor::t() const {
  EMBER_CHECK(dim() <= 2, ShapeError, "[t] expects a tensor with at most 2 dims; got shape ",
              shape_str(sizes()), ". Use transpose(dim0, dim1) or permute()");
  return dim() < 2 ? *this : transpose(0, 1);
}

Tensor Tensor::expand(const Shape& shape) const {
  if (shape == sizes()) return *this;
  const Shape in = sizes();
  return make_differentiable_view(*this, detail::expand_layout(detail::layout_of(*this), shape),
                                  "ExpandBackward",
                                  [in](const Tensor& g) { return detail::sum_to(g, in); });
}

Tensor Tensor::unsqueeze(int64_t d) const {
  const Shape in = sizes();
  return make_differentiable_view(*this, detail::unsqueeze_layout(detail::layout_of(*this), d),
                                  "UnsqueezeBackward", [in](const Tensor& g) { return g.reshape(in); });
}

Tensor Tensor::squeeze() const {
  const Shape in = sizes();
  return make_differentiable_view(*this, detail::squeeze_layout(detail::layout_of(*this), std::nullopt),
                                  "SqueezeBackward", [in](const Tensor& g) { return g.reshape(in); });
}

Tensor Tensor::squeeze(int64_t d) const {
  const Shape in = sizes();
  return make_differentiable_view(*this, detail::squeeze_layout(detail::layout_of(*this), d),
                                  "SqueezeBackward", [in](const Tensor& g) { return g.reshape(in); });
}

Tensor Tensor::slice(int64_t d, std::optional<int64_t> start, std::optional<int64_t> end,
                     int64_t step) const {
  const Shape in = sizes();
  return make_differentiable_view(
      *this, detail::slice_layout(detail::layout_of(*this), d, start, end, step), "SliceBackward",
      [in, d, start, end, step](const Tensor& g) {
        return scatter_into_zeros(g, in, [&](const Tensor& z) { return z.slice(d, start, end, step); });
      });
}

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  const int64_t wd = wrap_dim(d, dim(), "narrow");
  const int64_t size = sizes()[wd];
  EMBER_CHECK(start >= -size && start <= size, IndexError, "[narrow] start ", start,
              " is out of range for dim ", wd, " of size ", size);
  if (start < 0) start += size;
  EMBER_CHECK(length >= 0 && start + length <= size, IndexError, "[narrow] start (", start,
              ") + length (", length, ") exceeds dim ", wd, " of size ", size);
  return slice(wd, start, start + length);
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  const Shape in = sizes();
  return make_differentiable_view(
      *this, detail::select_layout(detail::layout_of(*this), d, index), "SelectBackward",
      [in, d, index](const Tensor& g) {
        return scatter_into_zeros(g, in, [&](const Tensor& z) { return z.select(d, index); });
      });
}

Tensor Tensor::diagonal(int64_t offset, int64_t dim1, int64_t dim2) const {
  const Shape in = sizes();
  return make_differentiable_view(
      *this, detail::diagonal_layout(detail::layout_of(*this), offset, dim1, dim2), "DiagonalBackward",
      [in, offset, dim1, dim2](const Tensor& g) {
        return scatter_into_zeros(g, in, [&](const Tensor& z) { return z.diagonal(offset, dim1, dim2); });
      });
}

Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  if (dim() == 0) return reshape({1});
  start_dim = wrap_dim(start_dim, dim(), "flatten");
  end_dim = wrap_dim(end_dim, dim(), "flatten");
  EMBER_CHECK(start_dim <= end_dim, ValueError, "[flatten] start_dim (", start_dim,
              ") must not come after end_dim (", end_dim, ")");
  Shape shape(sizes().begin(), sizes().begin() + start_dim);
  shape.push_back(std::accumulate(sizes().begin() + start_dim, sizes().begin() + end_dim + 1,
                                  int64_t{1}, std::multiplies<>()));
  shape.insert(shape.end(), sizes().begin() + end_dim + 1, sizes().end());
  return reshape(shape);
}

Tensor Tensor::detach() const { return detail::make_view(*this, detail::layout_of(*this)); }

Tensor flatten(const Tensor& t, int64_t start_dim, int64_t end_dim) { return t.flatten(start_dim, end_dim); }

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), ValueError, "[cat] expects a non-empty list of tensors");
  const Tensor& first = tensors[0];
  EMBER_CHECK(first.dim() > 0, ShapeError, "[cat] zero-dimensional tensors cannot be concatenated; use stack()");
  const int64_t d = wrap_dim(dim, first.dim(), "cat");
  Shape out_shape = first.sizes();
  out_shape[d] = 0;
  ScalarType t = first.dtype();
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& x = tensors[i];
    bool fits = x.dim() == first.dim();
    for (int64_t k = 0; fits && k < x.dim(); ++k) fits = k == d || x.size(k) == first.size(k);
    EMBER_CHECK(fits, ShapeError, "[cat] tensor ", i, " has shape ", shape_str(x.sizes()),
                " but tensor 0 has shape ", shape_str(first.sizes()),
                "; all sizes must match except in dim ", d);
    out_shape[d] += x.size(d);
    t = promote_types(t, x.dtype());
  }
  Tensor out = detail::alloc(out_shape, t);
  std::vector<int64_t> offsets;
  int64_t offset = 0;
  for (const Tensor& x : tensors) {
    detail::copy_into(detail::make_view(out, detail::slice_layout(detail::layout_of(out), d, offset,
                                                                  offset + x.size(d), 1)), x);
    offsets.push_back(offset);
    offset += x.size(d);
  }
  std::vector<Tensor> inputs;
  std::vector<int64_t> lengths;
  for (const Tensor& x : tensors) {
    inputs.push_back(x);
    lengths.push_back(x.size(d));
  }
  return autograd::record(out, "CatBackward", inputs,
                          [d, offsets, lengths](const Tensor& g, const Needs& needs) {
                            Grads grads(offsets.size());
                            for (size_t i = 0; i < offsets.size(); ++i)
                              if (needs[i]) grads[i] = g.narrow(d, offsets[i], lengths[i]);
                            return grads;
                          });
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_CHECK(!tensors.empty(), ValueError, "[stack] expects a non-empty list of tensors");
  const int64_t d = wrap_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (size_t i = 0; i < tensors.size(); ++i) {
    EMBER_CHECK(tensors[i].sizes() == tensors[0].sizes(), ShapeError, "[stack] tensor ", i,
                " has shape ", shape_str(tensors[i].sizes()), " but tensor 0 has shape ",
                shape_str(tensors[0].sizes()), "; stack needs equal shapes");
    parts.push_back(tensors[i].unsqueeze(d));
  }
  return cat(parts, d);
}

}  // namespace ember
