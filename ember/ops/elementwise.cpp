// Elementwise ops and their backward closures. Pattern of a binary op:
//   1. promote both operands to the result dtype and expand them to the broadcast shape
//      (both differentiable, so broadcasting's backward, a sum, is handled by ExpandBackward);
//   2. run a typed loop into a fresh tensor;
//   3. record a node whose backward assumes equal shapes.
#include "ember/ops/elementwise.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/kernels/wrapping.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/reduction.h"

namespace ember {

using autograd::Needs;
using autograd::record;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

// ---- forward building blocks --------------------------------------------------------------

// a and b promoted to `dtype` and expanded to their broadcast shape.
std::pair<Tensor, Tensor> broadcast_pair(const Tensor& a, const Tensor& b, ScalarType dtype,
                                         const char* op) {
  const Shape shape = broadcast_shapes(a.sizes(), b.sizes(), op);
  return {a.to(dtype).expand(shape), b.to(dtype).expand(shape)};
}

using detail::map_same;  // out = f(a) in a's dtype, whatever it is

// out = f(a, b) with a, b of one shape and dtype; out has that dtype.
template <class F>
Tensor arith(const Tensor& a, const Tensor& b, F f) {
  return detail::map_same2(a, b, f);
}

// Integer and bool inputs of floating-point math become the default float dtype (torch.exp(int)).
Tensor to_floating(const Tensor& a) {
  return is_floating_point(a.dtype()) ? a : a.to(kDefaultFloat);
}

// A unary floating-point op: out = f(x); backward(g, x, out) gives the input gradient.
template <class F, class B>
Tensor unary_float_op(const Tensor& a, const char* name, F f, B backward) {
  const Tensor x = to_floating(a);
  Tensor out = detail::float_map(x, f);
  const SavedTensor xs(x), os(out);
  return record(out, name, {x}, [xs, os, backward](const Tensor& g, const Needs&) {
    return Grads{backward(g, xs.unpack(), os.unpack())};
  });
}

template <class F>
Tensor compare(const Tensor& a, const Tensor& b, const char* op, F f) {
  const auto xy = broadcast_pair(a.detach(), b.detach(), detail::result_type(a, b), op);
  const Tensor &x = xy.first, &y = xy.second;  // names, not structured bindings: the lambda uses them
  if (is_reduced_float(x.dtype())) return compare(detail::widen(x), detail::widen(y), op, f);
  return dispatch(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    return detail::map2<bool, T>(x, y, [f](T p, T q) { return static_cast<bool>(f(p, q)); });
  });
}

Tensor mask_as(const Tensor& mask, const Tensor& like) { return mask.to(like.dtype()); }

}  // namespace

// ---- arithmetic ---------------------------------------------------------------------------

Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  if (alpha.to_double() != 1) return add(a, mul(b, detail::scalar_tensor(alpha)));
  const auto [x, y] = broadcast_pair(a, b, detail::result_type(a, b), "add");
  return record(arith(x, y, [](auto p, auto q) { return kernels::wrapping_add(p, q); }), "AddBackward", {x, y},
                [](const Tensor& g, const Needs&) { return Grads{g, g}; });
}

Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) {
  if (alpha.to_double() != 1) return sub(a, mul(b, detail::scalar_tensor(alpha)));
  const auto [x, y] = broadcast_pair(a, b, detail::result_type(a, b), "sub");
  return record(arith(x, y, [](auto p, auto q) { return kernels::wrapping_sub(p, q); }), "SubBackward", {x, y},
                [](const Tensor& g, const Needs& needs) {
                  return Grads{g, needs[1] ? neg(g) : Tensor()};
                });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  const auto [x, y] = broadcast_pair(a, b, detail::result_type(a, b), "mul");
  const SavedTensor xs(x), ys(y);
  return record(arith(x, y, [](auto p, auto q) { return kernels::wrapping_mul(p, q); }), "MulBackward", {x, y},
                [xs, ys](const Tensor& g, const Needs& needs) {
                  return Grads{needs[0] ? g * ys.unpack() : Tensor(), needs[1] ? g * xs.unpack() : Tensor()};
                });
}

Tensor div(const Tensor& a, const Tensor& b) {
  ScalarType t = detail::result_type(a, b);
  if (!is_floating_point(t)) t = kDefaultFloat;
  const auto [x, y] = broadcast_pair(a, b, t, "div");
  Tensor out = arith(x, y, [](auto p, auto q) { return p / q; });
  const SavedTensor ys(y), os(out);
  return record(out, "DivBackward", {x, y}, [ys, os](const Tensor& g, const Needs& needs) {
    const Tensor& yv = ys.unpack();
    return Grads{needs[0] ? g / yv : Tensor(), needs[1] ? -(g * os.unpack()) / yv : Tensor()};
  });
}

