// conv2d as the course builds it: unfold the images into columns (im2col) so that the
// convolution is one matrix product, output (C_out, L) = weight (C_out, K) @ cols (K, L) with
// K = C_in * kH * kW and L = H_out * W_out per image. The backward is two more products:
//   grad cols   = weight^T @ grad out, folded back onto the images (col2im): the input's gradient;
//   grad weight = grad out @ cols^T, summed over the images.
// Images go in fixed chunks: a chunk's columns sit side by side in one (K, chunk * L) matrix, so
// each product is one GEMM of chunk * L columns (LeNet's second layer: 800 instead of 100, which
// the kernel runs 25-35% faster). Chunks are split across threads; each sums its own weight and
// bias gradients and the chunks are added in order, so the result does not depend on the thread
// count. The forward keeps the columns for the weight's gradient (9 MB for a LeNet batch of 64):
// unfolding again in the backward measured 12% slower per LeNet step (4.85 vs 4.34 ms).
// Groups (PyTorch's `groups`): input channels and output channels each split into G groups, and
// group g's outputs see group g's inputs only. The unfolded rows of one group's channels are
// adjacent, so group g is the same three products on a band of rows: weight rows
// [g C_out / G, ...) of length K / G against column rows [g K / G, ...).
#include "ember/ops/conv.h"

#include "ember/autograd/function.h"
#include "ember/core/parallel.h"
#include "ember/kernels/gemm.h"
#include "ember/kernels/lane_sum.h"
#include "ember/ops/creation.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/window.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

// Images per chunk: fixed (not per thread) so that the gradients' summation order is the same on
// any thread count. 8 keeps a batch of 64 in 8 chunks, enough to balance two cores, and LeNet's
// chunk columns (25 x 6272 and 150 x 800 floats) in L2.
constexpr int64_t kImagesPerChunk = 8;
// Below this many multiply-adds in a whole batch, one thread: waking the second costs more.
constexpr int64_t kParallelMacs = 1 << 18;

struct ConvShape {
  kernels::Window2d window;
  int64_t images, out_channels, groups;
  int64_t K() const { return window.channels * window.kernel_h * window.kernel_w; }  // unfolded rows, all groups
  int64_t group_K() const { return K() / groups; }                                  // a weight row's length
  int64_t group_out() const { return out_channels / groups; }
  int64_t L() const { return window.out_height() * window.out_width(); }
  int64_t image_size() const { return window.channels * window.height * window.width; }
  int64_t chunks() const { return (images + kImagesPerChunk - 1) / kImagesPerChunk; }
};

// Calls fn(first_image, image_count, chunk_index) for every chunk of the batch, chunks spread
// over the threads when the batch is large enough.
template <class Fn>
void for_each_chunk(const ConvShape& s, int64_t passes, Fn fn) {
  const int64_t chunk_macs =
      std::max<int64_t>(1, passes * s.out_channels * s.group_K() * s.L() * std::min(s.images, kImagesPerChunk));
  parallel_for(0, s.chunks(), std::max<int64_t>(1, kParallelMacs / chunk_macs), [&](int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; ++c) {
      const int64_t first = c * kImagesPerChunk;
      fn(first, std::min(s.images, first + kImagesPerChunk) - first, c);
    }
  });
}

