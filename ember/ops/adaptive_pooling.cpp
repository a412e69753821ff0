// adaptive_avg_pool2d and adaptive_max_pool2d: plane by plane (one channel of one image), planes
// split across threads; each plane's output and gradient depend on that plane only.
#include "ember/autograd/function.h"
#include "ember/core/parallel.h"
#include "ember/kernels/adaptive_pool.h"
#include "ember/ops/creation.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/pooling.h"
#include "ember/ops/window.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

// What the forward and the backward both need (the backward keeps no input tensor).
struct Geometry {
  kernels::AdaptiveWindows windows;
  Shape in_sizes, out_sizes;  // (N, C, H, W) and (N, C, oh, ow)
  int64_t planes() const { return in_sizes[0] * in_sizes[1]; }
};

struct AdaptivePooling {
  Tensor batched, x;  // the input as a batch (with its history) and detached, contiguous
  Geometry geometry;
};

AdaptivePooling prepare(const char* op, const Tensor& input, ExpandingArray<2> output_size) {
  const Tensor x = detail::as_batch(op, input);
  EMBER_CHECK(x.is_floating_point(), TypeError, "[", op, "] needs a floating-point input; got ", dtype_name(x.dtype()));
  EMBER_CHECK(output_size[0] > 0 && output_size[1] > 0, ValueError, "[", op, "] output_size must be positive; got ",
              output_size.str());
  EMBER_CHECK(x.size(2) > 0 && x.size(3) > 0, ShapeError, "[", op, "] needs a non-empty image; got input ",
              shape_str(input.sizes()));
  const kernels::AdaptiveWindows w{x.size(2), x.size(3), output_size[0], output_size[1]};
  return {x, x.detach().contiguous(), {w, x.sizes(), {x.size(0), x.size(1), w.out_h, w.out_w}}};
}

// Calls fn(first_plane, end_plane) over all planes, on both threads when there is enough work.
template <class Fn>
void for_each_planes(const Geometry& p, Fn fn) {
  const int64_t work_per_plane = std::max(p.windows.plane_in(), p.windows.plane_out());
  parallel_for(0, p.planes(), std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(1, work_per_plane)), fn);
}

// Runs kernel(first_plane, end_plane, T-typed tag) over all planes in the input's dtype.
template <class Kernel>
void run_planes(const Geometry& p, ScalarType dtype, Kernel kernel) {
  dispatch_floating(dtype, [&](auto tag) {
    for_each_planes(p, [&](int64_t lo, int64_t hi) { kernel(lo, hi, tag); });
  });
}

}  // namespace

Tensor adaptive_avg_pool2d(const Tensor& input, ExpandingArray<2> output_size) {
  if (is_reduced_float(input.dtype()))  // averaged in float32, rounded once
    return adaptive_avg_pool2d(input.to(kFloat32), output_size).to(input.dtype());
  const AdaptivePooling p = prepare("adaptive_avg_pool2d", input, output_size);
  const kernels::AdaptiveWindows& w = p.geometry.windows;
  Tensor out = detail::alloc(p.geometry.out_sizes, p.x.dtype());
  run_planes(p.geometry, p.x.dtype(), [&](int64_t lo, int64_t hi, auto tag) {
    using T = typename decltype(tag)::type;
    kernels::adaptive_avg_pool2d(w, hi - lo, static_cast<const T*>(p.x.data_ptr()) + lo * w.plane_in(),
                                 static_cast<T*>(out.data_ptr()) + lo * w.plane_out());
  });
  out = autograd::record(out, "AdaptiveAvgPool2DBackward", {p.batched},
                         [p = p.geometry, dtype = p.x.dtype()](const Tensor& grad, const Needs&) {
                           const Tensor g = grad.contiguous();
                           Tensor gx = zeros(p.in_sizes, dtype);
                           const kernels::AdaptiveWindows& w = p.windows;
                           run_planes(p, dtype, [&](int64_t lo, int64_t hi, auto tag) {
                             using T = typename decltype(tag)::type;
                             kernels::adaptive_avg_pool2d_backward(
                                 w, hi - lo, static_cast<const T*>(g.data_ptr()) + lo * w.plane_out(),
                                 static_cast<T*>(gx.data_ptr()) + lo * w.plane_in());
                           });
                           return Grads{gx};
                         });
  return detail::unbatch(input, out);
}

std::tuple<Tensor, Tensor> adaptive_max_pool2d(const Tensor& input, ExpandingArray<2> output_size) {
  if (is_reduced_float(input.dtype())) {  // pooled in float32; a maximum is exact in the input's dtype
    const auto [out, indices] = adaptive_max_pool2d(input.to(kFloat32), output_size);
    return {out.to(input.dtype()), indices};
  }
  const AdaptivePooling p = prepare("adaptive_max_pool2d", input, output_size);
  const kernels::AdaptiveWindows& w = p.geometry.windows;
  Tensor out = detail::alloc(p.geometry.out_sizes, p.x.dtype());
  Tensor indices = detail::alloc(p.geometry.out_sizes, kInt64);
  run_planes(p.geometry, p.x.dtype(), [&](int64_t lo, int64_t hi, auto tag) {
    using T = typename decltype(tag)::type;
    kernels::adaptive_max_pool2d(w, hi - lo, static_cast<const T*>(p.x.data_ptr()) + lo * w.plane_in(),
                                 static_cast<T*>(out.data_ptr()) + lo * w.plane_out(),
                                 indices.data_ptr<int64_t>() + lo * w.plane_out());
  });
  out = autograd::record(out, "AdaptiveMaxPool2DBackward", {p.batched},
                         [shape = p.geometry, saved_indices = SavedTensor(indices), dtype = p.x.dtype()](const Tensor& grad,
                                                                                             const Needs&) {
                           const Tensor g = grad.contiguous();
                           const int64_t* at = saved_indices.unpack().data_ptr<int64_t>();
                           Tensor gx = zeros(shape.in_sizes, dtype);
                           const kernels::AdaptiveWindows& w = shape.windows;
                           run_planes(shape, dtype, [&](int64_t lo, int64_t hi, auto tag) {
                             using T = typename decltype(tag)::type;
                             kernels::adaptive_max_pool2d_backward(
                                 w, hi - lo, static_cast<const T*>(g.data_ptr()) + lo * w.plane_out(),
                                 at + lo * w.plane_out(), static_cast<T*>(gx.data_ptr()) + lo * w.plane_in());
                           });
                           return Grads{gx};
                         });
  return {detail::unbatch(input, out), detail::unbatch(input, indices)};
}

}  // namespace ember