// ---- unary math ---------------------------------------------------------------------------

Tensor neg(const Tensor& a) {
  EMBER_CHECK(a.dtype() != kBool, TypeError, "[neg] negation of a bool tensor is not supported; use logical_not()");
  Tensor out = map_same(a, [](auto v) { return kernels::wrapping_neg(v); });
  return record(out, "NegBackward", {a}, [](const Tensor& g, const Needs&) { return Grads{neg(g)}; });
}

Tensor exp(const Tensor& a) {
  return unary_float_op(a, "ExpBackward", [](auto v) { return std::exp(v); },
                        [](const Tensor& g, const Tensor&, const Tensor& out) { return g * out; });
}

Tensor log(const Tensor& a) {
  return unary_float_op(a, "LogBackward", [](auto v) { return std::log(v); },
                        [](const Tensor& g, const Tensor& x, const Tensor&) { return g / x; });
}

Tensor sqrt(const Tensor& a) {
  return unary_float_op(a, "SqrtBackward", [](auto v) { return std::sqrt(v); },
                        [](const Tensor& g, const Tensor&, const Tensor& out) { return g / (out * 2); });
}

Tensor rsqrt(const Tensor& a) {
  return unary_float_op(a, "RsqrtBackward", [](auto v) { return 1 / std::sqrt(v); },
                        [](const Tensor& g, const Tensor&, const Tensor& out) {
                          return g * out * out * out * -0.5;
                        });
}

Tensor sin(const Tensor& a) {
  return unary_float_op(a, "SinBackward", [](auto v) { return std::sin(v); },
                        [](const Tensor& g, const Tensor& x, const Tensor&) { return g * cos(x); });
}

Tensor cos(const Tensor& a) {
  return unary_float_op(a, "CosBackward", [](auto v) { return std::cos(v); },
                        [](const Tensor& g, const Tensor& x, const Tensor&) { return -(g * sin(x)); });
}

Tensor tanh(const Tensor& a) {
  return unary_float_op(a, "TanhBackward", [](auto v) { return std::tanh(v); },
                        [](const Tensor& g, const Tensor&, const Tensor& out) {
                          return g * (1 - out * out);
                        });
}

Tensor sigmoid(const Tensor& a) {
  // 1 / (1 + e^-v) overflows harmlessly to 0 for very negative v; no NaN for any input.
  return unary_float_op(a, "SigmoidBackward", [](auto v) { return 1 / (1 + std::exp(-v)); },
                        [](const Tensor& g, const Tensor&, const Tensor& out) {
                          return g * out * (1 - out);
                        });
}

Tensor sign(const Tensor& a) {
  return map_same(a, [](auto v) {
    using T = decltype(v);
    return static_cast<T>((T(0) < v) - (v < T(0)));
  });
}

Tensor abs(const Tensor& a) {
  Tensor out = map_same(a, [](auto v) {
    using T = decltype(v);
    if constexpr (std::is_unsigned_v<T> || std::is_same_v<T, bool>) return v;
    else return v < 0 ? kernels::wrapping_neg(v) : v;  // abs(INT64_MIN) wraps to itself, as PyTorch
  });
  const SavedTensor xs(a);
  return record(out, "AbsBackward", {a}, [xs](const Tensor& g, const Needs&) { return Grads{g * sign(xs.unpack())}; });
}

Tensor relu(const Tensor& a) {
  Tensor out = map_same(a, [](auto v) { return v > decltype(v)(0) ? v : decltype(v)(0); });
  const SavedTensor saved_out(out);
  // d/dx: the gradient where the output is positive, else 0, in one pass (as g * (out > 0) it
  // took three: compare, cast, multiply).
  return record(out, "ReluBackward", {a}, [saved_out](const Tensor& g, const Needs&) {
    const Tensor& os = saved_out.unpack();
    const Tensor grad = g.dtype() == os.dtype() ? g : g.to(os.dtype());
    return Grads{arith(grad, os, [](auto gv, auto o) { return o > decltype(o)(0) ? gv : decltype(o)(0); })};
  });
}