// out = conv(x, weight) + bias (bias may be null). When `kept` is not null it receives every
// chunk's columns for the backward (chunk c's (K, count * L) matrix where its first image's
// share starts); otherwise each chunk unfolds into a scratch buffer of its own.
template <class T>
void conv2d_forward(const ConvShape& s, const T* x, const T* weight, const T* bias, T* out, T* kept) {
  const int64_t K = s.K(), L = s.L(), C_out = s.out_channels, Kg = s.group_K(), Cg = s.group_out();
  for_each_chunk(s, 1, [&](int64_t first, int64_t count, int64_t) {
    const int64_t width = count * L;
    const Tensor scratch = kept ? Tensor() : detail::alloc({K, width}, dtype_of<T>);
    T* chunk_cols = kept ? kept + first * K * L : static_cast<T*>(scratch.data_ptr());
    for (int64_t n = 0; n < count; ++n)
      kernels::im2col(s.window, x + (first + n) * s.image_size(), chunk_cols + n * L, width);
    Tensor product = detail::alloc({C_out, width}, dtype_of<T>);
    T* p = static_cast<T*>(product.data_ptr());
    for (int64_t g = 0; g < s.groups; ++g)
      kernels::gemm(Cg, width, Kg, weight + g * Cg * Kg, Kg, false, chunk_cols + g * Kg * width, width, false,
                    p + g * Cg * width, width);
    // (C_out, count * L) -> images (count, C_out, L), adding the bias on the way.
    for (int64_t n = 0; n < count; ++n)
      for (int64_t co = 0; co < C_out; ++co) {
        const T* src = p + co * width + n * L;
        T* dst = out + ((first + n) * C_out + co) * L;
        const T b = bias ? bias[co] : T(0);
        for (int64_t l = 0; l < L; ++l) dst[l] = src[l] + b;
      }
  });
}

// The sum of n values in interleaved lanes (kernels/lane_sum.h): LeNet's bias gradients, as one
// running sum, took 0.36 ms of a 5.4 ms step.
template <class T>
T sum_row(const T* p, int64_t n) {
  return kernels::lane_sum<T>(n, [p](int64_t i) { return p[i]; });
}

// The gradients that are wanted (null pointers: not wanted): grad_x (zeroed), grad_weight and
// grad_bias, from grad_out and the columns the forward kept (null when the weight needs none).
template <class T>
void conv2d_backward(const ConvShape& s, const T* weight, const T* cols, const T* grad_out, T* grad_x, T* grad_weight,
                     T* grad_bias) {
  const int64_t K = s.K(), L = s.L(), C_out = s.out_channels, Kg = s.group_K(), Cg = s.group_out();
  // Per chunk: C_out * Kg weight-gradient values, then C_out bias-gradient values.
  const int64_t partial_size = C_out * (Kg + 1);
  Tensor partials = detail::alloc({s.chunks(), partial_size}, dtype_of<T>);
  T* all_partials = static_cast<T*>(partials.data_ptr());
  for_each_chunk(s, (grad_x != nullptr) + (grad_weight != nullptr), [&](int64_t first, int64_t count, int64_t chunk) {
    const int64_t width = count * L;
    // The chunk's output gradient as one (C_out, count * L) matrix, as the forward's product.
    Tensor gathered = detail::alloc({C_out, width}, dtype_of<T>);
    T* g = static_cast<T*>(gathered.data_ptr());
    for (int64_t n = 0; n < count; ++n)
      for (int64_t co = 0; co < C_out; ++co) {
        const T* src = grad_out + ((first + n) * C_out + co) * L;
        std::copy(src, src + L, g + co * width + n * L);
      }
    T* partial = all_partials + chunk * partial_size;
    if (grad_weight)  // per group: (Cg, Kg) = g rows (Cg, count * L) @ cols rows^T (count * L, Kg)
      for (int64_t grp = 0; grp < s.groups; ++grp)
        kernels::gemm(Cg, Kg, width, g + grp * Cg * width, width, false, cols + first * K * L + grp * Kg * width,
                      width, true, partial + grp * Cg * Kg, Kg);
    if (grad_bias)
      for (int64_t co = 0; co < C_out; ++co) partial[C_out * Kg + co] = sum_row(g + co * width, width);
    if (grad_x) {  // grad cols (K, count * L) = weight^T @ g per group, then folded onto each image
      Tensor scratch = detail::alloc({K, width}, dtype_of<T>);
      T* grad_cols = static_cast<T*>(scratch.data_ptr());
      for (int64_t grp = 0; grp < s.groups; ++grp)
        kernels::gemm(Kg, width, Cg, weight + grp * Cg * Kg, Kg, true, g + grp * Cg * width, width, false,
                      grad_cols + grp * Kg * width, width);
      for (int64_t n = 0; n < count; ++n)
        kernels::col2im(s.window, static_cast<const T*>(grad_cols + n * L), width,
                        grad_x + (first + n) * s.image_size());
    }
  });
  // The chunks' sums, added in chunk order: total[i] = sum over chunks of partial[offset + i]
  // (zero for an empty batch).
  auto add_chunks = [&](T* total, int64_t offset, int64_t size) {
    if (!total) return;
    std::fill(total, total + size, T(0));
    for (int64_t c = 0; c < s.chunks(); ++c)
      for (int64_t i = 0; i < size; ++i) total[i] += all_partials[c * partial_size + offset + i];
  };
  add_chunks(grad_weight, 0, C_out * Kg);
  add_chunks(grad_bias, C_out * Kg, C_out);
}

