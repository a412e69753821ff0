// e^x over contiguous runs: the exponentials of log-softmax and of cross-entropy's backward. The
// library is compiled for baseline x86-64, where each std::exp is a call (about 18 cycles); the
// float32 versions take 16 lanes at a time with AVX-512 where the CPU has it, within 2 ulp of
// the correctly rounded result (tests/kernels/exp_test.cpp), as PyTorch's vectorised exp is
// within 1-2. Elsewhere, and for double, std::exp one value at a time (the loops below).
#pragma once

#include <cmath>
#include <cstdint>

namespace ember::kernels {

/// out[i] = e^in[i] for i < n (out may be in).
void exp_run(const float* in, float* out, int64_t n);
/// sum over i < n of e^(x[i] - shift): log-softmax's normaliser, for a line whose max is shift.
double sum_exp_shifted(const float* x, int64_t n, float shift);

namespace detail {
template <class T>
void exp_run_scalar(const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = std::exp(in[i]);
}
template <class T>
double sum_exp_shifted_scalar(const T* x, int64_t n, T shift) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += std::exp(x[i] - shift);
  return sum;
}
}  // namespace detail

inline void exp_run(const double* in, double* out, int64_t n) { detail::exp_run_scalar(in, out, n); }
inline double sum_exp_shifted(const double* x, int64_t n, double shift) {
  return detail::sum_exp_shifted_scalar(x, n, shift);
}

}  // namespace ember::kernels
