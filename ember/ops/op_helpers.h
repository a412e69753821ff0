// Helpers every op file shares (internal, namespace ember::detail): dtype promotion, turning a
// Scalar into a tensor, running a typed elementwise loop into a fresh tensor, in-place writes,
// and sum_to (the backward of broadcasting).
#pragma once

#include <string>

#include "ember/autograd/function.h"
#include "ember/kernels/elementwise.h"
#include "ember/tensor/tensor.h"

namespace ember::detail {

/// The dtype of a binary op's result, following torch.result_type: dtypes promote, except that
/// a 0-d operand (such as a Scalar) only raises the result when it is of a higher kind
/// (bool < integer < floating): int_tensor * 2.5 is float32, float32_tensor * 2.5 is float32.
ScalarType result_type(const Tensor& a, const Tensor& b);

/// t's values in float32 when t is bfloat16 or float16 (a copy outside autograd), else t itself:
/// ember's typed loops compute 16-bit floats in float32 (core/dtype.h), as PyTorch's CPU kernels.
Tensor widen(const Tensor& t);

/// `out`, computed from widened operands, rounded back to `dtype` when that is a 16-bit float;
/// otherwise out itself. Outside autograd, as widen().
Tensor round_to(const Tensor& out, ScalarType dtype);

/// A 0-d tensor holding s, of dtype `dtype` or, by default, the Scalar's natural dtype.
Tensor scalar_tensor(const Scalar& s, std::optional<ScalarType> dtype = std::nullopt);

/// `grad` (shape of a broadcast result) summed down to `shape`: the backward of expand.
Tensor sum_to(const Tensor& grad, const Shape& shape);

/// A fresh contiguous tensor of dtype Out with out[i] = f(a[i]); `a` has dtype In.
template <class Out, class In, class F>
Tensor map(const Tensor& a, F f) {
  Tensor out = alloc(a.sizes(), dtype_of<Out>);
  kernels::unary(a.sizes(), static_cast<Out*>(out.data_ptr()), out.strides().data(),
                 static_cast<const In*>(a.data_ptr()), a.strides().data(), f);
  return out;
}

/// As map() for two operands already expanded to one shape.
template <class Out, class In, class F>
Tensor map2(const Tensor& a, const Tensor& b, F f) {
  Tensor out = alloc(a.sizes(), dtype_of<Out>);
  kernels::binary(a.sizes(), static_cast<Out*>(out.data_ptr()), out.strides().data(),
                  static_cast<const In*>(a.data_ptr()), a.strides().data(),
                  static_cast<const In*>(b.data_ptr()), b.strides().data(), f);
  return out;
}

/// out = f(a) elementwise, in a's dtype: the 16-bit floats computed in float32 and rounded once.
/// With kFloatingOnly, f is instantiated for float and double only (math with no integer meaning;
/// callers check the dtype first); otherwise for every computed dtype.
template <bool kFloatingOnly = false, class F>
Tensor map_same(const Tensor& a, F f) {
  if (is_reduced_float(a.dtype())) return round_to(map_same<kFloatingOnly>(widen(a), f), a.dtype());
  const auto typed = [&](auto tag) {
    using T = typename decltype(tag)::type;
    return map<T, T>(a, [f](T v) { return static_cast<T>(f(v)); });
  };
  if constexpr (kFloatingOnly) return dispatch_floating(a.dtype(), typed);
  else return dispatch(a.dtype(), typed);
}

/// As map_same() for two operands of one shape and dtype.
template <bool kFloatingOnly = false, class F>
Tensor map_same2(const Tensor& a, const Tensor& b, F f) {
  if (is_reduced_float(a.dtype())) return round_to(map_same2<kFloatingOnly>(widen(a), widen(b), f), a.dtype());
  const auto typed = [&](auto tag) {
    using T = typename decltype(tag)::type;
    return map2<T, T>(a, b, [f](T x, T y) { return static_cast<T>(f(x, y)); });
  };
  if constexpr (kFloatingOnly) return dispatch_floating(a.dtype(), typed);
  else return dispatch(a.dtype(), typed);
}

/// map_same() and map_same2() for floating-point math.
template <class F>
Tensor float_map(const Tensor& a, F f) {
  return map_same<true>(a, f);
}
template <class F>
Tensor float_map2(const Tensor& a, const Tensor& b, F f) {
  return map_same2<true>(a, b, f);
}

/// Writes `compute(self, operands)` into self: the single path of every in-place op. When the
/// result will have history (self or an operand requires grad), compute() gets clones of self
/// and of operands that share its storage, so tensors saved by its backward are not
/// overwritten, and self takes over the result's history. Checks shape, dtype and leaf rules.
using InplaceFn = std::function<Tensor(const Tensor& self, const std::vector<Tensor>& operands)>;
Tensor& write_inplace(Tensor& self, const char* op, const std::vector<Tensor>& operands,
                      const InplaceFn& compute);

}  // namespace ember::detail
