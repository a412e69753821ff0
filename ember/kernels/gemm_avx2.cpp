// AVX2 micro-kernels for the blocked GEMM: the rung for x86-64 CPUs without AVX-512 (Haswell to
// Zen 3). The only file compiled with -mavx2 -mfma, and only called after cpu_has_avx2() said yes
// (gemm.cpp). The kernel itself is gemm_tile.h's, over 256-bit vectors; packing is the portable
// one in gemm_blocked.cpp.
// Tile choice: 16 ymm registers. MR x NR = 6 x 16 floats (6 x 8 doubles) keeps 12 accumulators,
// 2 for the B row and 1 for the broadcast A value: 12 FMAs per k step against 2 loads and 6
// broadcasts, the shape BLIS uses on Haswell. Blocks: kc = 256 keeps the B sliver (256 x 16 x 4 B
// = 16 KiB) in a 32 KiB L1; the A block takes 9/64 of the L2 (144 rows, 144 KiB, on a 1 MiB L2).
// These are the textbook choices for such a core, not measured on one: this machine has AVX-512,
// where the AVX2 kernel runs (for the tests and the ladder) but is not what Auto picks.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ember/kernels/gemm_kernels.h"
#include "ember/kernels/gemm_tile.h"

namespace ember::kernels::detail {

namespace {

// AVX2 has no mask registers: a mask is a vector whose lanes are all ones (kept) or zeros.
template <class T> struct Vec;
template <> struct Vec<float> {
  using scalar = float;
  using type = __m256;
  static constexpr int64_t kLanes = 8;
  static type zero() { return _mm256_setzero_ps(); }
  static type load(const float* p) { return _mm256_loadu_ps(p); }
  static type set1(float v) { return _mm256_set1_ps(v); }
  static type fmadd(type a, type b, type c) { return _mm256_fmadd_ps(a, b, c); }
  static type mul(type a, type b) { return _mm256_mul_ps(a, b); }
  static void store(float* p, type v) { _mm256_storeu_ps(p, v); }
  using mask = __m256i;
  static mask first(int64_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(std::min<int64_t>(n, kLanes))),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static type load(mask m, const float* p) { return _mm256_maskload_ps(p, m); }
  static void store(float* p, mask m, type v) { _mm256_maskstore_ps(p, m, v); }
};
template <> struct Vec<double> {
  using scalar = double;
  using type = __m256d;
  static constexpr int64_t kLanes = 4;
  static type zero() { return _mm256_setzero_pd(); }
  static type load(const double* p) { return _mm256_loadu_pd(p); }
  static type set1(double v) { return _mm256_set1_pd(v); }
  static type fmadd(type a, type b, type c) { return _mm256_fmadd_pd(a, b, c); }
  static type mul(type a, type b) { return _mm256_mul_pd(a, b); }
  static void store(double* p, type v) { _mm256_storeu_pd(p, v); }
  using mask = __m256i;
  static mask first(int64_t n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(std::min<int64_t>(n, kLanes)), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  static type load(mask m, const double* p) { return _mm256_maskload_pd(p, m); }
  static void store(double* p, mask m, type v) { _mm256_maskstore_pd(p, m, v); }
};

}  // namespace

const std::vector<BlockedConfig<float>>& avx2_configs_f32() {
  static const std::vector<BlockedConfig<float>> configs = {tile_config<Vec<float>, 6, 2>(256, 9.0 / 64, 1.0)};
  return configs;
}
const std::vector<BlockedConfig<double>>& avx2_configs_f64() {
  static const std::vector<BlockedConfig<double>> configs = {tile_config<Vec<double>, 6, 2>(256, 9.0 / 32, 1.0)};
  return configs;
}

}  // namespace ember::kernels::detail
