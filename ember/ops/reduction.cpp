// Reductions. The primitive ones (sum, prod, amax/amin, arg-extremes) bring the input into the
// (outer, R, inner) form of kernels/reduce.h and run one kernel; the others (mean, var, std,
// logsumexp, most norms) are compositions of differentiable ops, so their gradients come free.
#include "ember/ops/reduction.h"

#include <cmath>

#include "ember/autograd/function.h"
#include "ember/autograd/grad_mode.h"
#include "ember/kernels/reduce.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/indexing.h"
#include "ember/ops/op_helpers.h"
#include "ember/tensor/view.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

// An input laid out for kernels::reduce, plus the shapes of the result.
struct Prepared {
  Tensor data;                // contiguous; (outer, R, inner) in memory
  int64_t outer, R, inner;
  Shape keep_shape;           // the result with keepdim = true
  Shape out_shape;            // the result as requested
};

Prepared prepare(const Tensor& t, const std::vector<int64_t>& dims, bool keepdim) {
  Prepared p;
  const Shape& sizes = t.sizes();
  p.keep_shape = sizes;
  for (int64_t d : dims) p.keep_shape[d] = 1;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (keepdim || std::find(dims.begin(), dims.end(), d) == dims.end()) p.out_shape.push_back(p.keep_shape[d]);
  const bool adjacent = dims.empty() || dims.back() - dims.front() + 1 == static_cast<int64_t>(dims.size());
  if (t.is_contiguous() && adjacent) {  // reduce in place: no copy
    const size_t first = dims.empty() ? 0 : dims.front(), last = dims.empty() ? 0 : dims.back() + 1;
    p.data = t.detach();
    p.outer = numel(sizes, 0, first);
    p.R = numel(sizes, first, last);
    p.inner = numel(sizes, last, sizes.size());
    return p;
  }
  // Move the reduced dims last and copy, so each output element reduces one contiguous run.
  Shape perm;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (std::find(dims.begin(), dims.end(), d) == dims.end()) perm.push_back(d);
  perm.insert(perm.end(), dims.begin(), dims.end());
  p.data = t.detach().permute(perm).contiguous();
  p.R = 1;
  for (int64_t d : dims) p.R *= sizes[d];
  p.outer = t.numel() / std::max<int64_t>(p.R, 1);
  p.inner = 1;
  return p;
}

// Runs an Op from kernels/reduce.h over t's dims into a fresh tensor of out_dtype.
template <template <class, class> class Op>
Tensor run_accumulate(const Prepared& p, ScalarType out_dtype) {
  if (is_reduced_float(p.data.dtype()) || is_reduced_float(out_dtype)) {  // accumulate in float32 (or wider)
    Prepared wide = p;
    wide.data = detail::widen(p.data);
    return detail::round_to(run_accumulate<Op>(wide, is_reduced_float(out_dtype) ? kFloat32 : out_dtype), out_dtype);
  }
  Tensor out = detail::alloc(p.keep_shape, out_dtype);
  dispatch(p.data.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    dispatch(out_dtype, [&](auto out_tag) {
      using Out = typename decltype(out_tag)::type;
      Op<T, Out> op{static_cast<Out*>(out.data_ptr())};
      kernels::reduce(static_cast<const T*>(p.data.data_ptr()), p.outer, p.R, p.inner, op);
    });
  });
  return detail::make_view(out, {p.out_shape, contiguous_strides(p.out_shape), 0});
}

// Values and/or first indices of the max (is_max) or min over the prepared dims.
void run_extreme(const Prepared& p, bool is_max, Tensor* values, Tensor* indices) {
  if (is_reduced_float(p.data.dtype())) {  // exact: every 16-bit value is a float32
    Prepared wide = p;
    wide.data = detail::widen(p.data);
    run_extreme(wide, is_max, values, indices);
    if (values) *values = detail::round_to(*values, p.data.dtype());
    return;
  }
  if (values) *values = detail::alloc(p.keep_shape, p.data.dtype());
  if (indices) *indices = detail::alloc(p.keep_shape, kInt64);
  dispatch(p.data.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* v = values ? static_cast<T*>(values->data_ptr()) : nullptr;
    int64_t* i = indices ? static_cast<int64_t*>(indices->data_ptr()) : nullptr;
    const T* in = static_cast<const T*>(p.data.data_ptr());
    if (is_max) {
      kernels::ExtremeOp<T, true> op{v, i};
      kernels::reduce(in, p.outer, p.R, p.inner, op);
    } else {
      kernels::ExtremeOp<T, false> op{v, i};
      kernels::reduce(in, p.outer, p.R, p.inner, op);
    }
  });
}

