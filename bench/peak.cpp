// The measured FMA peak of one core: 24 independent AVX-512 FMA chains, no memory traffic. GEMM
// benchmarks report their speed as a percentage of it. Compiled with -mavx512f; only called
// after the CPU check.
#include <immintrin.h>

#include <benchmark/benchmark.h>

#include <chrono>

#include "ember/kernels/gemm_bf16.h"

namespace ember::bench {

double measured_peak_gflops() {
  __m512 acc[24];
  for (int i = 0; i < 24; ++i) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.9999f), b = _mm512_set1_ps(0.0001f);
  constexpr long kIters = 20000000;
  const auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < kIters; ++k) {
#pragma GCC unroll 24
    for (int i = 0; i < 24; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  float sink = 0;
  for (int i = 0; i < 24; ++i) sink += _mm512_reduce_add_ps(acc[i]);
  benchmark::DoNotOptimize(sink);
  return kIters * 24.0 * 32.0 / seconds / 1e9;  // 16 lanes x 2 flops per FMA
}

}  // namespace ember::bench

namespace ember::bench {

// The same for vdpbf16ps: 24 independent chains of bfloat16 pair dot products, 64 flops each
// (16 lanes x 2 products x multiply-add). Only called after cpu_has_avx512_bf16().
double measured_bf16_peak_gflops() {
  __m512 acc[24];
  for (int i = 0; i < 24; ++i) acc[i] = _mm512_setzero_ps();
  const __m512bh a = (__m512bh)_mm512_set1_epi32(0x3F803F80), b = (__m512bh)_mm512_set1_epi32(0x3A803A80);
  constexpr long kIters = 20000000;
  const auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < kIters; ++k) {
#pragma GCC unroll 24
    for (int i = 0; i < 24; ++i) acc[i] = _mm512_dpbf16_ps(acc[i], a, b);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  float sink = 0;
  for (int i = 0; i < 24; ++i) sink += _mm512_reduce_add_ps(acc[i]);
  benchmark::DoNotOptimize(sink);
  return kIters * 24.0 * 64.0 / seconds / 1e9;
}

double measured_amx_peak_gflops();  // peak_amx.cpp

// What pct_peak measures bfloat16 products against: AMX's peak where gemm_bf16 runs on AMX
// tiles, vdpbf16ps's elsewhere (0 without either).
double bf16_peak_gflops() {
  static const double peak = kernels::cpu_has_amx_bf16()      ? measured_amx_peak_gflops()
                             : kernels::cpu_has_avx512_bf16() ? measured_bf16_peak_gflops()
                                                              : 0;
  return peak;
}

}  // namespace ember::bench
