// General matrix multiply, the kernel behind matmul, linear layers and their gradients.
//   C (M x N) = alpha * op(A) (M x K) @ op(B) (K x N) + beta * C,   all row-major.
// op(A) = A, element (m, k) at A[m*lda + k]    (trans_a false)
//       = A^T, element (m, k) at A[k*lda + m]  (trans_a true); the same for B with ldb.
// beta == 0 means C is write-only: it is never read, so it may hold garbage or NaN.
// Four kernels form the course's ladder and can be chosen at run time: the triple loop (the
// oracle and fallback), Goto-style blocking with a portable micro-kernel, and the same blocking
// with an AVX2 or an AVX-512 micro-kernel (Auto takes the widest the CPU has).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

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

namespace detail {
/// dst[j * ld_dst + i] = src[i * ld_src + j] + beta * dst[j * ld_dst + i] for i < rows, j < cols
/// (beta == 0: dst is only written), in 16 x 16 blocks so that the reads and the writes both stay
/// in cache. The small path uses it to lay B^T out in rows, gemm() to copy C^T back into C.
template <class T>
void transpose_into(int64_t rows, int64_t cols, const T* src, int64_t ld_src, T* dst, int64_t ld_dst, T beta = 0) {
  constexpr int64_t kBlock = 16;
  for (int64_t i0 = 0; i0 < rows; i0 += kBlock)
    for (int64_t j0 = 0; j0 < cols; j0 += kBlock)
      for (int64_t i = i0; i < std::min(rows, i0 + kBlock); ++i)
        for (int64_t j = j0; j < std::min(cols, j0 + kBlock); ++j) {
          T& d = dst[j * ld_dst + i];
          d = beta == T(0) ? src[i * ld_src + j] : src[i * ld_src + j] + beta * d;
        }
}

/// A micro-kernel computes one MR x NR tile from packed panels: a holds kc columns of MR values,
/// b holds kc rows of NR values. It writes the top-left m x n corner of the tile to C.
template <class T>
using MicroKernel = void (*)(int64_t kc, const T* a, const T* b, T* C, int64_t ldc, T alpha, T beta,
                             int64_t m, int64_t n);

/// The same tile with A read where it lies: A's value for tile row i at step k is
/// a[i * a_row + k * a_step]. Only for full tiles (all MR rows exist); n may be short.
template <class T>
using MicroKernelInPlace = void (*)(int64_t kc, const T* a, int64_t a_row, int64_t a_step, const T* b, T* C,
                                    int64_t ldc, T alpha, T beta, int64_t n);

/// The same tile with B's rows read where they lie (B not transposed): B's row for step k starts
/// at b + k * ldb. Only for full tiles' width (all NR columns exist); m may be short.
template <class T>
using MicroKernelBInPlace = void (*)(int64_t kc, const T* a, const T* b, int64_t ldb, T* C, int64_t ldc, T alpha,
                                     T beta, int64_t m);

/// Packers lay out op(A) rows [i0, i0+m) x cols [p0, p0+kc) as kc groups of mr values, and
/// op(B) rows [p0, p0+kc) x cols [j0, j0+n) as kc rows of nr values, zero-padded.
template <class T>
using PackA = void (*)(const T* A, int64_t lda, bool trans_a, int64_t i0, int64_t m, int64_t p0, int64_t kc,
                       int64_t mr, T* out);
template <class T>
using PackB = void (*)(const T* B, int64_t ldb, bool trans_b, int64_t p0, int64_t kc, int64_t j0, int64_t n,
                       int64_t nr, T* out);

template <class T>
struct BlockedConfig {
  int64_t mr, nr;      // micro-tile
  int64_t mc, kc, nc;  // cache blocks
  MicroKernel<T> kernel;
  PackA<T> pack_a = nullptr;  // null: the portable packers of gemm_blocked.cpp
  PackB<T> pack_b = nullptr;
  MicroKernelInPlace<T> kernel_in_place = nullptr;  // null: A is always packed
  double speed = 1;  // multiply-adds per cycle relative to the fastest tile, on full tiles
  MicroKernelBInPlace<T> kernel_b_in_place = nullptr;  // null: B is always packed
};

template <class T>
void gemm_blocked(const BlockedConfig<T>& cfg, int64_t M, int64_t N, int64_t K, const T* A,
                  int64_t lda, bool trans_a, const T* B, int64_t ldb, bool trans_b, T* C,
                  int64_t ldc, T alpha, T beta);

template <class T>
BlockedConfig<T> portable_config();  // gemm_blocked.cpp
// Defined in gemm_avx512.cpp, the only file compiled with AVX-512 enabled.
/// The AVX-512 tile shapes for each type; gemm.cpp takes the one that computes the least padding
/// for the product's shape, weighted by its speed.
const std::vector<BlockedConfig<float>>& avx512_configs_f32();
const std::vector<BlockedConfig<double>>& avx512_configs_f64();
// Defined in gemm_avx2.cpp, compiled with AVX2 and FMA enabled: one 6 x 16 (6 x 8) tile each.
const std::vector<BlockedConfig<float>>& avx2_configs_f32();
const std::vector<BlockedConfig<double>>& avx2_configs_f64();
/// The unpacked path for small products (every layout).
void gemm_small_avx512(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, bool trans_a, const float* B,
                       int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha, float beta);
void gemm_small_avx512(int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, bool trans_a, const double* B,
                       int64_t ldb, bool trans_b, double* C, int64_t ldc, double alpha, double beta);
}  // namespace detail

}  // namespace ember::kernels