void check_not_empty(const Tensor& t, const std::vector<int64_t>& dims, const char* op) {
  for (int64_t d : dims)
    EMBER_CHECK(t.size(d) > 0, ValueError, "[", op, "] cannot reduce over dim ", d,
                " of size 0 (shape ", shape_str(t.sizes()), "): the result has no identity");
  EMBER_CHECK(t.numel() > 0 || !dims.empty(), ValueError, "[", op, "] cannot reduce an empty tensor");
}

ScalarType accumulate_dtype(ScalarType t) { return is_floating_point(t) ? t : kInt64; }

// The gradient of a reduction result, reshaped to keepdim form and broadcast over the input.
Tensor expand_back(const Tensor& g, const Shape& keep_shape, const Shape& in_shape) {
  return g.reshape(keep_shape).expand(in_shape);
}

Tensor extreme_all(const Tensor& t, DimList dims, bool keepdim, bool is_max) {
  const char* op = is_max ? "amax" : "amin";
  const auto d = wrap_dims(dims.vec(), t.dim(), op);
  check_not_empty(t, d, op);
  const Prepared p = prepare(t, d, keepdim);
  Tensor values;
  run_extreme(p, is_max, &values, nullptr);
  Tensor out = detail::make_view(values, {p.out_shape, contiguous_strides(p.out_shape), 0});
  const SavedTensor xs(t), kept(values);
  const Shape keep = p.keep_shape, in = t.sizes();
  std::vector<int64_t> dv = d;
  // The gradient is shared equally between elements that tie for the extreme (as PyTorch).
  return autograd::record(out, is_max ? "AmaxBackward" : "AminBackward", {t},
                          [xs, kept, keep, in, dv](const Tensor& g, const Needs&) {
                            const Tensor mask = eq(xs.unpack(), kept.unpack().expand(in)).to(g.dtype());
                            return Grads{expand_back(g, keep, in) * mask / mask.sum(dv, true)};
                          });
}

std::tuple<Tensor, Tensor> extreme_dim(const Tensor& t, int64_t dim, bool keepdim, bool is_max) {
  const char* op = is_max ? "max" : "min";
  EMBER_CHECK(t.dim() > 0, ShapeError, "[", op, "] with a dim needs a tensor with at least one dim");
  const int64_t d = wrap_dim(dim, t.dim(), op);
  check_not_empty(t, {d}, op);
  Tensor indices;
  run_extreme(prepare(t, {d}, true), is_max, nullptr, &indices);
  // The values are a gather at the indices, so their gradient flows only to those elements.
  Tensor values = t.gather(d, indices);
  if (!keepdim) {
    values = values.squeeze(d);
    indices = indices.squeeze(d);
  }
  return {values, indices};
}

Tensor arg_extreme(const Tensor& t, std::optional<int64_t> dim, bool keepdim, bool is_max) {
  if (!dim) {
    const Tensor flat = t.detach().reshape({-1});
    return std::get<1>(extreme_dim(flat, 0, false, is_max));
  }
  return std::get<1>(extreme_dim(t.detach(), *dim, keepdim, is_max));
}

// t with the given (sorted) dims, all of size 1, removed.
Tensor drop_dims(const Tensor& t, const std::vector<int64_t>& dims) {
  Shape shape;
  for (int64_t d = 0; d < t.dim(); ++d)
    if (std::find(dims.begin(), dims.end(), d) == dims.end()) shape.push_back(t.size(d));
  return t.reshape(shape);
}

}  // namespace

