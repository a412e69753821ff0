// The two 16-bit floating-point formats (libtorch's at::BFloat16 and at::Half) and their
// conversions to and from float32. ember stores them and converts them; it computes in float32
// (ops/op_helpers.h), as PyTorch's CPU kernels do, except where a kernel takes them directly
// (the bfloat16 GEMM).
//
//   bfloat16: 1 sign, 8 exponent, 7 mantissa bits: float32's range with 8 bits of precision; its
//             bits are the top half of the float32's.
//   float16:  1 sign, 5 exponent, 10 mantissa bits: 11 bits of precision, largest 65504, smallest
//             normal 2^-14, subnormals down to 2^-24.
//
// From float32 both round to nearest, ties to even, as PyTorch does; values past the largest
// finite one become infinities. NaNs stay NaNs: a bfloat16 NaN is 0x7FC0 whatever the sign (as
// c10's round_to_nearest_even), a float16 NaN keeps its sign (0x7E00 or 0xFE00). Back to float32,
// a float16 NaN keeps its payload and becomes quiet.
#pragma once

#include <bit>
#include <cstdint>

namespace ember {

namespace detail {

inline uint16_t bfloat16_bits(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return 0x7FC0;  // NaN
  // Adding 0x7FFF rounds the low half up past 0x8000 and down below it; the kept half's lowest
  // bit breaks the tie 0x8000 towards even. A carry moves into the exponent, up to infinity.
  return static_cast<uint16_t>((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

inline float bfloat16_to_float(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

// value >> shift, rounded to nearest, ties to the even result (shift >= 1).
inline uint32_t shift_right_to_even(uint32_t value, int shift) {
  const uint32_t kept = value >> shift, rest = value & ((1u << shift) - 1), half = 1u << (shift - 1);
  return kept + (rest > half || (rest == half && (kept & 1u)));
}

inline uint16_t half_bits(float f) {
  const uint32_t x = std::bit_cast<uint32_t>(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t magnitude = x & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) return sign | 0x7E00;  // NaN
  const int exponent = static_cast<int>(magnitude >> 23) - 127;
  if (exponent > 15) return sign | 0x7C00;  // 65536 and beyond, infinity included
  const uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;  // with the leading 1
  if (exponent >= -14) {
    // A normal float16: drop 13 mantissa bits. A carry out of the mantissa raises the exponent,
    // which is right (and 65520 and above round up to infinity, 0x7C00).
    const uint32_t biased = static_cast<uint32_t>(exponent + 15) << 10;
    return sign | static_cast<uint16_t>(biased + shift_right_to_even(mantissa, 13) - 0x400u);
  }
  // A float16 subnormal counts units of 2^-24: value / 2^-24 = mantissa * 2^(exponent + 1).
  const int shift = -(exponent + 1);  // >= 14
  if (shift > 24) return sign;        // below half a unit: zero (float32 subnormals too)
  return sign | static_cast<uint16_t>(shift_right_to_even(mantissa, shift));
}

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu, mantissa = h & 0x3FFu;
  if (exponent == 0x1F && mantissa == 0) return std::bit_cast<float>(sign | 0x7F800000u);  // infinity
  // A NaN keeps its payload and is made quiet, as the hardware's vcvtph2ps (convert_16bit.h).
  if (exponent == 0x1F) return std::bit_cast<float>(sign | 0x7FC00000u | (mantissa << 13));
  if (exponent == 0) {  // zero or subnormal: mantissa * 2^-24, exact in float32
    const float value = static_cast<float>(mantissa) * 0x1p-24f;
    return sign ? -value : value;
  }
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

}  // namespace detail

/// A bfloat16 value (libtorch's at::BFloat16): 16 bits in memory, a float in arithmetic.
struct BFloat16 {
  uint16_t x = 0;  // the bits, as c10's field

  BFloat16() = default;
  BFloat16(float f) : x(detail::bfloat16_bits(f)) {}  // NOLINT: implicit, as libtorch's
  operator float() const { return detail::bfloat16_to_float(x); }
  static BFloat16 from_bits(uint16_t bits) {
    BFloat16 b;
    b.x = bits;
    return b;
  }
};

/// A float16 value (libtorch's at::Half): 16 bits in memory, a float in arithmetic.
struct Half {
  uint16_t x = 0;

  Half() = default;
  Half(float f) : x(detail::half_bits(f)) {}  // NOLINT: implicit, as libtorch's
  operator float() const { return detail::half_to_float(x); }
  static Half from_bits(uint16_t bits) {
    Half h;
    h.x = bits;
    return h;
  }
};

static_assert(sizeof(BFloat16) == 2 && sizeof(Half) == 2);

}  // namespace ember
