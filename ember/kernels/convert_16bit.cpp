#include "ember/kernels/convert_16bit.h"

#include "ember/core/parallel.h"
#include "ember/kernels/gemm.h"

namespace ember::kernels {

namespace {

// Runs vector(in, out, count) on the whole multiples of 16 where the CPU has AVX-512 and
// scalar(value) on the rest, split across threads for long arrays.
template <class In, class Out, class Vector, class Scalar>
void convert(const In* in, Out* out, int64_t n, Vector vector, Scalar scalar) {
  parallel_for(0, n, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
    int64_t i = lo;
    if (cpu_has_avx512()) {
      const int64_t whole = (hi - lo) / 16 * 16;
      vector(in + lo, out + lo, whole);
      i += whole;
    }
    for (; i < hi; ++i) out[i] = scalar(in[i]);
  });
}

}  // namespace

void to_bfloat16(const float* in, BFloat16* out, int64_t n) {
  convert(in, out, n, detail::to_bfloat16_avx512, [](float v) { return BFloat16(v); });
}

void to_half(const float* in, Half* out, int64_t n) {
  convert(in, out, n, detail::to_half_avx512, [](float v) { return Half(v); });
}

void from_bfloat16(const BFloat16* in, float* out, int64_t n) {
  convert(in, out, n, detail::from_bfloat16_avx512, [](BFloat16 v) { return static_cast<float>(v); });
}

void from_half(const Half* in, float* out, int64_t n) {
  convert(in, out, n, detail::from_half_avx512, [](Half v) { return static_cast<float>(v); });
}

}  // namespace ember::kernels