Tensor sum(const Tensor& t, DimList dims, bool keepdim) {
  const auto d = wrap_dims(dims.vec(), t.dim(), "sum");
  const Prepared p = prepare(t, d, keepdim);
  Tensor out = run_accumulate<kernels::SumOp>(p, accumulate_dtype(t.dtype()));
  const Shape keep = p.keep_shape, in = t.sizes();
  return autograd::record(out, "SumBackward", {t}, [keep, in](const Tensor& g, const Needs&) {
    return Grads{expand_back(g, keep, in)};
  });
}

Tensor mean(const Tensor& t, DimList dims, bool keepdim) {
  EMBER_CHECK(t.is_floating_point(), TypeError, "[mean] needs a floating-point tensor; got ",
              dtype_name(t.dtype()), ". Convert it first, e.g. t.to(ember::kFloat32)");
  // A 16-bit mean is summed and divided in float32 and rounded once, as PyTorch's.
  if (is_reduced_float(t.dtype())) return mean(t.to(kFloat32), dims, keepdim).to(t.dtype());
  const auto d = wrap_dims(dims.vec(), t.dim(), "mean");
  int64_t count = 1;
  for (int64_t k : d) count *= t.size(k);
  return sum(t, d, keepdim) / static_cast<double>(count);
}

Tensor prod(const Tensor& t) { return prod(t.reshape({-1}), 0, false).reshape({}); }

Tensor prod(const Tensor& t, int64_t dim, bool keepdim) {
  if (t.dim() == 0) return t.clone();
  const int64_t d = wrap_dim(dim, t.dim(), "prod");
  const Prepared p = prepare(t.contiguous().detach(), {d}, keepdim);
  Tensor out = run_accumulate<kernels::ProdOp>(p, accumulate_dtype(t.dtype()));
  const SavedTensor saved_x(p.data);
  const Shape keep = p.keep_shape, in = t.sizes();
  const int64_t outer = p.outer, R = p.R, inner = p.inner;
  return autograd::record(out, "ProdBackward", {t},
                          [saved_x, keep, in, outer, R, inner](const Tensor& g, const Needs&) {
                            const Tensor& xs = saved_x.unpack();
                            const Tensor x = detail::widen(xs);
                            Tensor others = detail::alloc(in, x.dtype());
                            dispatch_floating(x.dtype(), [&](auto tag) {
                              using T = typename decltype(tag)::type;
                              kernels::prod_exclusive(static_cast<const T*>(x.data_ptr()), outer, R,
                                                      inner, static_cast<T*>(others.data_ptr()));
                            });
                            return Grads{expand_back(g, keep, in) * detail::round_to(others, xs.dtype())};
                          });
}

Tensor amax(const Tensor& t, DimList dims, bool keepdim) { return extreme_all(t, dims, keepdim, true); }
Tensor amin(const Tensor& t, DimList dims, bool keepdim) { return extreme_all(t, dims, keepdim, false); }
std::tuple<Tensor, Tensor> max(const Tensor& t, int64_t dim, bool keepdim) { return extreme_dim(t, dim, keepdim, true); }
std::tuple<Tensor, Tensor> min(const Tensor& t, int64_t dim, bool keepdim) { return extreme_dim(t, dim, keepdim, false); }
Tensor argmax(const Tensor& t, std::optional<int64_t> dim, bool keepdim) { return arg_extreme(t, dim, keepdim, true); }
Tensor argmin(const Tensor& t, std::optional<int64_t> dim, bool keepdim) { return arg_extreme(t, dim, keepdim, false); }

Tensor var(const Tensor& t, DimList dims, bool unbiased, bool keepdim) {
  EMBER_CHECK(t.is_floating_point(), TypeError, "[var] needs a floating-point tensor; got ", dtype_name(t.dtype()));
  if (is_reduced_float(t.dtype())) return var(t.to(kFloat32), dims, unbiased, keepdim).to(t.dtype());  // as mean()
  const auto d = wrap_dims(dims.vec(), t.dim(), "var");
  int64_t count = 1;
  for (int64_t k : d) count *= t.size(k);
  const Tensor centered = t - mean(t, d, true);
  return sum(centered * centered, d, keepdim) / static_cast<double>(count - (unbiased ? 1 : 0));
}

