#include "ember/kernels/exp.h"

#include <immintrin.h>

#include "ember/kernels/gemm.h"

namespace ember::kernels {

namespace {

// e^x = 2^n e^r with n = round(x / ln 2) and |r| <= ln(2) / 2; e^r by Cephes' expf polynomial
// (about 1 ulp), 2^n applied by scalef, which also gives the infinities, zeros and subnormals at
// the ends of the range. Inputs are clamped to [-104, 88.8] first (e^x rounds to 0 below and is
// infinite above); max and min return x itself when it is NaN, so NaN stays NaN.
// Compiled for AVX-512 by its attribute alone; called only after cpu_has_avx512().
__attribute__((target("avx512f"))) __m512 exp16(__m512 x) {
  x = _mm512_min_ps(_mm512_set1_ps(88.8f), _mm512_max_ps(_mm512_set1_ps(-104.0f), x));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  // r = x - n ln 2, with ln 2 split in two so that n * 0.693359375 is exact.
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  const __m512 e_r = _mm512_add_ps(_mm512_fmadd_ps(_mm512_mul_ps(p, r), r, r), _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(e_r, n);
}

__attribute__((target("avx512f"))) void exp_run_avx512(const float* in, float* out, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, exp16(_mm512_loadu_ps(in + i)));
  if (i >= n) return;
  const __mmask16 tail = static_cast<__mmask16>((1u << (n - i)) - 1);
  _mm512_mask_storeu_ps(out + i, tail, exp16(_mm512_maskz_loadu_ps(tail, in + i)));
}

__attribute__((target("avx512f"))) double sum_exp_shifted_avx512(const float* x, int64_t n, float shift) {
  const __m512 s = _mm512_set1_ps(shift);
  __m512 sum = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) sum = _mm512_add_ps(sum, exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), s)));
  if (i < n) {
    const __mmask16 tail = static_cast<__mmask16>((1u << (n - i)) - 1);
    sum = _mm512_mask_add_ps(sum, tail, sum, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + i), s)));
  }
  return _mm512_reduce_add_ps(sum);
}

}  // namespace

void exp_run(const float* in, float* out, int64_t n) {
  if (cpu_has_avx512()) return exp_run_avx512(in, out, n);
  detail::exp_run_scalar(in, out, n);
}

double sum_exp_shifted(const float* x, int64_t n, float shift) {
  return cpu_has_avx512() ? sum_exp_shifted_avx512(x, n, shift) : detail::sum_exp_shifted_scalar(x, n, shift);
}

}  // namespace ember::kernels