Tensor pow(const Tensor& a, const Scalar& exponent) {
  const Tensor x = exponent.is_floating_point() ? to_floating(a) : a;
  const double p = exponent.to_double();
  Tensor out;
  if (is_floating_point(x.dtype())) {
    out = detail::float_map(x, [p](auto v) { return std::pow(v, static_cast<decltype(v)>(p)); });
  } else {
    EMBER_CHECK(exponent.to_int64() >= 0, ValueError, "[pow] integers cannot be raised to the negative power ",
                exponent.to_int64());
    out = dispatch(x.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const int64_t e = exponent.to_int64();
      return detail::map<T, T>(x, [e](T v) {
        T r = 1;
        for (int64_t i = 0; i < e; ++i) r = kernels::wrapping_mul(r, v);
        return r;
      });
    });
  }
  const SavedTensor xs(x);
  return record(out, "PowBackward", {x}, [xs, p](const Tensor& g, const Needs&) {
    if (p == 0) return Grads{g * 0};
    return Grads{g * pow(xs.unpack(), p - 1) * p};
  });
}

Tensor pow(const Tensor& a, const Tensor& exponent) {
  ScalarType t = detail::result_type(a, exponent);
  const auto xy = broadcast_pair(a, exponent, t, "pow");
  const Tensor &x = xy.first, &y = xy.second;  // names, not structured bindings: the lambda uses them
  Tensor out = is_floating_point(t)
                   ? arith(x, y, [](auto b, auto e) { return std::pow(b, e); })
                   : arith(x, y, [](auto b, auto e) {
                       decltype(b) r = 1;
                       for (int64_t i = 0; i < static_cast<int64_t>(e); ++i) r = kernels::wrapping_mul(r, b);
                       return r;
                     });
  const SavedTensor saved_x(x), saved_y(y), saved_out(out);
  return record(out, "PowBackward", {x, y}, [saved_x, saved_y, saved_out](const Tensor& g, const Needs& needs) {
    const Tensor &xs = saved_x.unpack(), &ys = saved_y.unpack();
    Grads grads(2);
    if (needs[0]) grads[0] = g * ys * pow(xs, ys - 1);
    // d/de b^e = b^e log b; PyTorch defines it as 0 where b == 0 and e >= 0.
    if (needs[1]) grads[1] = where((xs == 0) * (ys >= 0), 0.0, g * saved_out.unpack() * log(xs));
    return grads;
  });
}

Tensor pow(const Scalar& base, const Tensor& exponent) {
  return pow(detail::scalar_tensor(base), exponent);
}

// ---- clamp, maximum, minimum, where --------------------------------------------------------

Tensor clamp(const Tensor& a, std::optional<Scalar> min, std::optional<Scalar> max) {
  EMBER_CHECK(min || max, ValueError, "[clamp] at least one of min and max must be given");
  ScalarType t = a.dtype();
  if (min) t = detail::result_type(a, detail::scalar_tensor(*min));
  if (max) t = promote_types(t, detail::result_type(a, detail::scalar_tensor(*max)));
  const Tensor x = a.to(t);
  const double lo = min ? min->to_double() : -INFINITY, hi = max ? max->to_double() : INFINITY;
  Tensor out = map_same(x, [lo, hi](auto v) {
    using T = decltype(v);
    // Comparisons in double so an integer tensor clamps correctly against fractional bounds.
    const double d = static_cast<double>(v);
    if (d < lo) return static_cast<T>(lo);
    if (d > hi) return static_cast<T>(hi);
    return v;
  });
  const SavedTensor saved_x(x);
  return record(out, "ClampBackward", {x}, [saved_x, lo, hi](const Tensor& g, const Needs&) {
    const Tensor& xs = saved_x.unpack();
    return Grads{g * mask_as(ge(xs, detail::scalar_tensor(lo)) * le(xs, detail::scalar_tensor(hi)), g)};
  });
}

Tensor clamp_min(const Tensor& a, const Scalar& min) { return clamp(a, min, std::nullopt); }
Tensor clamp_max(const Tensor& a, const Scalar& max) { return clamp(a, std::nullopt, max); }

