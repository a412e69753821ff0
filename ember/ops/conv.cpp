// conv2d as the course builds it: unfold each image into columns (im2col) so that the
// convolution is one matrix product, output (C_out, H_out * W_out) = weight (C_out, K) @ cols
// (K, H_out * W_out) with K = C_in * kH * kW. The backward is two more products per image:
//   grad cols   = weight^T @ grad out, folded back onto the image (col2im): the input's gradient;
//   grad weight = sum over images of grad out @ cols^T.
// Images are split across threads in fixed chunks; each chunk sums its own weight gradient and
// the chunks are added in order, so the result does not depend on the thread count.
#include "ember/ops/conv.h"

#include "ember/autograd/function.h"
#include "ember/core/parallel.h"
#include "ember/kernels/gemm.h"
#include "ember/ops/creation.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/reduction.h"
#include "ember/ops/window.h"

namespace ember {

using autograd::Needs;
using Grads = std::vector<Tensor>;

namespace {

// Images per chunk: fixed (not per thread) so that the weight gradient's summation order is the
// same on any thread count; 8 keeps a batch of 64 in 8 chunks, enough to balance two cores.
constexpr int64_t kImagesPerChunk = 8;
// Below this many multiply-adds in a whole batch, one thread: waking the second costs more.
constexpr int64_t kParallelMacs = 1 << 18;

// A 1 x 1 kernel with stride 1 and no padding reads each pixel once, in place: the image
// itself is the columns matrix.
bool image_is_columns(const kernels::Window2d& w) {
  return w.kernel_h == 1 && w.kernel_w == 1 && w.stride_h == 1 && w.stride_w == 1 && w.pad_h == 0 && w.pad_w == 0;
}

// Calls fn(first_image, end_image, chunk_index) for every chunk of the batch, chunks spread over
// the threads when the batch is large enough.
template <class Fn>
void for_each_chunk(int64_t images, int64_t macs_per_image, Fn fn) {
  const int64_t chunks = (images + kImagesPerChunk - 1) / kImagesPerChunk;
  const int64_t chunk_macs = std::max<int64_t>(1, macs_per_image * std::min(images, kImagesPerChunk));
  parallel_for(0, chunks, std::max<int64_t>(1, kParallelMacs / chunk_macs), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) fn(c * kImagesPerChunk, std::min(images, (c + 1) * kImagesPerChunk), c);
  });
}

template <class T>
void conv2d_forward(const kernels::Window2d& w, int64_t images, int64_t out_channels, const T* x, const T* weight,
                    T* out, bool accumulate) {
  const int64_t K = w.channels * w.kernel_h * w.kernel_w, L = w.out_height() * w.out_width();
  const int64_t image_size = w.channels * w.height * w.width;
  const bool in_place = image_is_columns(w);
  for_each_chunk(images, out_channels * K * L, [&](int64_t first, int64_t end, int64_t) {
    Tensor cols = in_place ? Tensor() : detail::alloc({K, L}, dtype_of<T>);
    for (int64_t n = first; n < end; ++n) {
      const T* image = x + n * image_size;
      if (!in_place) kernels::im2col(w, image, static_cast<T*>(cols.data_ptr()));
      kernels::gemm(out_channels, L, K, weight, K, false, in_place ? image : static_cast<const T*>(cols.data_ptr()), L,
                    false, out + n * out_channels * L, L, T(1), accumulate ? T(1) : T(0));
    }
  });
}

// grad_x (zeroed, or null when not needed) and grad_weight (null when not needed) from grad_out.
template <class T>
void conv2d_backward(const kernels::Window2d& w, int64_t images, int64_t out_channels, const T* x, const T* weight,
                     const T* grad_out, T* grad_x, T* grad_weight) {
  const int64_t K = w.channels * w.kernel_h * w.kernel_w, L = w.out_height() * w.out_width();
  const int64_t image_size = w.channels * w.height * w.width;
  const bool in_place = image_is_columns(w);
  const int64_t chunks = (images + kImagesPerChunk - 1) / kImagesPerChunk;
  Tensor partials = grad_weight ? detail::alloc({chunks, out_channels, K}, dtype_of<T>) : Tensor();
  const int64_t passes = (grad_x != nullptr) + (grad_weight != nullptr);
  for_each_chunk(images, passes * out_channels * K * L, [&](int64_t first, int64_t end, int64_t chunk) {
    Tensor scratch = in_place ? Tensor() : detail::alloc({K, L}, dtype_of<T>);
    T* cols = in_place ? nullptr : static_cast<T*>(scratch.data_ptr());
    T* partial = grad_weight ? static_cast<T*>(partials.data_ptr()) + chunk * out_channels * K : nullptr;
    for (int64_t n = first; n < end; ++n) {
      const T* g = grad_out + n * out_channels * L;
      if (grad_weight) {  // partial (C_out, K) += g (C_out, L) @ cols^T (L, K)
        const T* image = x + n * image_size;
        if (!in_place) kernels::im2col(w, image, cols);
        kernels::gemm(out_channels, K, L, g, L, false, in_place ? image : cols, L, true, partial, K, T(1),
                      n == first ? T(0) : T(1));
      }
      if (grad_x) {  // grad cols (K, L) = weight^T (K, C_out) @ g (C_out, L), then folded back
        T* gx = grad_x + n * image_size;
        kernels::gemm(K, L, out_channels, weight, K, true, g, L, false, in_place ? gx : cols, L, T(1), T(0));
        if (!in_place) kernels::col2im(w, static_cast<const T*>(cols), gx);
      }
    }
  });
  if (!grad_weight) return;
  const T* p = static_cast<const T*>(partials.data_ptr());
  std::copy(p, p + out_channels * K, grad_weight);
  for (int64_t c = 1; c < chunks; ++c)
    for (int64_t i = 0; i < out_channels * K; ++i) grad_weight[i] += p[c * out_channels * K + i];
}

