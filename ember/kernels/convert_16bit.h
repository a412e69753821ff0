// Contiguous conversions between float32 and the 16-bit floats: the same bits as BFloat16(f),
// Half(f) and their float() (core/reduced_float.h), 16 values per AVX-512 instruction sequence
// where the CPU has it (convert_16bit_avx512.cpp). Mixed precision converts every weight every
// batch: element by element, the conversion cost as much as the bfloat16 products it fed.
#pragma once

#include <cstdint>

#include "ember/core/reduced_float.h"

namespace ember::kernels {

void to_bfloat16(const float* in, BFloat16* out, int64_t n);
void to_half(const float* in, Half* out, int64_t n);
void from_bfloat16(const BFloat16* in, float* out, int64_t n);
void from_half(const Half* in, float* out, int64_t n);

namespace detail {
// The AVX-512 loops over [0, n - n % 16); the caller converts the rest.
void to_bfloat16_avx512(const float* in, BFloat16* out, int64_t n);
void to_half_avx512(const float* in, Half* out, int64_t n);
void from_bfloat16_avx512(const BFloat16* in, float* out, int64_t n);
void from_half_avx512(const Half* in, float* out, int64_t n);
}  // namespace detail

}  // namespace ember::kernels