namespace {
// maximum/minimum: the gradient goes to the chosen input, half to each on ties (as PyTorch).
Tensor extreme(const Tensor& a, const Tensor& b, bool is_max) {
  const char* op = is_max ? "maximum" : "minimum";
  const auto [x, y] = broadcast_pair(a, b, detail::result_type(a, b), op);
  Tensor out = is_max ? arith(x, y, [](auto p, auto q) { return (p > q || p != p) ? p : q; })
                      : arith(x, y, [](auto p, auto q) { return (p < q || p != p) ? p : q; });
  const SavedTensor saved_x(x), saved_y(y);
  return record(out, is_max ? "MaximumBackward" : "MinimumBackward", {x, y},
                [saved_x, saved_y, is_max](const Tensor& g, const Needs&) {
                  const Tensor &xs = saved_x.unpack(), &ys = saved_y.unpack();
                  const Tensor wins = mask_as(is_max ? gt(xs, ys) : lt(xs, ys), g);
                  const Tensor ties = mask_as(eq(xs, ys), g) * 0.5;
                  return Grads{g * (wins + ties), g * (1 - wins - ties)};
                });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) { return extreme(a, b, true); }
Tensor minimum(const Tensor& a, const Tensor& b) { return extreme(a, b, false); }

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  EMBER_CHECK(cond.dtype() == kBool, TypeError, "[where] the condition must be a bool tensor; got ",
              dtype_name(cond.dtype()));
  const Shape shape = broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(), "where");
  const ScalarType t = detail::result_type(a, b);
  const Tensor c = cond.expand(shape), x = a.to(t).expand(shape), y = b.to(t).expand(shape);
  // Choosing copies values: the 16-bit floats go through as their bits, without widening.
  Tensor out = detail::alloc(shape, t);
  dispatch_with_16bit(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    kernels::ternary(shape, static_cast<T*>(out.data_ptr()), out.strides().data(),
                     static_cast<const bool*>(c.data_ptr()), c.strides().data(),
                     static_cast<const T*>(x.data_ptr()), x.strides().data(),
                     static_cast<const T*>(y.data_ptr()), y.strides().data(),
                     [](bool s, T p, T q) { return s ? p : q; });
  });
  const SavedTensor saved_cond(c);
  return record(out, "WhereBackward", {x, y}, [saved_cond](const Tensor& g, const Needs& needs) {
    const Tensor& cs = saved_cond.unpack();
    return Grads{needs[0] ? where(cs, g, 0.0) : Tensor(), needs[1] ? where(cs, 0.0, g) : Tensor()};
  });
}

Tensor where(const Tensor& cond, const Tensor& a, const Scalar& b) {
  return where(cond, a, detail::scalar_tensor(b));
}
Tensor where(const Tensor& cond, const Scalar& a, const Tensor& b) {
  return where(cond, detail::scalar_tensor(a), b);
}

// ---- comparisons ---------------------------------------------------------------------------

Tensor gt(const Tensor& a, const Tensor& b) { return compare(a, b, "gt", [](auto p, auto q) { return p > q; }); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(a, b, "lt", [](auto p, auto q) { return p < q; }); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(a, b, "ge", [](auto p, auto q) { return p >= q; }); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(a, b, "le", [](auto p, auto q) { return p <= q; }); }
Tensor eq(const Tensor& a, const Tensor& b) { return compare(a, b, "eq", [](auto p, auto q) { return p == q; }); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(a, b, "ne", [](auto p, auto q) { return p != q; }); }

Tensor logical_not(const Tensor& a) {
  if (is_reduced_float(a.dtype())) return logical_not(detail::widen(a));
  return dispatch(a.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    return detail::map<bool, T>(a, [](T v) { return v == T(0); });
  });
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol) {
  if (a.sizes() != b.sizes()) return false;
  NoGradGuard no_grad;
  const Tensor x = a.to(kFloat64), y = b.to(kFloat64);
  const Tensor close = le(abs(x - y), abs(y) * rtol + atol);
  return close.numel() == 0 || close.to(kInt64).sum().item<int64_t>() == close.numel();
}

bool equal(const Tensor& a, const Tensor& b) {
  if (a.sizes() != b.sizes()) return false;
  const Tensor same = eq(a, b);
  return same.numel() == 0 || same.to(kInt64).sum().item<int64_t>() == same.numel();
}

// ---- conversion and copies (Tensor methods that make new storage) --------------------------

Tensor Tensor::to(ScalarType t) const {
  if (t == dtype()) return *this;
  Tensor out = detail::alloc(sizes(), t);
  detail::copy_into(out, *this);
  if (!ember::is_floating_point(t) || !is_floating_point()) return out;
  const ScalarType from = dtype();
  return record(out, "ToCopyBackward", {*this},
                [from](const Tensor& g, const Needs&) { return Grads{g.to(from)}; });
}

Tensor Tensor::clone() const {
  Tensor out = detail::alloc(sizes(), dtype());
  detail::copy_into(out, *this);
  return record(out, "CloneBackward", {*this}, [](const Tensor& g, const Needs&) { return Grads{g}; });
}

Tensor Tensor::contiguous() const { return is_contiguous() ? *this : clone(); }

}  // namespace ember
