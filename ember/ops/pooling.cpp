// max_pool2d and avg_pool2d: the kernels run plane by plane (one channel of one image), planes
// split across threads; each plane's output depends on its own input only, so the split never
// changes a result.
#include "ember/ops/pooling.h"

#include "ember/autograd/function.h"
#include "ember/core/parallel.h"
#include "ember/kernels/pool.h"
#include "ember/ops/creation.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/window.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

// What the forward and the backward both need: the window and the shapes.
struct PoolShape {
  kernels::Window2d window;
  Shape in_sizes, out_sizes;  // (N, C, H, W) and (N, C, H_out, W_out)
  int64_t planes() const { return in_sizes[0] * in_sizes[1]; }
  int64_t plane_in() const { return in_sizes[2] * in_sizes[3]; }
  int64_t plane_out() const { return out_sizes[2] * out_sizes[3]; }
};

// One pooling call: the input as a batch (with its history, for the graph) and the same data
// detached and contiguous (for the kernels).
struct Pooling {
  Tensor batched, x;
  PoolShape shape;
};

Pooling prepare(const char* op, const Tensor& input, ExpandingArray<2> kernel, std::optional<ExpandingArray<2>> stride,
                ExpandingArray<2> padding, ExpandingArray<2> dilation, bool ceil_mode = false) {
  const Tensor x = detail::as_batch(op, input);
  EMBER_CHECK(x.is_floating_point(), TypeError, "[", op, "] needs a floating-point input; got ", dtype_name(x.dtype()));
  for (int axis = 0; axis < 2; ++axis)
    EMBER_CHECK(padding[axis] <= kernel[axis] / 2, ValueError, "[", op, "] padding ", padding.str(),
                " must be at most half the kernel size ", kernel.str());
  const kernels::Window2d w =
      detail::make_window(op, input, kernel, stride.value_or(kernel), padding, dilation, ceil_mode);
  return {x, x.detach().contiguous(), {w, x.sizes(), {x.size(0), x.size(1), w.out_height(), w.out_width()}}};
}

// Calls fn(first_plane, end_plane) over all planes, on both threads when there is enough work.
template <class Fn>
void for_each_planes(const PoolShape& p, Fn fn) {
  const int64_t work_per_plane = p.plane_out() * p.window.kernel_h * p.window.kernel_w;
  parallel_for(0, p.planes(), std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(1, work_per_plane)), fn);
}

// The input's gradient: zeros, then fill(first_plane, end_plane, grad planes, gradient planes)
// on both threads (each plane's gradient comes from its own output planes only).
template <class Fill>
Tensor input_gradient(const PoolShape& p, ScalarType dtype, const Tensor& grad, Fill fill) {
  const Tensor g = grad.contiguous();
  Tensor gx = zeros(p.in_sizes, dtype);
  dispatch_floating(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for_each_planes(p, [&](int64_t lo, int64_t hi) {
      fill(lo, hi, static_cast<const T*>(g.data_ptr()) + lo * p.plane_out(),
           static_cast<T*>(gx.data_ptr()) + lo * p.plane_in());
    });
  });
  return gx;
}

