// Element types a tensor can hold, their sizes and names, the C++ type behind each, and the
// promotion rule of binary ops. Mirrors libtorch's ScalarType (kFloat32, kInt64, ...).
// The 16-bit floats (kBFloat16, kHalf) are stored, not computed in: dispatch() refuses them, and
// ops widen them to float32 first (ops/op_helpers.h); only copies see their C++ types
// (dispatch_with_16bit()).
// Not here: the tensor itself (tensor/tensor.h) or any arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "ember/core/reduced_float.h"

namespace ember {

enum class ScalarType : int8_t { Bool, UInt8, Int32, Int64, Float32, Float64, BFloat16, Half };
using Dtype = ScalarType;

inline constexpr ScalarType kBool = ScalarType::Bool;
inline constexpr ScalarType kUInt8 = ScalarType::UInt8;
inline constexpr ScalarType kByte = ScalarType::UInt8;
inline constexpr ScalarType kInt32 = ScalarType::Int32;
inline constexpr ScalarType kInt = ScalarType::Int32;
inline constexpr ScalarType kInt64 = ScalarType::Int64;
inline constexpr ScalarType kLong = ScalarType::Int64;
inline constexpr ScalarType kFloat32 = ScalarType::Float32;
inline constexpr ScalarType kFloat = ScalarType::Float32;
inline constexpr ScalarType kFloat64 = ScalarType::Float64;
inline constexpr ScalarType kDouble = ScalarType::Float64;
inline constexpr ScalarType kBFloat16 = ScalarType::BFloat16;
inline constexpr ScalarType kHalf = ScalarType::Half;
inline constexpr ScalarType kFloat16 = ScalarType::Half;

/// The dtype used when none is given for floating-point data (as torch.get_default_dtype()).
inline constexpr ScalarType kDefaultFloat = kFloat32;

std::size_t element_size(ScalarType t);
const char* dtype_name(ScalarType t);  // "float32", "int64", "bfloat16", ...
/// bfloat16 and float16: floating-point, stored in 16 bits, computed in float32.
inline bool is_reduced_float(ScalarType t) { return t == kBFloat16 || t == kHalf; }
inline bool is_floating_point(ScalarType t) { return t == kFloat32 || t == kFloat64 || is_reduced_float(t); }
inline bool is_integral(ScalarType t) { return t == kUInt8 || t == kInt32 || t == kInt64; }

/// The smallest dtype both a and b convert to without losing their kind (bool < ints < floats),
/// following torch.promote_types.
ScalarType promote_types(ScalarType a, ScalarType b);

// C++ type <-> ScalarType.
template <class T> struct DtypeOf;
template <> struct DtypeOf<bool> { static constexpr ScalarType value = kBool; };
template <> struct DtypeOf<uint8_t> { static constexpr ScalarType value = kUInt8; };
template <> struct DtypeOf<int32_t> { static constexpr ScalarType value = kInt32; };
template <> struct DtypeOf<int64_t> { static constexpr ScalarType value = kInt64; };
template <> struct DtypeOf<float> { static constexpr ScalarType value = kFloat32; };
template <> struct DtypeOf<double> { static constexpr ScalarType value = kFloat64; };
template <> struct DtypeOf<BFloat16> { static constexpr ScalarType value = kBFloat16; };
template <> struct DtypeOf<Half> { static constexpr ScalarType value = kHalf; };
template <class T> inline constexpr ScalarType dtype_of = DtypeOf<T>::value;

template <class T> struct TypeTag { using type = T; };

/// Throws TypeError: an op reached a typed loop with a bfloat16 or float16 tensor it did not widen.
[[noreturn]] void throw_not_computed_in(ScalarType t);

/// Calls fn(TypeTag<T>{}) with T the C++ type of `t`: the single place where a runtime dtype
/// becomes a compile-time type. Example: dispatch(t, [&](auto tag) { using T = typename decltype(tag)::type; });
/// The six computed dtypes only; a 16-bit float throws TypeError.
template <class F>
decltype(auto) dispatch(ScalarType t, F&& fn) {
  switch (t) {
    case kBool: return fn(TypeTag<bool>{});
    case kUInt8: return fn(TypeTag<uint8_t>{});
    case kInt32: return fn(TypeTag<int32_t>{});
    case kInt64: return fn(TypeTag<int64_t>{});
    case kFloat32: return fn(TypeTag<float>{});
    case kFloat64: break;
    case kBFloat16:
    case kHalf: throw_not_computed_in(t);
  }
  return fn(TypeTag<double>{});
}

/// As dispatch(), also for BFloat16 and Half: for copies and conversions, which need no arithmetic.
template <class F>
decltype(auto) dispatch_with_16bit(ScalarType t, F&& fn) {
  if (t == kBFloat16) return fn(TypeTag<BFloat16>{});
  if (t == kHalf) return fn(TypeTag<Half>{});
  return dispatch(t, fn);
}

/// As dispatch(), for float32 and float64 only; callers check the dtype first.
template <class F>
decltype(auto) dispatch_floating(ScalarType t, F&& fn) {
  if (t == kFloat32) return fn(TypeTag<float>{});
  if (is_reduced_float(t)) throw_not_computed_in(t);
  return fn(TypeTag<double>{});
}

}  // namespace ember
