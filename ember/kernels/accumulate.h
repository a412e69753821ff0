// out[i] += in[i] over contiguous runs: col2im's fold of a columns row onto its image plane.
// The library is compiled for baseline x86-64, where the compiler adds 4 floats at a time; the
// float32 version adds 16 with AVX-512 where the CPU has it.
#pragma once

#include <cstdint>

namespace ember::kernels {

void accumulate(float* out, const float* in, int64_t n);

inline void accumulate(double* out, const double* in, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] += in[i];
}

}  // namespace ember::kernels
