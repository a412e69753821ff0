// AVX-512 micro-kernels for the blocked GEMM; the only file compiled with -mavx512f -mfma, and
// only called after cpu_has_avx512() said yes (gemm.cpp).
// Tile choice: MR x NR = 12 x 32 floats (12 x 16 doubles) keeps 24 accumulator registers of the
// 32 zmm registers busy, plus 2 for the B row and 1 for the broadcast A value. Each k step does
// 24 FMAs against 2 loads and 12 broadcasts, enough independent FMAs to cover the FMA latency on
// both FMA ports (Zen 4/5 and Skylake-X have two 512-bit FMA pipes with 4-cycle latency).
// Blocks: kc = 256 keeps the B sliver (256 x 32 x 4 B = 32 KiB) in L1 across the ir loop;
// mc = 144 keeps the A block (144 x 256 x 4 B = 144 KiB) in a 1 MiB L2; nc = 3072 keeps the B block
// (3 MiB) in L3.
#include <immintrin.h>

#include <cstdint>

#include "ember/kernels/gemm.h"

namespace ember::kernels::detail {

namespace {

template <class T> struct Vec;
template <> struct Vec<float> {
  using type = __m512;
  static constexpr int64_t kLanes = 16;
  static type zero() { return _mm512_setzero_ps(); }
  static type load(const float* p) { return _mm512_loadu_ps(p); }
  static type set1(float v) { return _mm512_set1_ps(v); }
  static type fmadd(type a, type b, type c) { return _mm512_fmadd_ps(a, b, c); }
  static type mul(type a, type b) { return _mm512_mul_ps(a, b); }
  static void store(float* p, type v) { _mm512_storeu_ps(p, v); }
};
template <> struct Vec<double> {
  using type = __m512d;
  static constexpr int64_t kLanes = 8;
  static type zero() { return _mm512_setzero_pd(); }
  static type load(const double* p) { return _mm512_loadu_pd(p); }
  static type set1(double v) { return _mm512_set1_pd(v); }
  static type fmadd(type a, type b, type c) { return _mm512_fmadd_pd(a, b, c); }
  static type mul(type a, type b) { return _mm512_mul_pd(a, b); }
  static void store(double* p, type v) { _mm512_storeu_pd(p, v); }
};

constexpr int64_t kMR = 12;

template <class T>
void micro_avx512(int64_t kc, const T* a, const T* b, T* C, int64_t ldc, T alpha, T beta,
                  int64_t m, int64_t n) {
  using V = Vec<T>;
  constexpr int64_t L = V::kLanes, NR = 2 * L;
  typename V::type acc[kMR][2];
#pragma GCC unroll 12
  for (int64_t i = 0; i < kMR; ++i) acc[i][0] = acc[i][1] = V::zero();
  for (int64_t k = 0; k < kc; ++k, a += kMR, b += NR) {
    const auto b0 = V::load(b), b1 = V::load(b + L);
#pragma GCC unroll 12
    for (int64_t i = 0; i < kMR; ++i) {
      const auto ai = V::set1(a[i]);
      acc[i][0] = V::fmadd(ai, b0, acc[i][0]);
      acc[i][1] = V::fmadd(ai, b1, acc[i][1]);
    }
  }
  const auto va = V::set1(alpha), vb = V::set1(beta);
  if (m == kMR && n == NR) {  // full tile: straight to C
#pragma GCC unroll 12
    for (int64_t i = 0; i < kMR; ++i) {
      T* c = C + i * ldc;
      if (beta == T(0)) {
        V::store(c, V::mul(acc[i][0], va));
        V::store(c + L, V::mul(acc[i][1], va));
      } else {
        V::store(c, V::fmadd(acc[i][0], va, V::mul(V::load(c), vb)));
        V::store(c + L, V::fmadd(acc[i][1], va, V::mul(V::load(c + L), vb)));
      }
    }
    return;
  }
  // Edge tile: spill the tile, copy the valid corner.
  alignas(64) T tile[kMR][NR];
  for (int64_t i = 0; i < kMR; ++i) {
    V::store(tile[i], acc[i][0]);
    V::store(tile[i] + L, acc[i][1]);
  }
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      C[i * ldc + j] = beta == T(0) ? alpha * tile[i][j] : alpha * tile[i][j] + beta * C[i * ldc + j];
}

}  // namespace

BlockedConfig<float> avx512_config_f32() { return {kMR, 32, 144, 256, 3072, &micro_avx512<float>}; }
BlockedConfig<double> avx512_config_f64() { return {kMR, 16, 144, 256, 3072, &micro_avx512<double>}; }

}  // namespace ember::kernels::detail
