// The AMX peak of one core: four independent tdpbf16ps chains (tiles 0-3) over 16 x 32 by 32 x 16
// bfloat16 tiles, 16,384 flops each, no memory traffic. Compiled with -mamx-tile -mamx-bf16; only
// called after cpu_has_amx_bf16() (which also asked the kernel for the tile state).
#include <immintrin.h>

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "ember/kernels/gemm_bf16.h"

namespace ember::bench {

double measured_amx_peak_gflops() {
  kernels::detail::configure_amx_tiles();  // the kernel's own tile shapes: 16 rows of 64 bytes
  alignas(64) static uint16_t ones[16 * 32];
  for (auto& x : ones) x = 0x3F80;  // 1.0
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  _tile_loadd(4, ones, 64);
  _tile_loadd(5, ones, 64);
  _tile_loadd(6, ones, 64);
  _tile_loadd(7, ones, 64);
  constexpr long kIters = 2000000;
  const auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < kIters; ++k) {
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  alignas(64) static float out[16 * 16];
  _tile_stored(0, out, 64);
  benchmark::DoNotOptimize(out[0]);
  return kIters * 4.0 * 16 * 16 * 32 * 2 / seconds / 1e9;
}

}  // namespace ember::bench
