#include "ember/core/dtype.h"

namespace ember {

std::size_t element_size(ScalarType t) {
  return dispatch(t, [](auto tag) { return sizeof(typename decltype(tag)::type); });
}

const char* dtype_name(ScalarType t) {
  switch (t) {
    case kBool: return "bool";
    case kUInt8: return "uint8";
    case kInt32: return "int32";
    case kInt64: return "int64";
    case kFloat32: return "float32";
    case kFloat64: return "float64";
  }
  return "unknown";
}

ScalarType promote_types(ScalarType a, ScalarType b) {
  // The enum is ordered bool < uint8 < int32 < int64 < float32 < float64, and for these six
  // types the larger one always holds the smaller one's kind, so promotion is a max.
  return static_cast<int8_t>(a) > static_cast<int8_t>(b) ? a : b;
}

}  // namespace ember
