// ember's exception hierarchy and the checks that throw it. Bad user input throws one of these,
// never aborts; messages read "[op] what was expected; what was found" and name every shape.
// EMBER_CHECK is always on. Internal invariants use EMBER_ASSERT (also on: it is cheap here).
#pragma once

#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ember {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
class ShapeError : public Error { using Error::Error; };     // shapes that do not fit an op
class ValueError : public Error { using Error::Error; };     // a bad argument value
class TypeError : public Error { using Error::Error; };      // a dtype an op does not take
class IndexError : public Error { using Error::Error; };     // an index or dim out of range
class AutogradError : public Error { using Error::Error; };  // misuse of backward / grads
class IOError : public Error { using Error::Error; };        // files: missing, corrupt, short

namespace detail {
template <class... Parts>
std::string str(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

/// "(5, 784)": the shape notation used in every message.
std::string shape_str(const std::vector<int64_t>& shape);

/// Throws an error of `error`'s own class whose message is prefix + its message: context added by
/// a caller that knows more (which file an image came from) without changing what is caught.
[[noreturn]] void rethrow_with_prefix(const Error& error, const std::string& prefix);

}  // namespace ember

/// Throws ErrorClass with the streamed parts when cond is false. Example:
///   EMBER_CHECK(a.dim() == 2, ShapeError, "[mm] expected 2-D inputs; got ", shape_str(a.sizes()));
#define EMBER_CHECK(cond, ErrorClass, ...) \
  do {                                     \
    if (!(cond)) throw ::ember::ErrorClass(::ember::detail::str(__VA_ARGS__)); \
  } while (0)

/// For invariants inside ember that no user input can break.
#define EMBER_ASSERT(cond)                                                                  \
  do {                                                                                      \
    if (!(cond)) throw ::ember::Error(::ember::detail::str("internal error: ", #cond, " at ", \
                                                           __FILE__, ":", __LINE__));       \
  } while (0)
