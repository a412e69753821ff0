// Integer arithmetic that wraps around on overflow, as PyTorch's integer tensors do (two's
// complement). In C++ a signed overflow is undefined behaviour, which the optimiser may turn into
// anything; unsigned arithmetic is defined modulo 2^n, and since C++20 converting back to signed
// is too. Floating-point and bool values pass straight through to the plain operators.
#pragma once

#include <type_traits>

namespace ember::kernels {

template <class T>
constexpr bool kWraps = std::is_integral_v<T> && std::is_signed_v<T>;

template <class T>
constexpr T wrapping_add(T a, T b) {
  if constexpr (kWraps<T>) return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) + static_cast<std::make_unsigned_t<T>>(b));
  else return static_cast<T>(a + b);
}

template <class T>
constexpr T wrapping_sub(T a, T b) {
  if constexpr (kWraps<T>) return static_cast<T>(static_cast<std::make_unsigned_t<T>>(a) - static_cast<std::make_unsigned_t<T>>(b));
  else return static_cast<T>(a - b);
}

template <class T>
constexpr T wrapping_mul(T a, T b) {
  // The unsigned product of two values below 2^32 would be promoted to int and could overflow
  // again; multiplying in the wider of (unsigned T, unsigned int) avoids that.
  if constexpr (kWraps<T>) {
    using U = std::common_type_t<std::make_unsigned_t<T>, unsigned>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return static_cast<T>(a * b);
  }
}

template <class T>
constexpr T wrapping_neg(T a) {
  return wrapping_sub(T(0), a);
}

}  // namespace ember::kernels