void check_conv_args(const Tensor& input, const Tensor& weight, const Tensor& bias, int64_t groups) {
  EMBER_CHECK(weight.dim() == 4, ShapeError, "[conv2d] weight must be 4-D (C_out, C_in / groups, kH, kW); got ",
              shape_str(weight.sizes()));
  EMBER_CHECK(groups > 0 && weight.size(0) % groups == 0, ValueError, "[conv2d] groups (", groups,
              ") must be positive and divide the weight's ", weight.size(0), " output channels (weight ",
              shape_str(weight.sizes()), ")");
  EMBER_CHECK(input.size(-3) == weight.size(1) * groups, ShapeError, "[conv2d] input ", shape_str(input.sizes()),
              " has ", input.size(-3), " channels but weight ", shape_str(weight.sizes()),
              groups == 1 ? "" : detail::str(" with groups=", groups), " expects ", weight.size(1) * groups);
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
              ExpandingArray<2> padding, ExpandingArray<2> dilation, int64_t groups) {
  const Tensor x = detail::as_batch("conv2d", input);
  check_conv_args(x, weight, bias, groups);
  const ConvShape shape{
      detail::make_window("conv2d", input, {weight.size(2), weight.size(3)}, stride, padding, dilation), x.size(0),
      weight.size(0), groups};
  const Tensor xs = x.detach().contiguous(), ws = weight.detach().contiguous();
  const Tensor bs = bias.defined() ? bias.detach().contiguous() : Tensor();
  Tensor out =
      detail::alloc({shape.images, shape.out_channels, shape.window.out_height(), shape.window.out_width()}, x.dtype());
  // The backward needs the columns only for the weight's gradient.
  const Tensor cols =
      autograd::should_record({weight}) ? detail::alloc({shape.images, shape.K(), shape.L()}, x.dtype()) : Tensor();
  dispatch_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    conv2d_forward<T>(shape, static_cast<const T*>(xs.data_ptr()), static_cast<const T*>(ws.data_ptr()),
                      bs.defined() ? static_cast<const T*>(bs.data_ptr()) : nullptr, static_cast<T*>(out.data_ptr()),
                      cols.defined() ? static_cast<T*>(cols.data_ptr()) : nullptr);
  });
  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  out = autograd::record(
      out, "Conv2dBackward", inputs,
      [saved_weight = SavedTensor(ws), saved_cols = SavedTensor(cols), shape](const Tensor& grad,
                                                                                                const Needs& needs) {
        const Tensor &ws = saved_weight.unpack(), &cols = saved_cols.unpack();
        const Tensor g = grad.contiguous();
        Grads grads(needs.size());
        if (needs[0])
          grads[0] = zeros({shape.images, shape.window.channels, shape.window.height, shape.window.width}, ws.dtype());
        if (needs[1]) grads[1] = detail::alloc(ws.sizes(), ws.dtype());
        if (needs.size() > 2 && needs[2]) grads[2] = detail::alloc({shape.out_channels}, ws.dtype());
        dispatch_floating(ws.dtype(), [&](auto tag) {
          using T = typename decltype(tag)::type;
          // An undefined tensor (a gradient nobody needs) is a null pointer: not computed.
          auto data = [](const Tensor& t) { return t.defined() ? static_cast<T*>(t.data_ptr()) : nullptr; };
          conv2d_backward<T>(shape, data(ws), data(cols), data(g), data(grads[0]), data(grads[1]),
                             grads.size() > 2 ? data(grads[2]) : nullptr);
        });
        return grads;
      });
  return detail::unbatch(input, out);
}

}  // namespace ember
