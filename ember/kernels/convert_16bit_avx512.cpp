// The AVX-512 loops of convert_16bit.h, bit for bit the scalar rules of core/reduced_float.h:
// bfloat16 rounds with the same integer addition, float16 with the hardware's round-to-nearest-even
// (vcvtps2ph); NaNs are then set to the scalar code's NaN (0x7FC0; sign | 0x7E00). Compiled with
// -mavx512f only, called after cpu_has_avx512() (convert_16bit.cpp). n is a multiple of 16.
#include <immintrin.h>

#include "ember/kernels/convert_16bit.h"

namespace ember::kernels::detail {

void to_bfloat16_avx512(const float* in, BFloat16* out, int64_t n) {
  const __m512i bias = _mm512_set1_epi32(0x7FFF), one = _mm512_set1_epi32(1), nan = _mm512_set1_epi32(0x7FC0);
  for (int64_t i = 0; i < n; i += 16) {
    const __m512 f = _mm512_loadu_ps(in + i);
    const __m512i x = _mm512_castps_si512(f);
    const __m512i odd = _mm512_and_si512(_mm512_srli_epi32(x, 16), one);
    __m512i r = _mm512_srli_epi32(_mm512_add_epi32(x, _mm512_add_epi32(bias, odd)), 16);
    r = _mm512_mask_mov_epi32(r, _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q), nan);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm512_cvtepi32_epi16(r));
  }
}

void to_half_avx512(const float* in, Half* out, int64_t n) {
  const __m512i sign = _mm512_set1_epi32(0x8000), quiet = _mm512_set1_epi32(0x7E00);
  for (int64_t i = 0; i < n; i += 16) {
    const __m512 f = _mm512_loadu_ps(in + i);
    __m512i h = _mm512_cvtepu16_epi32(_mm512_cvtps_ph(f, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    const __m512i nan = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(_mm512_castps_si512(f), 16), sign), quiet);
    h = _mm512_mask_mov_epi32(h, _mm512_cmp_ps_mask(f, f, _CMP_UNORD_Q), nan);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm512_cvtepi32_epi16(h));
  }
}

void from_bfloat16_avx512(const BFloat16* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i += 16) {
    const __m512i h = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i)));
    _mm512_storeu_si512(out + i, _mm512_slli_epi32(h, 16));
  }
}

void from_half_avx512(const Half* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; i += 16)
    _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i))));
}

}  // namespace ember::kernels::detail
