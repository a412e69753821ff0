// Floating-point to integer conversion with a result defined for every input. C++ leaves NaN and
// values outside the target type's range undefined (UBSan reports them; the optimiser may assume
// they never happen). ember truncates toward zero, as C++ does in range; a signed target gives its
// minimum for NaN and out-of-range values (what x86's conversion instructions return, the
// "integer indefinite"); uint8 takes the low 8 bits of the int64 conversion (300.0 -> 44, -1.0 -> 255).
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

namespace ember {

template <class To, class From>
constexpr To float_to_int(From v) {
  static_assert(std::is_floating_point_v<From> && std::is_integral_v<To> && !std::is_same_v<To, bool>);
  using Wide = std::conditional_t<std::is_signed_v<To>, To, int64_t>;
  // Both bounds are exact powers of two in every floating type, so the comparisons are exact.
  constexpr From lo = static_cast<From>(std::numeric_limits<Wide>::min());
  constexpr From hi = -lo;  // 2^(bits - 1): the first value past the maximum
  const Wide w = (v >= lo && v < hi) ? static_cast<Wide>(v) : std::numeric_limits<Wide>::min();  // NaN fails both
  return static_cast<To>(w);
}

}  // namespace ember
