#include "ember/core/dtype.h"

#include "ember/core/error.h"

namespace ember {

std::size_t element_size(ScalarType t) {
  return dispatch_with_16bit(t, [](auto tag) { return sizeof(typename decltype(tag)::type); });
}

void throw_not_computed_in(ScalarType t) {
  throw TypeError(detail::str("this op does not compute in ", dtype_name(t),
                              "; convert with .to(ember::kFloat32) first (ember computes 16-bit floats in float32)"));
}

const char* dtype_name(ScalarType t) {
  switch (t) {
    case kBool: return "bool";
    case kUInt8: return "uint8";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kFloat32: return "float32";
    case kFloat64: return "float64";
    case kBFloat16: return "bfloat16";
    case kHalf: return "float16";
  }
  return "unknown";
}

ScalarType promote_types(ScalarType a, ScalarType b) {
  if (a == b) return a;
  // bfloat16 and float16 each lack the other's range or precision: float32 holds both (as torch).
  if (is_reduced_float(a) && is_reduced_float(b)) return kFloat32;
  // A 16-bit float against a bool or integer stays itself; against float32 or float64, the wider.
  if (is_reduced_float(a)) return b == kFloat32 || b == kFloat64 ? b : a;
  if (is_reduced_float(b)) return a == kFloat32 || a == kFloat64 ? a : b;
  // The other six are ordered bool < uint8 < int32 < int64 < float32 < float64, and the larger
  // one always holds the smaller one's kind, so promotion is a max.
  return static_cast<int8_t>(a) > static_cast<int8_t>(b) ? a : b;
}

}  // namespace ember
