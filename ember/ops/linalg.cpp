// mm, bmm and matmul. mm and bmm call the GEMM kernel directly, passing transposed operands as
// a transpose flag rather than copying them; matmul reduces every case to mm or bmm with views,
// so its gradient needs no code of its own.
#include "ember/ops/linalg.h"

#include "ember/autograd/anomaly_mode.h"
#include "ember/autograd/function.h"
#include "ember/kernels/gemm.h"
#include "ember/kernels/gemm_bf16.h"
#include "ember/ops/autocast.h"
#include "ember/ops/op_helpers.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

// How the kernel reads one (rows x cols) matrix: a leading dimension and a transpose flag.
// Row-major (unit column stride) and column-major (unit row stride) layouts are read in place;
// anything else is copied first.
struct MatrixOperand {
  Tensor storage_owner;  // keeps a copy alive when one was needed
  const char* data;
  int64_t ld;
  bool trans;
};

MatrixOperand as_operand(const Tensor& m, int64_t row_stride, int64_t col_stride, int64_t rows, int64_t cols) {
  // The kernel reads element (r, c) at r * ld + c (or c * ld + r transposed), for c < cols and
  // r < rows only, so a size-1 dim's stride never matters and ld may be 0 (broadcast rows).
  if (col_stride == 1 || cols == 1) return {m, static_cast<const char*>(m.data_ptr()), row_stride, false};
  if (row_stride == 1 || rows == 1) return {m, static_cast<const char*>(m.data_ptr()), col_stride, true};
  return {Tensor(), nullptr, 0, false};
}

void check_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.dtype() == b.dtype(), TypeError, "[", op, "] both operands must have the same dtype; got ",
              dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  EMBER_CHECK(a.dtype() != kBool, TypeError, "[", op, "] bool tensors cannot be multiplied");
}

// The dtype a product of dtype t is summed into: float32 for bfloat16 (the kernel's float32
// lanes; the caller rounds once at the end), t otherwise.
ScalarType sum_dtype(ScalarType t) { return t == kBFloat16 ? kFloat32 : t; }

// out (M x N, row-major) = op(a) @ op(b) (+ out when accumulate), for operands of dtype t read
// from a.data + a_offset elements (b likewise); out has dtype sum_dtype(t).
void multiply(ScalarType t, int64_t M, int64_t N, int64_t K, const MatrixOperand& a, int64_t a_offset,
              const MatrixOperand& b, int64_t b_offset, void* out, bool accumulate) {
  if (t == kBFloat16) {
    kernels::gemm_bf16(M, N, K, reinterpret_cast<const BFloat16*>(a.data) + a_offset, a.ld, a.trans,
                       reinterpret_cast<const BFloat16*>(b.data) + b_offset, b.ld, b.trans, static_cast<float*>(out), N,
                       1.0f, accumulate ? 1.0f : 0.0f);
    return;
  }
  dispatch(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* pa = reinterpret_cast<const T*>(a.data) + a_offset;
    const T* pb = reinterpret_cast<const T*>(b.data) + b_offset;
    T* po = static_cast<T*>(out);
    if constexpr (std::is_floating_point_v<T>)
      kernels::gemm(M, N, K, pa, a.ld, a.trans, pb, b.ld, b.trans, po, N, T(1), accumulate ? T(1) : T(0));
    else
      kernels::gemm_reference<T>(M, N, K, pa, a.ld, a.trans, pb, b.ld, b.trans, po, N, T(1), accumulate ? T(1) : T(0));
  });
}

// a @ c for 2-D a (M, K) and c (K, N), or out[b] = a[b] @ c[b] for 3-D a (B, M, K) and c (B, K, N),
// into a fresh tensor. The operands are read through their strides, with no view made: a 4 x 4
// product costs little more than its arithmetic. float16 has no kernel of its own: it is
// multiplied in float32 (bfloat16 has one: kernels/gemm_bf16.h).
Tensor product(Tensor a, Tensor c) {
  if (a.dtype() == kHalf) return detail::round_to(product(detail::widen(a), detail::widen(c)), kHalf);
  const bool batched = a.dim() == 3;
  const int64_t B = batched ? a.size(0) : 1, M = a.size(-2), K = a.size(-1), N = c.size(-1);
  Tensor out = detail::alloc(batched ? Shape{B, M, N} : Shape{M, N}, sum_dtype(a.dtype()));
  auto oa = as_operand(a, a.stride(-2), a.stride(-1), M, K);
  if (!oa.data) { a = a.detach().contiguous(); oa = as_operand(a, a.stride(-2), a.stride(-1), M, K); }
  auto oc = as_operand(c, c.stride(-2), c.stride(-1), K, N);
  if (!oc.data) { c = c.detach().contiguous(); oc = as_operand(c, c.stride(-2), c.stride(-1), K, N); }
  const int64_t batch_a = batched ? a.stride(0) : 0, batch_c = batched ? c.stride(0) : 0;
  char* po = static_cast<char*>(out.data_ptr());
  for (int64_t b = 0; b < B; ++b)
    multiply(a.dtype(), M, N, K, oa, b * batch_a, oc, b * batch_c, po + b * M * N * out.element_size(), false);
  return detail::round_to(out, a.dtype());
}

