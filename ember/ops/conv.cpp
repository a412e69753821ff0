// conv2d as the course builds it: unfold the images into columns (im2col) so that the
// convolution is one matrix product, output (C_out, L) = weight (C_out, K) @ cols (K, L) with
// K = C_in * kH * kW and L = H_out * W_out per image. The backward is two more products:
//   grad cols   = weight^T @ grad out, folded back onto the images (col2im): the input's gradient;
//   grad weight = grad out @ cols^T, summed over the images.
// Images go in fixed chunks, split across threads; each chunk sums its own weight and bias
// gradients and the chunks are added in order, so the result does not depend on the thread count.
// Within a chunk, images are unfolded a slice at a time, as many as keep their columns in L2; a
// slice's columns sit side by side in one (K, count * L) matrix, so each product is one GEMM.
// The backward's weight gradient needs the columns again: kept from the forward when the whole
// batch's fit in half the L3, unfolded again from the input otherwise (see ConvShape::keeps_columns).
// Groups (PyTorch's `groups`): input channels and output channels each split into G groups, and
// group g's outputs see group g's inputs only. The unfolded rows of one group's channels are
// adjacent, so group g is the same three products on a band of rows: weight rows
// [g C_out / G, ...) of length K / G against column rows [g K / G, ...).
// bfloat16 (autocast's convolutions): the columns stay in bfloat16 and the products go through the
// bfloat16 GEMM into float32 (Acc<T>), which every sum (bias, the chunks' gradients, the folded
// input gradient) keeps until the result is rounded once.
#include "ember/ops/conv.h"

#include "ember/ops/autocast.h"

#include <algorithm>

#include "ember/autograd/function.h"
#include "ember/core/parallel.h"
#include "ember/kernels/convert_16bit.h"
#include "ember/kernels/gemm.h"
#include "ember/kernels/gemm_bf16.h"
#include "ember/kernels/gemm_plan.h"
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
// any thread count. 8 keeps a batch of 64 in 8 chunks, enough to balance two cores.
constexpr int64_t kImagesPerChunk = 8;
// Below this many multiply-adds in a whole batch, one thread: waking the second costs more.
constexpr int64_t kParallelMacs = 1 << 18;

// Where the products of T values are summed: float32 for bfloat16, T itself otherwise.
template <class T>
using Acc = std::conditional_t<std::is_same_v<T, BFloat16>, float, T>;

// C (Acc) = A @ B + beta C on T operands, through the GEMM for T.
template <class T>
void product(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, bool trans_a, const T* B, int64_t ldb,
             bool trans_b, Acc<T>* C, int64_t ldc, Acc<T> beta = 0) {
  if constexpr (std::is_same_v<T, BFloat16>)
    kernels::gemm_bf16(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, 1, beta);
  else
    kernels::gemm(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, T(1), beta);
}