// The pooled values (batched, with history) and their int32 indices.
std::pair<Tensor, Tensor> max_pool_batched(const Tensor& input, ExpandingArray<2> kernel_size,
                                           std::optional<ExpandingArray<2>> stride, ExpandingArray<2> padding,
                                           ExpandingArray<2> dilation, bool ceil_mode) {
  const Pooling p = prepare("max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode);
  const PoolShape& shape = p.shape;
  // int32 indices inside (half the memory traffic of int64; the kernel vectorises them), int64
  // for the caller, as PyTorch returns.
  EMBER_CHECK(shape.plane_in() <= INT32_MAX, ValueError,
              "[max_pool2d] planes of more than 2^31 pixels are not supported; got ", shape_str(input.sizes()));
  Tensor out = detail::alloc(shape.out_sizes, p.x.dtype()), indices = detail::alloc(shape.out_sizes, kInt32);
  const int64_t plane_in = shape.plane_in(), plane_out = shape.plane_out();
  dispatch_floating(p.x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for_each_planes(shape, [&](int64_t lo, int64_t hi) {
      kernels::max_pool2d(shape.window, hi - lo, static_cast<const T*>(p.x.data_ptr()) + lo * plane_in,
                          static_cast<T*>(out.data_ptr()) + lo * plane_out,
                          indices.data_ptr<int32_t>() + lo * plane_out);
    });
  });
  out = autograd::record(out, "MaxPool2dBackward", {p.batched},
                         [p = p.shape, saved_indices = SavedTensor(indices), dtype = p.x.dtype()](
                             const Tensor& grad, const Needs&) {
                           const int32_t* at = saved_indices.unpack().data_ptr<int32_t>();
                           return Grads{input_gradient(p, dtype, grad, [&](int64_t lo, int64_t hi, auto* g, auto* gx) {
                             kernels::max_pool2d_backward(p.window, hi - lo, g, at + lo * p.plane_out(), gx);
                           })};
                         });
  return {out, indices};
}

}  // namespace

std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, ExpandingArray<2> kernel_size,
                                                   std::optional<ExpandingArray<2>> stride, ExpandingArray<2> padding,
                                                   ExpandingArray<2> dilation, bool ceil_mode) {
  if (is_reduced_float(input.dtype())) {  // pooled in float32; a maximum is exact in the input's dtype
    const auto [out, indices] =
        max_pool2d_with_indices(input.to(kFloat32), kernel_size, stride, padding, dilation, ceil_mode);
    return {out.to(input.dtype()), indices};
  }
  const auto [out, indices] = max_pool_batched(input, kernel_size, stride, padding, dilation, ceil_mode);
  return {detail::unbatch(input, out), detail::unbatch(input, indices.to(kInt64))};
}

Tensor max_pool2d(const Tensor& input, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride,
                  ExpandingArray<2> padding, ExpandingArray<2> dilation, bool ceil_mode) {
  if (is_reduced_float(input.dtype()))
    return max_pool2d(input.to(kFloat32), kernel_size, stride, padding, dilation, ceil_mode).to(input.dtype());
  return detail::unbatch(input, max_pool_batched(input, kernel_size, stride, padding, dilation, ceil_mode).first);
}

Tensor avg_pool2d(const Tensor& input, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride,
                  ExpandingArray<2> padding, bool ceil_mode, bool count_include_pad) {
  if (is_reduced_float(input.dtype()))  // averaged in float32, rounded once
    return avg_pool2d(input.to(kFloat32), kernel_size, stride, padding, ceil_mode, count_include_pad).to(input.dtype());
  const Pooling p = prepare("avg_pool2d", input, kernel_size, stride, padding, 1, ceil_mode);
  const PoolShape& shape = p.shape;
  Tensor out = detail::alloc(shape.out_sizes, p.x.dtype());
  const int64_t plane_in = shape.plane_in(), plane_out = shape.plane_out();
  dispatch_floating(p.x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    for_each_planes(shape, [&](int64_t lo, int64_t hi) {
      kernels::avg_pool2d(shape.window, hi - lo, static_cast<const T*>(p.x.data_ptr()) + lo * plane_in,
                          static_cast<T*>(out.data_ptr()) + lo * plane_out, count_include_pad);
    });
  });
  out = autograd::record(out, "AvgPool2dBackward", {p.batched},
                         [p = p.shape, count_include_pad, dtype = p.x.dtype()](const Tensor& grad, const Needs&) {
                           return Grads{input_gradient(p, dtype, grad, [&](int64_t lo, int64_t hi, auto* g, auto* gx) {
                             kernels::avg_pool2d_backward(p.window, hi - lo, g, gx, count_include_pad);
                           })};
                         });
  return detail::unbatch(input, out);
}

}  // namespace ember