void check_conv_args(const Tensor& input, const Tensor& weight, const Tensor& bias) {
  EMBER_CHECK(weight.dim() == 4, ShapeError, "[conv2d] weight must be 4-D (C_out, C_in, kH, kW); got ",
              shape_str(weight.sizes()));
  EMBER_CHECK(input.size(-3) == weight.size(1), ShapeError, "[conv2d] input ", shape_str(input.sizes()), " has ",
              input.size(-3), " channels but weight ", shape_str(weight.sizes()), " expects ", weight.size(1));
  EMBER_CHECK(input.dtype() == weight.dtype(), TypeError, "[conv2d] input and weight must have the same dtype; got ",
              dtype_name(input.dtype()), " and ", dtype_name(weight.dtype()));
  EMBER_CHECK(input.is_floating_point(), TypeError, "[conv2d] needs floating-point tensors; got ",
              dtype_name(input.dtype()));
  if (!bias.defined()) return;
  EMBER_CHECK(bias.dim() == 1 && bias.size(0) == weight.size(0), ShapeError, "[conv2d] bias ", shape_str(bias.sizes()),
              " does not fit weight ", shape_str(weight.sizes()), ": expected (", weight.size(0), ")");
  EMBER_CHECK(bias.dtype() == weight.dtype(), TypeError, "[conv2d] bias and weight must have the same dtype; got ",
              dtype_name(bias.dtype()), " and ", dtype_name(weight.dtype()));
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, ExpandingArray<2> stride,
              ExpandingArray<2> padding, ExpandingArray<2> dilation) {
  const Tensor x = detail::as_batch("conv2d", input);
  check_conv_args(x, weight, bias);
  const kernels::Window2d w =
      detail::make_window("conv2d", input, {weight.size(2), weight.size(3)}, stride, padding, dilation);
  const int64_t N = x.size(0), C_out = weight.size(0);
  const Tensor xs = x.detach().contiguous(), ws = weight.detach().contiguous();
  Tensor out = detail::alloc({N, C_out, w.out_height(), w.out_width()}, x.dtype());
  // With a bias, the output starts as the bias and the products add onto it.
  if (bias.defined()) detail::copy_into(out, bias.detach().reshape({1, C_out, 1, 1}).expand(out.sizes()));
  dispatch_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    conv2d_forward<T>(w, N, C_out, static_cast<const T*>(xs.data_ptr()), static_cast<const T*>(ws.data_ptr()),
                      static_cast<T*>(out.data_ptr()), bias.defined());
  });
  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  out =
      autograd::record(out, "Conv2dBackward", inputs,
                       [xs, ws, w](const Tensor& grad, const Needs& needs) {
                         const Tensor g = grad.contiguous();
                         Grads grads(needs.size());
                         if (needs[0]) grads[0] = zeros(xs.sizes(), xs.dtype());
                         if (needs[1]) grads[1] = detail::alloc(ws.sizes(), ws.dtype());
                         dispatch_floating(xs.dtype(), [&](auto tag) {
                           using T = typename decltype(tag)::type;
                           conv2d_backward<T>(w, xs.size(0), ws.size(0), static_cast<const T*>(xs.data_ptr()),
                                              static_cast<const T*>(ws.data_ptr()), static_cast<const T*>(g.data_ptr()),
                                              needs[0] ? static_cast<T*>(grads[0].data_ptr()) : nullptr,
                                              needs[1] ? static_cast<T*>(grads[1].data_ptr()) : nullptr);
                         });
                         if (needs.size() > 2 && needs[2]) grads[2] = g.sum({0, 2, 3});
                         return grads;
                       },
                       {xs, ws});
  return input.dim() == 3 ? out.squeeze(0) : out;
}

}  // namespace ember
