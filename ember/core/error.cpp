#include "ember/core/error.h"

namespace ember {

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

template <class E>
static void throw_if(const Error& error, const std::string& message) {
  if (dynamic_cast<const E*>(&error)) throw E(message);
}

void rethrow_with_prefix(const Error& error, const std::string& prefix) {
  const std::string message = prefix + error.what();
  throw_if<ShapeError>(error, message);
  throw_if<ValueError>(error, message);
  throw_if<TypeError>(error, message);
  throw_if<IndexError>(error, message);
  throw_if<AutogradError>(error, message);
  throw_if<IOError>(error, message);
  throw Error(message);
}

}  // namespace ember