// True for a matrix (or a batch of them) stored transposed, as w.t() is: its rows are adjacent
// in memory. The product's backward computes such an operand's gradient transposed too, so that
// it arrives in the operand's own layout: the gradient of w.t() then reaches w contiguous, and
// the leaf keeps it without a copy.
bool column_major(const Tensor& m) { return m.stride(-2) == 1 && m.stride(-1) != 1; }

// The gradients of out = product(a, b) (mm or bmm, whose matrices are the last two dims), each
// in its operand's layout: d a = g b^T, or (b g^T)^T; d b = a^T g, or (g^T a)^T.
Grads product_grads(Tensor (*multiply)(const Tensor&, const Tensor&), const Tensor& a, const Tensor& b,
                    const Tensor& g, const Needs& needs) {
  auto t = [](const Tensor& m) { return m.transpose(-2, -1); };
  Grads grads(2);
  if (needs[0]) grads[0] = column_major(a) ? t(multiply(b, t(g))) : multiply(g, t(b));
  if (needs[1]) grads[1] = column_major(b) ? t(multiply(t(g), a)) : multiply(t(a), g);
  return grads;
}

// Whether record() has anything to do for a product of a and b: a graph to build, or (anomaly
// mode) an output to check. When not, mm and bmm skip it and the SavedTensors it would need.
bool worth_recording(const Tensor& a, const Tensor& b) {
  return autograd::should_record({a, b}) || autograd::AnomalyMode::is_enabled();
}

}  // namespace

Tensor mm(const Tensor& a_in, const Tensor& b_in) {
  const Tensor a = detail::autocast_lower(a_in), b = detail::autocast_lower(b_in);  // under autocast, in its 16-bit dtype
  EMBER_CHECK(a.dim() == 2 && b.dim() == 2, ShapeError, "[mm] expects 2-D tensors; got ",
              shape_str(a.sizes()), " @ ", shape_str(b.sizes()));
  EMBER_CHECK(a.size(1) == b.size(0), ShapeError, "[mm] inner dimensions differ: ", shape_str(a.sizes()),
              " @ ", shape_str(b.sizes()));
  check_same_dtype(a, b, "mm");
  Tensor out = product(a, b);
  if (!worth_recording(a, b)) return out;
  const SavedTensor as(a), bs(b);
  return autograd::record(out, "MmBackward", {a, b}, [as, bs](const Tensor& g, const Needs& needs) {
    return product_grads(&mm, as.unpack(), bs.unpack(), g, needs);
  });
}

Tensor bmm(const Tensor& a_in, const Tensor& b_in) {
  const Tensor a = detail::autocast_lower(a_in), b = detail::autocast_lower(b_in);
  EMBER_CHECK(a.dim() == 3 && b.dim() == 3, ShapeError, "[bmm] expects 3-D tensors; got ",
              shape_str(a.sizes()), " @ ", shape_str(b.sizes()));
  EMBER_CHECK(a.size(0) == b.size(0), ShapeError, "[bmm] batch sizes differ: ", shape_str(a.sizes()),
              " @ ", shape_str(b.sizes()));
  EMBER_CHECK(a.size(2) == b.size(1), ShapeError, "[bmm] inner dimensions differ: ", shape_str(a.sizes()),
              " @ ", shape_str(b.sizes()));
  check_same_dtype(a, b, "bmm");
  Tensor out = product(a, b);
  if (!worth_recording(a, b)) return out;
  const SavedTensor as(a), bs(b);
  return autograd::record(out, "BmmBackward", {a, b}, [as, bs](const Tensor& g, const Needs& needs) {
    return product_grads(&bmm, as.unpack(), bs.unpack(), g, needs);
  });
}

