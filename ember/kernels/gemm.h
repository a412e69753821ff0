// General matrix multiply, the kernel behind matmul, linear layers and their gradients.
//   C (M x N) = alpha * op(A) (M x K) @ op(B) (K x N) + beta * C,   all row-major.
// op(A) = A, element (m, k) at A[m*lda + k]    (trans_a false)
//       = A^T, element (m, k) at A[k*lda + m]  (trans_a true); the same for B with ldb.
// beta == 0 means C is write-only: it is never read, so it may hold garbage or NaN.
// Four kernels form the course's ladder and can be chosen at run time: the triple loop (the
// oracle and fallback), Goto-style blocking with a portable micro-kernel, and the same blocking
// with an AVX2 or an AVX-512 micro-kernel (Auto takes the widest the CPU has). How each product
// runs is decided by plan_gemm() (gemm_plan.h); the kernels' internals are in gemm_kernels.h.
#pragma once

#include <cstdint>

namespace ember::kernels {

enum class GemmKernel { Auto, Reference, Blocked, Avx2, Avx512 };

/// Which kernel gemm() uses. Auto picks the fastest the CPU supports, including an unpacked
/// path for small products (AVX-512 only); Reference, Blocked, Avx2 and Avx512 force one rung of
/// the ladder (for tests and `ember bench matmul`). A rung the CPU lacks runs the one below it.
void set_gemm_kernel(GemmKernel kernel);
GemmKernel gemm_kernel();
bool cpu_has_avx512();
bool cpu_has_avx2();  // AVX2 and FMA

void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, bool trans_a,
          const float* B, int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha = 1,
          float beta = 0);
void gemm(int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, bool trans_a,
          const double* B, int64_t ldb, bool trans_b, double* C, int64_t ldc, double alpha = 1,
          double beta = 0);

/// The triple loop, for every element type (integer matmul uses it too). Accumulates in T.
template <class T>
void gemm_reference(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, bool trans_a,
                    const T* B, int64_t ldb, bool trans_b, T* C, int64_t ldc, T alpha, T beta) {
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      T acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += (trans_a ? A[k * lda + m] : A[m * lda + k]) * (trans_b ? B[n * ldb + k] : B[k * ldb + n]);
      C[m * ldc + n] = beta == T(0) ? alpha * acc : alpha * acc + beta * C[m * ldc + n];
    }
}

}  // namespace ember::kernels
