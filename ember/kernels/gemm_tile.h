// The blocked GEMM's micro-kernel, written once over a vector type V and compiled by each
// instruction-set file (gemm_avx512.cpp, gemm_avx2.cpp) with its own V and its own target flags.
// V is a file-local traits struct: the scalar type, the vector type and its lane count, and the
// loads, stores, broadcasts and FMAs, whole or masked to the first n lanes. Because V has internal
// linkage, every instantiation below belongs to the file that includes this header: the AVX-512
// kernels never stand in for the AVX2 ones at link time.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "ember/kernels/gemm_kernels.h"

namespace ember::kernels::detail {

// One R x (NV vectors) tile of C. A's value for row i at step k is a[i * a_row + k * a_step]: from
// a packed sliver of MR_A rows (a_row = 1, a_step = MR_A, known at compile time) or, with MR_A = 0,
// read in place (by rows: a_row = lda, a_step = 1; transposed: a_row = 1, a_step = lda). B's row
// for step k starts at b + k * b_step: a packed sliver (b_step = B_STEP = NR, known at compile
// time) or, with B_STEP = 0, a row of B read in place (b_step = ldb). (a_row stays a run-time
// value for transposed A: as a constant it made GCC spill a B vector, measured in
// bench/results/2026-12-04_gemm_plan.txt.)
template <class V, int64_t R, int64_t NV, int64_t MR_A, int64_t B_STEP, class T = typename V::scalar>
void micro_tile(int64_t kc, const T* a, int64_t a_row, int64_t a_step, const T* b, int64_t b_step, T* C, int64_t ldc,
                T alpha, T beta, int64_t m, int64_t n) {
  constexpr int64_t L = V::kLanes, NR = NV * L;
  if constexpr (MR_A > 0) a_row = 1, a_step = MR_A;
  if constexpr (B_STEP > 0) b_step = B_STEP;
  // C's tile is read and written only after the k loop; start fetching it now.
  for (int64_t i = 0; i < m; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(C + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(C + i * ldc + NR - 1), _MM_HINT_T0);
  }
  typename V::type acc[R][NV];
#pragma GCC unroll 16
  for (int64_t i = 0; i < R; ++i)
    for (int64_t v = 0; v < NV; ++v) acc[i][v] = V::zero();
  for (int64_t k = 0; k < kc; ++k, a += a_step, b += b_step) {
    // A read in place and transposed (the fc layer's weight gradient x^T @ g) takes each step's
    // values from a new row of A, lda apart: they are fetched 32 steps ahead, the first and the
    // last of the R values, which lie on two cache lines whenever the sliver straddles one
    // (bench/results/2026-12-04_gemm_plan.txt, 2026-12-06_intel_guest_l3.txt).
    if constexpr (MR_A == 0) {
      _mm_prefetch(reinterpret_cast<const char*>(a + 32 * a_step), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(a + 32 * a_step + (R - 1) * a_row), _MM_HINT_T0);
    }
    typename V::type bv[NV];
    for (int64_t v = 0; v < NV; ++v) bv[v] = V::load(b + v * L);
#pragma GCC unroll 16
    for (int64_t i = 0; i < R; ++i) {
      const auto ai = V::set1(a[i * a_row]);
      for (int64_t v = 0; v < NV; ++v) acc[i][v] = V::fmadd(ai, bv[v], acc[i][v]);
    }
  }
  const auto va = V::set1(alpha), vb = V::set1(beta);
  if (m == R && n == NR) {  // full tile: straight to C
#pragma GCC unroll 16
    for (int64_t i = 0; i < R; ++i)
      for (int64_t v = 0; v < NV; ++v) {
        T* c = C + i * ldc + v * L;
        V::store(c, beta == T(0) ? V::mul(acc[i][v], va) : V::fmadd(acc[i][v], va, V::mul(V::load(c), vb)));
      }
    return;
  }
  // Edge tile: masked stores of the valid corner.
  for (int64_t i = 0; i < m; ++i)
    for (int64_t v = 0; v < NV && v * L < n; ++v) {
      const auto mask = V::first(n - v * L);
      T* c = C + i * ldc + v * L;
      V::store(c, mask, beta == T(0) ? V::mul(acc[i][v], va) : V::fmadd(acc[i][v], va, V::mul(V::load(mask, c), vb)));
    }
}

// An MR x NR tile from a packed A sliver and B's sliver (packed: B_STEP = NR; in place: B_STEP = 0).
// A tile on the edge of C with at most 8 (or 4) valid rows, or one vector of valid columns, runs a
// smaller kernel over the same slivers instead of multiplying their zero padding: 100 x 784 x 64
// (100 = 8 x 12 + 4 rows, 784 = 24 x 32 + 16 columns) then computes 1% padding instead of 9.5%
// (bench/results/2026-12-04_gemm_plan.txt).
template <class V, int64_t MR, int64_t NV, int64_t B_STEP, int64_t R, class T = typename V::scalar>
void tile_rows(int64_t kc, const T* a, const T* b, int64_t b_step, T* C, int64_t ldc, T alpha, T beta, int64_t m,
               int64_t n) {
  if constexpr (NV == 2)
    if (n <= V::kLanes) return micro_tile<V, R, 1, MR, B_STEP>(kc, a, 1, MR, b, b_step, C, ldc, alpha, beta, m, n);
  micro_tile<V, R, NV, MR, B_STEP>(kc, a, 1, MR, b, b_step, C, ldc, alpha, beta, m, n);
}

template <class V, int64_t MR, int64_t NV, int64_t B_STEP, class T = typename V::scalar>
void tile_packed_a(int64_t kc, const T* a, const T* b, int64_t b_step, T* C, int64_t ldc, T alpha, T beta, int64_t m,
                   int64_t n) {
  if constexpr (MR > 4)
    if (m <= 4) return tile_rows<V, MR, NV, B_STEP, 4>(kc, a, b, b_step, C, ldc, alpha, beta, m, n);
  if constexpr (MR > 8)
    if (m <= 8) return tile_rows<V, MR, NV, B_STEP, 8>(kc, a, b, b_step, C, ldc, alpha, beta, m, n);
  tile_rows<V, MR, NV, B_STEP, MR>(kc, a, b, b_step, C, ldc, alpha, beta, m, n);
}

template <class V, int64_t MR, int64_t NV, class T = typename V::scalar>
void micro_packed(int64_t kc, const T* a, const T* b, T* C, int64_t ldc, T alpha, T beta, int64_t m, int64_t n) {
  constexpr int64_t NR = NV * V::kLanes;
  tile_packed_a<V, MR, NV, NR>(kc, a, b, NR, C, ldc, alpha, beta, m, n);
}

template <class V, int64_t MR, int64_t NV, class T = typename V::scalar>
void micro_b_in_place(int64_t kc, const T* a, const T* b, int64_t ldb, T* C, int64_t ldc, T alpha, T beta,
                      int64_t m) {
  tile_packed_a<V, MR, NV, 0>(kc, a, b, ldb, C, ldc, alpha, beta, m, NV * V::kLanes);
}

template <class V, int64_t MR, int64_t NV, class T = typename V::scalar>
void micro_in_place(int64_t kc, const T* a, int64_t a_row, int64_t a_step, const T* b, T* C, int64_t ldc, T alpha,
                    T beta, int64_t n) {
  constexpr int64_t NR = NV * V::kLanes;
  micro_tile<V, MR, NV, 0, NR>(kc, a, a_row, a_step, b, NR, C, ldc, alpha, beta, MR, n);
}

// An MR x (NV vectors) tile's kernels, with its K block, its A block's share of the L2 and its
// speed relative to the fastest tile (TileShape).
template <class V, int64_t MR, int64_t NV, class T = typename V::scalar>
BlockedConfig<T> tile_config(int64_t kc, double a_block_l2_share, double speed, PackA<T> pack_a = nullptr,
                             PackB<T> pack_b = nullptr) {
  return {{MR, NV * V::kLanes, speed, kc, a_block_l2_share, true}, &micro_packed<V, MR, NV>, pack_a, pack_b,
          &micro_in_place<V, MR, NV>, &micro_b_in_place<V, MR, NV>};
}

}  // namespace ember::kernels::detail
