// The GEMM's kernels as gemm.cpp calls them once plan_gemm() has decided: the blocked driver
// with its tile configurations, the unpacked and dot-product paths for small products, and the
// transposing copy. Internal to ember::kernels.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ember/kernels/gemm_plan.h"

namespace ember::kernels::detail {

/// dst[j * ld_dst + i] = src[i * ld_src + j] + beta * dst[j * ld_dst + i] for i < rows, j < cols
/// (beta == 0: dst is only written), in 16 x 16 blocks so that the reads and the writes both stay
/// in cache. The unpacked path uses it to lay B^T out in rows, gemm() to copy C^T back into C.
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
using MicroKernel = void (*)(int64_t kc, const T* a, const T* b, T* C, int64_t ldc, T alpha, T beta, int64_t m,
                             int64_t n);

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
using PackA = void (*)(const MatrixRef<T>& A, int64_t i0, int64_t m, int64_t p0, int64_t kc, int64_t mr, T* out);
template <class T>
using PackB = void (*)(const MatrixRef<T>& B, int64_t p0, int64_t kc, int64_t j0, int64_t n, int64_t nr, T* out);

template <class T>
struct BlockedConfig {
  TileShape shape;
  MicroKernel<T> kernel;
  PackA<T> pack_a = nullptr;  // null: the portable packers of gemm_blocked.cpp
  PackB<T> pack_b = nullptr;
  MicroKernelInPlace<T> kernel_in_place = nullptr;     // null (shape.reads_in_place false): A is always packed
  MicroKernelBInPlace<T> kernel_b_in_place = nullptr;  // likewise B
};

/// C = alpha * op(A) op(B) + beta * C on the plan's tile and blocks; with GemmSplit::SharedB on
/// the plan's threads, else on the calling thread.
template <class T>
void gemm_blocked(const BlockedConfig<T>& cfg, const GemmPlan& plan, int64_t M, int64_t N, int64_t K,
                  const MatrixRef<T>& A, const MatrixRef<T>& B, const OutRef<T>& C, T alpha, T beta);

template <class T>
BlockedConfig<T> portable_config();  // gemm_blocked.cpp
// Defined in gemm_avx512.cpp, the only file compiled with AVX-512 enabled: its tile shapes for each type.
const std::vector<BlockedConfig<float>>& avx512_configs_f32();
const std::vector<BlockedConfig<double>>& avx512_configs_f64();
// Defined in gemm_avx2.cpp, compiled with AVX2 and FMA enabled: one 6 x 16 (6 x 8) tile each.
const std::vector<BlockedConfig<float>>& avx2_configs_f32();
const std::vector<BlockedConfig<double>>& avx2_configs_f64();
/// The unpacked paths for small products, on the calling thread (gemm_avx512.cpp): strips of C
/// from B's rows (any layout), and dot products (A by rows, B transposed).
void gemm_unpacked_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<float>& A, const MatrixRef<float>& B,
                          const OutRef<float>& C, float alpha, float beta);
void gemm_unpacked_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<double>& A, const MatrixRef<double>& B,
                          const OutRef<double>& C, double alpha, double beta);
void gemm_dots_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<float>& A, const MatrixRef<float>& B,
                      const OutRef<float>& C, float alpha, float beta);
void gemm_dots_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<double>& A, const MatrixRef<double>& B,
                      const OutRef<double>& C, double alpha, double beta);
/// Dot products over groups of 4 steps of K, for N <= 16 (A by rows, B transposed; floats only).
void gemm_grouped_dots_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<float>& A, const MatrixRef<float>& B,
                              const OutRef<float>& C, float alpha, float beta);

}  // namespace ember::kernels::detail
