// Element types a tensor can hold, their sizes and names, the C++ type behind each, and the
// promotion rule of binary ops. Mirrors libtorch's ScalarType (kFloat32, kInt64, ...).
// Not here: the tensor itself (tensor/tensor.h) or any arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

namespace ember {

enum class ScalarType : int8_t { Bool, UInt8, Int32, Int64, Float32, Float64 };
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

/// The dtype used when none is given for floating-point data (as torch.get_default_dtype()).
inline constexpr ScalarType kDefaultFloat = kFloat32;

std::size_t element_size(ScalarType t);
const char* dtype_name(ScalarType t);  // "float32", "int64", ...
inline bool is_floating_point(ScalarType t) { return t == kFloat32 || t == kFloat64; }
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
template <class T> inline constexpr ScalarType dtype_of = DtypeOf<T>::value;

template <class T> struct TypeTag { using type = T; };

/// Calls fn(TypeTag<T>{}) with T the C++ type of `t`: the single place where a runtime dtype
/// becomes a compile-time type. Example: dispatch(t, [&](auto tag) { using T = typename decltype(tag)::type; });
template <class F>
decltype(auto) dispatch(ScalarType t, F&& fn) {
  switch (t) {
    case kBool: return fn(TypeTag<bool>{});
    case kUInt8: return fn(TypeTag<uint8_t>{});
    case kInt32: return fn(TypeTag<int32_t>{});
    case kInt64: return fn(TypeTag<int64_t>{});
    case kFloat32: return fn(TypeTag<float>{});
    case kFloat64: break;
  }
  return fn(TypeTag<double>{});
}

/// As dispatch(), for the two floating dtypes only; callers check the dtype first.
template <class F>
decltype(auto) dispatch_floating(ScalarType t, F&& fn) {
  if (t == kFloat32) return fn(TypeTag<float>{});
  return fn(TypeTag<double>{});
}

}  // namespace ember