Tensor linear(const Tensor& x_in, const Tensor& weight_in, const Tensor& bias_in) {
  const Tensor x = detail::autocast_lower(x_in), weight = detail::autocast_lower(weight_in), bias = detail::autocast_lower(bias_in);
  EMBER_CHECK(weight.dim() == 2, ShapeError, "[linear] weight must be 2-D (out, in); got ", shape_str(weight.sizes()));
  EMBER_CHECK(x.dim() >= 1 && x.size(-1) == weight.size(1), ShapeError, "[linear] input ", shape_str(x.sizes()),
              " does not fit weight ", shape_str(weight.sizes()), ": the input's last dim must be ", weight.size(1));
  check_same_dtype(x, weight, "linear");
  EMBER_CHECK(x.is_floating_point(), TypeError, "[linear] needs floating-point tensors; got ", dtype_name(x.dtype()));
  const int64_t N = weight.size(0), K = weight.size(1);
  if (bias.defined()) {
    EMBER_CHECK(bias.dim() == 1 && bias.size(0) == N, ShapeError, "[linear] bias ", shape_str(bias.sizes()),
                " does not fit weight ", shape_str(weight.sizes()));
    check_same_dtype(x, bias, "linear");
  }
  const Tensor x2 = x.dim() == 2 ? x : x.reshape({-1, K});
  const int64_t M = x2.size(0);
  Tensor xs = x2.detach(), ws = weight.detach();
  if (x.dtype() == kHalf) xs = detail::widen(xs), ws = detail::widen(ws);  // no float16 kernel: float32
  auto xo = as_operand(xs, xs.stride(0), xs.stride(1), M, K);
  if (!xo.data) { xs = xs.contiguous(); xo = as_operand(xs, xs.stride(0), xs.stride(1), M, K); }
  // op(B) = weight^T: element (k, n) of weight^T is weight(n, k), i.e. a transposed operand.
  auto wo = as_operand(ws, ws.stride(1), ws.stride(0), K, N);
  if (!wo.data) { ws = ws.contiguous(); wo = as_operand(ws, ws.stride(1), ws.stride(0), K, N); }
  Tensor out = detail::alloc({M, N}, sum_dtype(xs.dtype()));
  if (bias.defined()) detail::copy_into(out, bias.detach().expand({M, N}));
  multiply(xs.dtype(), M, N, K, xo, 0, wo, 0, out.data_ptr(), bias.defined());
  out = detail::round_to(out, x.dtype());
  std::vector<Tensor> inputs{x2, weight};
  if (bias.defined()) inputs.push_back(bias);
  const SavedTensor x_saved(x2), w_saved(weight);
  out = autograd::record(out, "LinearBackward", inputs, [x_saved, w_saved](const Tensor& g, const Needs& needs) {
    Grads grads(needs.size());
    if (needs[0]) grads[0] = mm(g, w_saved.unpack());      // (M, N) @ (N, K)
    if (needs[1]) grads[1] = mm(g.t(), x_saved.unpack());  // (N, M) @ (M, K): weight's own layout
    if (needs.size() > 2 && needs[2]) grads[2] = g.sum(0);
    return grads;
  });
  if (x.dim() == 2) return out;
  Shape shape(x.sizes().begin(), x.sizes().end() - 1);
  shape.push_back(N);
  return out.reshape(shape);
}

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  const Tensor a = detail::autocast_lower(a_in), b = detail::autocast_lower(b_in);
  EMBER_CHECK(a.dim() >= 1 && b.dim() >= 1, ShapeError, "[matmul] both arguments need at least 1 dim; got ",
              shape_str(a.sizes()), " @ ", shape_str(b.sizes()));
  const int64_t ka = a.size(-1), kb = b.dim() == 1 ? b.size(0) : b.size(-2);
  EMBER_CHECK(ka == kb, ShapeError, "[matmul] inner dimensions differ: ", shape_str(a.sizes()), " @ ",
              shape_str(b.sizes()));
  if (a.dim() <= 2 && b.dim() <= 2) {
    const Tensor x = a.dim() == 1 ? a.unsqueeze(0) : a;
    const Tensor y = b.dim() == 1 ? b.unsqueeze(1) : b;
    Tensor out = mm(x, y);
    if (b.dim() == 1) out = out.squeeze(1);
    if (a.dim() == 1) out = out.squeeze(0);
    return out;
  }
  if (b.dim() <= 2 && a.dim() > 2) {
    // (..., M, K) @ (K, N): fold the batch into the rows of one big product.
    Shape out_shape(a.sizes().begin(), a.sizes().end() - 1);
    const Tensor y = b.dim() == 1 ? b.unsqueeze(1) : b;
    if (b.dim() == 2) out_shape.push_back(b.size(1));
    return mm(a.reshape({-1, ka}), y).reshape(out_shape);
  }
  // General case: broadcast the batch dims, then one bmm.
  const Tensor x = a.dim() == 1 ? a.unsqueeze(0) : a;
  const Tensor y = b.dim() == 1 ? b.unsqueeze(1) : b;
  const Shape batch_a(x.sizes().begin(), x.sizes().end() - 2), batch_b(y.sizes().begin(), y.sizes().end() - 2);
  const Shape batch = broadcast_shapes(batch_a, batch_b, "matmul");
  const int64_t M = x.size(-2), N = y.size(-1);
  Shape xs = batch, ys = batch;
  xs.insert(xs.end(), {M, ka});
  ys.insert(ys.end(), {ka, N});
  Tensor out = bmm(x.expand(xs).reshape({-1, M, ka}), y.expand(ys).reshape({-1, ka, N}));
  Shape out_shape = batch;
  if (a.dim() > 1) out_shape.push_back(M);
  if (b.dim() > 1) out_shape.push_back(N);
  return out.reshape(out_shape);
}

}  // namespace ember
