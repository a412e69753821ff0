#include "ember/kernels/accumulate.h"

#include <immintrin.h>

#include "ember/kernels/gemm.h"

namespace ember::kernels {

namespace {

// Compiled for AVX-512 by its attribute alone; called only after cpu_has_avx512().
__attribute__((target("avx512f"))) void accumulate_avx512(float* out, const float* in, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(out + i, _mm512_add_ps(_mm512_loadu_ps(out + i), _mm512_loadu_ps(in + i)));
  if (i >= n) return;  // also n <= 0: an empty run
  const __mmask16 tail = static_cast<__mmask16>((1u << (n - i)) - 1);
  const __m512 sum = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, out + i), _mm512_maskz_loadu_ps(tail, in + i));
  _mm512_mask_storeu_ps(out + i, tail, sum);
}

}  // namespace

void accumulate(float* out, const float* in, int64_t n) {
  if (cpu_has_avx512()) return accumulate_avx512(out, in, n);
  for (int64_t i = 0; i < n; ++i) out[i] += in[i];
}

}  // namespace ember::kernels