Tensor std(const Tensor& t, DimList dims, bool unbiased, bool keepdim) {
  return sqrt(var(t, dims, unbiased, keepdim));
}

Tensor logsumexp(const Tensor& t, DimList dims, bool keepdim) {
  const Tensor x = t.is_floating_point() ? t : t.to(kDefaultFloat);
  const auto d = wrap_dims(dims.vec(), x.dim(), "logsumexp");
  Tensor m = amax(x.detach(), d, true);
  m = where(abs(m) == INFINITY, 0.0, m);  // rows of -inf (or inf) must not produce inf - inf
  const Tensor out = log(sum(exp(x - m), d, true)) + m;
  return keepdim ? out : drop_dims(out, d);
}

Tensor norm(const Tensor& t, const Scalar& p, DimList dims, bool keepdim) {
  EMBER_CHECK(t.is_floating_point(), TypeError, "[norm] needs a floating-point tensor; got ", dtype_name(t.dtype()));
  const double order = p.to_double();
  EMBER_CHECK(order > 0, ValueError, "[norm] p must be positive; got ", order);
  const auto d = wrap_dims(dims.vec(), t.dim(), "norm");
  if (order == 1) return sum(abs(t), d, keepdim);
  if (std::isinf(order)) return amax(abs(t), d, keepdim);
  if (order != 2) return pow(sum(pow(abs(t), order), d, keepdim), 1.0 / order);
  // The 2-norm gets its own backward, x / ||x||, defined as 0 where the norm is 0 (as PyTorch;
  // the chain rule through sqrt would give 0 * inf = NaN there).
  Tensor out;
  {
    NoGradGuard no_grad;
    out = sqrt(sum(t * t, d, keepdim));
  }
  const SavedTensor xs(t), os(out);
  Shape keep = t.sizes();
  for (int64_t k : d) keep[k] = 1;
  const Shape in = t.sizes();
  return autograd::record(out, "NormBackward", {t}, [xs, os, keep, in](const Tensor& g, const Needs&) {
    const Tensor n = os.unpack().reshape(keep).expand(in);
    return Grads{where(n == 0.0, 0.0, expand_back(g, keep, in) * xs.unpack() / n)};
  });
}

Tensor histc(const Tensor& t, int64_t bins, const Scalar& min, const Scalar& max) {
  EMBER_CHECK(bins > 0, ValueError, "[histc] bins must be positive; got ", bins);
  EMBER_CHECK(t.is_floating_point(), TypeError, "[histc] needs a floating-point tensor; got ", dtype_name(t.dtype()));
  const Tensor x = t.detach().to(kFloat64).contiguous();
  const double* p = x.data_ptr<double>();
  double lo = min.to<double>(), hi = max.to<double>();
  EMBER_CHECK(lo <= hi, ValueError, "[histc] max (", hi, ") must not be below min (", lo, ")");
  if (lo == hi && x.numel() > 0) {  // the data's own range
    lo = x.min().item<double>();
    hi = x.max().item<double>();
  }
  EMBER_CHECK(std::isfinite(lo) && std::isfinite(hi), ValueError, "[histc] range of [", lo, ", ", hi,
              "] is not finite");
  if (lo == hi) {  // PyTorch widens an empty range by one on each side
    lo -= 1;
    hi += 1;
  }
  std::vector<double> counts(static_cast<size_t>(bins), 0.0);
  for (int64_t i = 0; i < x.numel(); ++i) {
    const double v = p[i];
    if (!(v >= lo && v <= hi)) continue;  // outside, or NaN
    const auto bin = static_cast<int64_t>((v - lo) * static_cast<double>(bins) / (hi - lo));
    counts[static_cast<size_t>(std::min(bin, bins - 1))] += 1;
  }
  return tensor(counts).to(t.dtype());
}

}  // namespace ember