struct ConvShape {
  kernels::Window2d window;
  int64_t images, out_channels, groups;
  int64_t K() const { return window.channels * window.kernel_h * window.kernel_w; }  // unfolded rows, all groups
  int64_t group_K() const { return K() / groups; }                                  // a weight row's length
  int64_t group_out() const { return out_channels / groups; }
  int64_t L() const { return window.out_height() * window.out_width(); }
  int64_t image_size() const { return window.channels * window.height * window.width; }
  int64_t chunks() const { return (images + kImagesPerChunk - 1) / kImagesPerChunk; }
  // Images unfolded at once: as many as keep their columns within half of one core's L2 (at
  // least one), so that im2col writes them and the products read them in cache, not in memory.
  int64_t images_per_slice(int64_t element_size) const {
    const int64_t image_cols = std::max<int64_t>(1, K() * L() * element_size);
    return std::clamp<int64_t>(kernels::cache_sizes().l2 / 2 / image_cols, 1, kImagesPerChunk);
  }
  // Whether the forward keeps the batch's columns for the weight's gradient. Kept columns that stay
  // in the L3 cost less than unfolding again (LeNet, the course's BatchNorm CNN: 4-5 MB, few
  // channels, where unfolding costs as much as the products); columns that spill to memory cost
  // more (ResNet-20's first stage: 58 MB, written and read back through memory).
  bool keeps_columns(int64_t element_size) const {
    return images * K() * L() * element_size <= kernels::cache_sizes().l3 / 2;
  }
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

// Calls fn(first_image, image_count, slice_index) for the chunk's images a slice at a time.
template <class Fn>
void for_each_slice(int64_t first, int64_t count, int64_t per_slice, Fn fn) {
  for (int64_t n = 0; n < count; n += per_slice) fn(first + n, std::min(per_slice, count - n), n / per_slice);
}

// The columns of images [first, first + count) side by side: (K, count * L).
// bfloat16 values are copied as their bits: as BFloat16 structs the copies were not vectorised
// and each padding zero was a float conversion.
template <class T>
void unfold(const ConvShape& s, const T* x, int64_t first, int64_t count, T* cols) {
  if constexpr (std::is_same_v<T, BFloat16>)
    return unfold(s, reinterpret_cast<const uint16_t*>(x), first, count, reinterpret_cast<uint16_t*>(cols));
  for (int64_t n = 0; n < count; ++n)
    kernels::im2col(s.window, x + (first + n) * s.image_size(), cols + n * s.L(), count * s.L());
}

// out = conv(x, weight) + bias (bias may be null). A slice's product is one (C_out, count * L)
// matrix: several images' columns in one GEMM (LeNet's second layer: 800 columns instead of 100,
// which the kernel runs 25-35% faster); a single image's product is written in place. With kept
// non-null, the columns of images [first, first + count) are left at kept + first * K * L.
template <class T>
void conv2d_forward(const ConvShape& s, const T* x, const T* weight, const T* bias, T* out, T* kept) {
  const int64_t K = s.K(), L = s.L(), C_out = s.out_channels, Kg = s.group_K(), Cg = s.group_out();
  const int64_t per_slice = s.images_per_slice(sizeof(Acc<T>));
  constexpr bool in_place = std::is_same_v<T, Acc<T>>;  // a single image's product can be the output
  for_each_chunk(s, 1, [&](int64_t chunk_first, int64_t chunk_count, int64_t) {
    const Tensor cols_buffer = detail::alloc({kept ? 0 : K, per_slice * L}, dtype_of<T>);
    const Tensor product_buffer =
        detail::alloc({C_out, per_slice > 1 || !in_place ? per_slice * L : 0}, dtype_of<Acc<T>>);
    for_each_slice(chunk_first, chunk_count, per_slice, [&](int64_t first, int64_t count, int64_t) {
      const int64_t width = count * L;
      T* cols = kept ? kept + first * K * L : static_cast<T*>(cols_buffer.data_ptr());
      unfold(s, x, first, count, cols);
      Acc<T>* p = static_cast<Acc<T>*>(product_buffer.data_ptr());
      if constexpr (in_place)
        if (count == 1) p = out + first * C_out * L;
      for (int64_t g = 0; g < s.groups; ++g)
        product(Cg, width, Kg, weight + g * Cg * Kg, Kg, false, cols + g * Kg * width, width, false,
                p + g * Cg * width, width);
      // (C_out, count * L) -> images (count, C_out, L), adding the bias on the way (in place for one image).
      for (int64_t n = 0; n < count; ++n)
        for (int64_t co = 0; co < C_out; ++co) {
          Acc<T>* src = p + co * width + n * L;
          T* dst = out + ((first + n) * C_out + co) * L;
          const Acc<T> b = bias ? Acc<T>(bias[co]) : Acc<T>(0);
          if constexpr (in_place) {
            for (int64_t l = 0; l < L; ++l) dst[l] = src[l] + b;
          } else {  // the float32 sums rounded to bfloat16 16 at a time
            for (int64_t l = 0; l < L; ++l) src[l] += b;
            kernels::to_bfloat16(src, dst, L);
          }
        }
    });
  });
}

// The sum of n values in interleaved lanes (kernels/lane_sum.h): LeNet's bias gradients, as one
// running sum, took 0.36 ms of a 5.4 ms step.
template <class T>
Acc<T> sum_row(const T* p, int64_t n) {
  return kernels::lane_sum<Acc<T>>(n, [p](int64_t i) { return Acc<T>(p[i]); });
}

// The gradients that are wanted (null pointers: not wanted): grad_x (zeroed), grad_weight and
// grad_bias, from grad_out and, for the weight's gradient, the forward's kept columns or else the
// input x, unfolded again a slice at a time in cache.
template <class T>
void conv2d_backward(const ConvShape& s, const T* weight, const T* x, const T* kept, const T* grad_out, T* grad_x,
                     T* grad_weight, T* grad_bias) {
  using A = Acc<T>;
  constexpr bool in_place = std::is_same_v<T, A>;  // the input's gradient folded straight into grad_x
  const int64_t K = s.K(), L = s.L(), C_out = s.out_channels, Kg = s.group_K(), Cg = s.group_out();
  const int64_t per_slice = s.images_per_slice(sizeof(A));
  // Per chunk: C_out * Kg weight-gradient values, then C_out bias-gradient values.
  const int64_t partial_size = C_out * (Kg + 1);
  Tensor partials = detail::alloc({s.chunks(), partial_size}, dtype_of<A>);
  A* all_partials = static_cast<A*>(partials.data_ptr());
  for_each_chunk(s, (grad_x != nullptr) + (grad_weight != nullptr), [&](int64_t chunk_first, int64_t chunk_count,
                                                                         int64_t chunk) {
    const Tensor cols_buffer = detail::alloc({K, per_slice * L}, dtype_of<T>);
    const Tensor gathered_buffer = detail::alloc({C_out, per_slice > 1 ? per_slice * L : 0}, dtype_of<T>);
    // Not in place: the input gradient's columns and one image, in A, before rounding into grad_x.
    const bool widened = !in_place && grad_x;
    const Tensor grad_cols_buffer = detail::alloc({widened ? K : 0, per_slice * L}, dtype_of<A>);
    const Tensor grad_image_buffer = detail::alloc({widened ? s.image_size() : 0}, dtype_of<A>);
    T* cols = static_cast<T*>(cols_buffer.data_ptr());
    A* grad_cols = static_cast<A*>(grad_cols_buffer.data_ptr());
    if constexpr (in_place) grad_cols = cols;  // the weight's gradient is done with the columns by then
    A* partial = all_partials + chunk * partial_size;
    for_each_slice(chunk_first, chunk_count, per_slice, [&](int64_t first, int64_t count, int64_t slice) {
      const int64_t width = count * L;
      // The slice's output gradient as one (C_out, count * L) matrix, as the forward's product.
      const T* g = grad_out + first * C_out * L;
      if (count > 1) {
        T* gathered = static_cast<T*>(gathered_buffer.data_ptr());
        for (int64_t n = 0; n < count; ++n)
          for (int64_t co = 0; co < C_out; ++co) {
            const T* src = grad_out + ((first + n) * C_out + co) * L;
            std::copy(src, src + L, gathered + co * width + n * L);
          }
        g = gathered;
      }
      const A beta = slice == 0 ? A(0) : A(1);  // the chunk's first slice starts its sums
      if (grad_weight) {  // per group: (Cg, Kg) += g rows (Cg, count * L) @ cols rows^T (count * L, Kg)
        const T* slice_cols = kept ? kept + first * K * L : cols;
        if (!kept) unfold(s, x, first, count, cols);
        for (int64_t grp = 0; grp < s.groups; ++grp)
          product(Cg, Kg, width, g + grp * Cg * width, width, false, slice_cols + grp * Kg * width, width, true,
                  partial + grp * Cg * Kg, Kg, beta);
      }
      if (grad_bias)
        for (int64_t co = 0; co < C_out; ++co)
          partial[C_out * Kg + co] = sum_row(g + co * width, width) + (slice == 0 ? A(0) : partial[C_out * Kg + co]);
      if (grad_x) {  // grad cols (K, count * L) = weight^T @ g per group, then folded onto each image
        for (int64_t grp = 0; grp < s.groups; ++grp)
          product(Kg, width, Cg, weight + grp * Cg * Kg, Kg, true, g + grp * Cg * width, width, false,
                  grad_cols + grp * Kg * width, width);
        for (int64_t n = 0; n < count; ++n) {
          T* image = grad_x + (first + n) * s.image_size();
          if constexpr (in_place) {
            kernels::col2im(s.window, static_cast<const A*>(grad_cols + n * L), width, image);
          } else {  // folded in float32, rounded once
            A* sums = static_cast<A*>(grad_image_buffer.data_ptr());
            std::fill(sums, sums + s.image_size(), A(0));
            kernels::col2im(s.window, static_cast<const A*>(grad_cols + n * L), width, sums);
            kernels::to_bfloat16(sums, image, s.image_size());
          }
        }
      }
    });
  });
  // The chunks' sums, added in chunk order: total[i] = sum over chunks of partial[offset + i]
  // (zero for an empty batch).
  auto add_chunks = [&](T* total, int64_t offset, int64_t size) {
    if (!total) return;
    for (int64_t i = 0; i < size; ++i) {
      A sum = 0;
      for (int64_t c = 0; c < s.chunks(); ++c) sum += all_partials[c * partial_size + offset + i];
      total[i] = T(sum);
    }
  };
  add_chunks(grad_weight, 0, C_out * Kg);
  add_chunks(grad_bias, C_out * Kg, C_out);
}

// dispatch_floating() and bfloat16, the dtypes conv2d_forward and conv2d_backward compute in.
template <class F>
void dispatch_conv(ScalarType t, F&& fn) {
  if (t == kBFloat16)
    fn(TypeTag<BFloat16>{});
  else
    dispatch_floating(t, fn);
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

// The float64, float32 or bfloat16 convolution of checked arguments.
Tensor convolve(const Tensor& input, const Tensor& weight, const Tensor& bias, ExpandingArray<2> stride,
                ExpandingArray<2> padding, ExpandingArray<2> dilation, int64_t groups) {
  const Tensor x = detail::as_batch("conv2d", input);
  const ConvShape shape{
      detail::make_window("conv2d", input, {weight.size(2), weight.size(3)}, stride, padding, dilation), x.size(0),
      weight.size(0), groups};
  const Tensor xs = x.detach().contiguous(), ws = weight.detach().contiguous();
  const Tensor bs = bias.defined() ? bias.detach().contiguous() : Tensor();
  Tensor out =
      detail::alloc({shape.images, shape.out_channels, shape.window.out_height(), shape.window.out_width()}, x.dtype());
  // The backward needs the columns (or the input) only for the weight's gradient.
  const bool weight_grad = autograd::should_record({weight});
  const Tensor kept = weight_grad && shape.keeps_columns(x.element_size())
                          ? detail::alloc({shape.images * shape.K() * shape.L()}, x.dtype())
                          : Tensor();
  dispatch_conv(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    conv2d_forward<T>(shape, static_cast<const T*>(xs.data_ptr()), static_cast<const T*>(ws.data_ptr()),
                      bs.defined() ? static_cast<const T*>(bs.data_ptr()) : nullptr, static_cast<T*>(out.data_ptr()),
                      kept.defined() ? static_cast<T*>(kept.data_ptr()) : nullptr);
  });
  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  out = autograd::record(
      out, "Conv2dBackward", inputs,
      [saved_weight = SavedTensor(ws), saved_input = weight_grad && !kept.defined() ? SavedTensor(xs) : SavedTensor(),
       saved_cols = SavedTensor(kept), shape](const Tensor& grad, const Needs& needs) {
        const Tensor &ws = saved_weight.unpack(), &xs = saved_input.unpack(), &cols = saved_cols.unpack();
        const Tensor g = grad.contiguous();
        Grads grads(needs.size());
        if (needs[0])
          grads[0] = zeros({shape.images, shape.window.channels, shape.window.height, shape.window.width}, ws.dtype());
        if (needs[1]) grads[1] = detail::alloc(ws.sizes(), ws.dtype());
        if (needs.size() > 2 && needs[2]) grads[2] = detail::alloc({shape.out_channels}, ws.dtype());
        dispatch_conv(ws.dtype(), [&](auto tag) {
          using T = typename decltype(tag)::type;
          // An undefined tensor (a gradient nobody needs) is a null pointer: not computed.
          auto data = [](const Tensor& t) { return t.defined() ? static_cast<T*>(t.data_ptr()) : nullptr; };
          conv2d_backward<T>(shape, data(ws), data(xs), data(cols), data(g), data(grads[0]), data(grads[1]),
                             grads.size() > 2 ? data(grads[2]) : nullptr);
        });
        return grads;
      });
  return detail::unbatch(input, out);
}

}  // namespace

Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias, ExpandingArray<2> stride,
              ExpandingArray<2> padding, ExpandingArray<2> dilation, int64_t groups) {
  // Under autocast, in its 16-bit dtype, as torch.autocast("cpu") (float32 tensors only are lowered).
  const Tensor x = detail::autocast_lower(input), w = detail::autocast_lower(weight), b = detail::autocast_lower(bias);
  check_conv_args(detail::as_batch("conv2d", x), w, b, groups);
  if (x.dtype() == kHalf)  // no float16 kernel: computed in float32 and rounded once
    return convolve(x.to(kFloat32), w.to(kFloat32), b.defined() ? b.to(kFloat32) : b, stride, padding, dilation,
                    groups)
        .to(kHalf);
  return convolve(x, w, b, stride, padding, dilation, groups);
}

}  // namespace ember
