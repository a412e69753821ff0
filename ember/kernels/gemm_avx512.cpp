// AVX-512 kernels for the GEMM: gemm_tile.h's micro-kernel over 512-bit vectors, packers that
// transpose in registers, and the unpacked paths for small products. The only file compiled with
// -mavx512f -mfma, and only called after cpu_has_avx512() said yes (gemm.cpp).
// Tile choice: MR x NR = 12 x 32 floats (12 x 16 doubles) keeps 24 accumulator registers of the
// 32 zmm registers busy, plus 2 for the B row and 1 for the broadcast A value. Each k step does
// 24 independent FMAs against 2 loads and 12 broadcasts: far more chains than the FMA latency
// needs (on this machine 4 independent chains already reach the measured peak, 3.66 G zmm FMAs
// per second per core) and few loads per FMA. A 16 x 16 tile (16 accumulators) serves products
// whose N wastes too much of a 32-wide tile.
// Blocks for 12 x 32: kc = 1024, so that K up to 1024 is one block and C is written once (each
// K block is another pass that reads and writes all of C). The B sliver (1024 x 32 x 4 B =
// 128 KiB) then lives in L2, not L1, beside the A block (9/16 of the L2: 144 rows on 1 MiB), and
// the kernel reads 176 bytes from L2 per 24 FMAs; the measurements say that costs less than the
// extra passes over C. The 16 x 16 tile serves narrow products and keeps kc = 256. Both choices'
// measurements: bench/results/2026-12-04_gemm_plan.txt.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <type_traits>
#include <vector>

#include "ember/kernels/gemm_kernels.h"
#include "ember/kernels/gemm_tile.h"

namespace ember::kernels::detail {

namespace {

template <class T> struct Vec;
template <> struct Vec<float> {
  using scalar = float;
  using type = __m512;
  static constexpr int64_t kLanes = 16;
  static type zero() { return _mm512_setzero_ps(); }
  static type load(const float* p) { return _mm512_loadu_ps(p); }
  static type set1(float v) { return _mm512_set1_ps(v); }
  static type fmadd(type a, type b, type c) { return _mm512_fmadd_ps(a, b, c); }
  static type mul(type a, type b) { return _mm512_mul_ps(a, b); }
  static void store(float* p, type v) { _mm512_storeu_ps(p, v); }
  using mask = __mmask16;
  static mask first(int64_t n) { return static_cast<mask>(n >= 16 ? 0xFFFF : (1u << n) - 1); }
  static type load(mask m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(float* p, mask m, type v) { _mm512_mask_storeu_ps(p, m, v); }
};
template <> struct Vec<double> {
  using scalar = double;
  using type = __m512d;
  static constexpr int64_t kLanes = 8;
  static type zero() { return _mm512_setzero_pd(); }
  static type load(const double* p) { return _mm512_loadu_pd(p); }
  static type set1(double v) { return _mm512_set1_pd(v); }
  static type fmadd(type a, type b, type c) { return _mm512_fmadd_pd(a, b, c); }
  static type mul(type a, type b) { return _mm512_mul_pd(a, b); }
  static void store(double* p, type v) { _mm512_storeu_pd(p, v); }
  using mask = __mmask8;
  static mask first(int64_t n) { return static_cast<mask>(n >= 8 ? 0xFF : (1u << n) - 1); }
  static type load(mask m, const double* p) { return _mm512_maskz_loadu_pd(m, p); }
  static void store(double* p, mask m, type v) { _mm512_mask_storeu_pd(p, m, v); }
};

// Packing float operands that must be transposed on the way (A not transposed: its rows are
// along k; B transposed: likewise) one element at a time costs about as much as the product for
// tall or skinny shapes. Instead, 16 x 16 blocks are loaded as 16 vectors, transposed in
// registers (4 shuffle stages, 64 shuffles per 256 floats) and stored as 16 vectors.
void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {
    r[4 * i + 0] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i + 0], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 2; ++i)
    for (int c = 0; c < 4; ++c) {
      t[8 * i + c] = _mm512_shuffle_f32x4(r[8 * i + c], r[8 * i + 4 + c], 0x88);
      t[8 * i + 4 + c] = _mm512_shuffle_f32x4(r[8 * i + c], r[8 * i + 4 + c], 0xDD);
    }
  for (int c = 0; c < 8; ++c) {
    r[c] = _mm512_shuffle_f32x4(t[c], t[8 + c], 0x88);
    r[8 + c] = _mm512_shuffle_f32x4(t[c], t[8 + c], 0xDD);
  }
}

// dst[c * dst_ld + r] = src[r * ld + c] for r < rows, c < cols (both <= 16); rows up to
// rows_out (<= 16) are written as zeros. Masked loads never touch memory past the block.
void transpose_block(const float* src, int64_t ld, int64_t rows, int64_t cols, float* dst, int64_t dst_ld,
                     int64_t rows_out) {
  using V = Vec<float>;
  __m512 r[16];
  const auto cmask = V::first(cols);
  // Plain loads for whole rows: masked loads are slower on Zen 5 (see dot_tile).
  for (int64_t i = 0; i < 16; ++i)
    r[i] = i >= rows ? V::zero() : cols == 16 ? V::load(src + i * ld) : V::load(cmask, src + i * ld);
  transpose16(r);
  const auto omask = V::first(rows_out);
  for (int64_t c = 0; c < cols; ++c) V::store(dst + c * dst_ld, omask, r[c]);
}

// Small products (the training step's output layer, the course's 5 x 784 @ 784 x 10) spend more
// time packing than multiplying, so they run unpacked, on tiles of R rows x NV vectors of C (the
// last vector masked to the columns that exist): B's rows are read in place, A's elements are
// broadcast; A's value for tile row r at step k is a[r * a_row + k * a_step], as in micro_tile.
template <class T, int R, int NV, bool kMaskedLoads>
void small_tile(int64_t K, const T* a, int64_t a_row, int64_t a_step, const T* b, int64_t ldb, T* C, int64_t ldc,
                int64_t n, T alpha, T beta) {
  using V = Vec<T>;
  typename V::mask mask[NV];
  typename V::type acc[R][NV];
  for (int v = 0; v < NV; ++v) mask[v] = V::first(n - v * V::kLanes);
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = V::zero();
  for (int64_t k = 0; k < K; ++k, a += a_step, b += ldb) {
    typename V::type bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = kMaskedLoads ? V::load(mask[v], b + v * V::kLanes) : V::load(b + v * V::kLanes);
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      const auto ar = V::set1(a[r * a_row]);
      for (int v = 0; v < NV; ++v) acc[r][v] = V::fmadd(ar, bv[v], acc[r][v]);
    }
  }
  const auto va = V::set1(alpha), vb = V::set1(beta);
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v) {
      T* c = C + r * ldc + v * V::kLanes;
      const auto scaled = V::mul(acc[r][v], va);
      V::store(c, mask[v], beta == T(0) ? scaled : V::fmadd(V::load(mask[v], c), vb, scaled));
    }
}

template <class T>
using SmallTile = void (*)(int64_t, const T*, int64_t, int64_t, const T*, int64_t, T*, int64_t, int64_t, T, T);
// The most rows of a tile NV vectors wide: 12 x 2 vectors keep 24 accumulators, 2 B vectors and
// 1 broadcast in the 32 registers; so do 6 x 4.
constexpr int max_tile_rows(int nv) { return nv == 4 ? 6 : 12; }
template <class T, int NV, bool kMasked, int... R>
constexpr std::array<SmallTile<T>, sizeof...(R)> small_tiles(std::integer_sequence<int, R...>) {
  return {&small_tile<T, R + 1, NV, kMasked>...};
}
template <class T, int NV, bool kMasked>
constexpr auto kSmallTiles = small_tiles<T, NV, kMasked>(std::make_integer_sequence<int, max_tile_rows(NV)>{});

// All M rows for one strip of NV vectors, in as few tiles as hold at most 12 (or 6) rows, of equal
// heights, so that every row of a tile shares each load of B and no tile is left with a row or
// two (whose few accumulators wait on the FMA latency): 10 x 100 x 64 runs one 10-row tile
// instead of 8 + 2 rows (bench/results/2026-12-04_gemm_plan.txt). B's rows are read with masked
// loads only where a row ends inside the strip's last vector and nothing lies beyond it (masked
// loads are slower on Zen 5: see dot_tile).
template <class T, int NV>
void small_strip(int64_t M, int64_t K, const T* a, int64_t a_row, int64_t a_step, const T* b, int64_t ldb, T* C,
                 int64_t ldc, int64_t n, T alpha, T beta, bool masked_loads) {
  const auto& tiles = masked_loads ? kSmallTiles<T, NV, true> : kSmallTiles<T, NV, false>;
  const int64_t count = (M + max_tile_rows(NV) - 1) / max_tile_rows(NV);
  for (int64_t t = 0; t < count; ++t) {
    const int64_t i = M * t / count, rows = M * (t + 1) / count - i;
    tiles[static_cast<size_t>(rows - 1)](K, a + i * a_row, a_row, a_step, b, ldb, C + i * ldc, ldc, n, alpha, beta);
  }
}

// C(i, j) as dot products of contiguous rows of length K (A by rows, B transposed), R rows of A
// by RB rows of B at a time: R * RB accumulators take 16 values of K per step from R + RB loads.
// The best use of the lanes when C is small and K long (a convolution's weight gradient: 6 x 25
// outputs summed over 784 pixels per image), where packing or transposing costs more than the
// product.
template <class T, int R, int RB>
void dot_tile(int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb, T* C, int64_t ldc, T alpha, T beta) {
  using V = Vec<T>;
  typename V::type acc[R][RB];
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < RB; ++j) acc[i][j] = V::zero();
  // Plain loads for whole vectors and masked ones only for K's tail: masked loads throughout made
  // this loop 1.7x slower on Zen 5 (bench/results/2026-12-04_gemm_plan.txt).
  auto step = [&](int64_t k, auto load) {
    typename V::type a[R], b[RB];
    for (int i = 0; i < R; ++i) a[i] = load(A + i * lda + k);
    for (int j = 0; j < RB; ++j) b[j] = load(B + j * ldb + k);
    for (int i = 0; i < R; ++i)
      for (int j = 0; j < RB; ++j) acc[i][j] = V::fmadd(a[i], b[j], acc[i][j]);
  };
  int64_t k = 0;
  for (; k + V::kLanes <= K; k += V::kLanes) step(k, [](const T* p) { return V::load(p); });
  if (k < K) {
    const auto m = V::first(K - k);
    step(k, [m](const T* p) { return V::load(m, p); });
  }
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < RB; ++j) {
      T sum;
      if constexpr (std::is_same_v<T, float>) sum = _mm512_reduce_add_ps(acc[i][j]);
      else sum = _mm512_reduce_add_pd(acc[i][j]);
      T& c = C[i * ldc + j];
      c = beta == T(0) ? alpha * sum : alpha * sum + beta * c;
    }
}

template <class T>
using DotTile = void (*)(int64_t, const T*, int64_t, const T*, int64_t, T*, int64_t, T, T);
template <class T, int R>
constexpr DotTile<T> kDotTiles[4] = {&dot_tile<T, R, 1>, &dot_tile<T, R, 2>, &dot_tile<T, R, 3>, &dot_tile<T, R, 4>};

// C as dot products, in 4 x 4 tiles; a tile on the edge takes as many rows and columns as remain
// (4 x 1 for the last of 25 columns keeps 4 independent sums, which one column at a time would not).
template <class T>
void small_dots(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb, T* C, int64_t ldc,
                T alpha, T beta) {
  constexpr int64_t kR = 4;
  static constexpr const DotTile<T>* tiles[kR] = {kDotTiles<T, 1>, kDotTiles<T, 2>, kDotTiles<T, 3>, kDotTiles<T, 4>};
  for (int64_t i = 0; i < M; i += kR)
    for (int64_t j = 0; j < N; j += kR)
      tiles[std::min(kR, M - i) - 1][std::min(kR, N - j) - 1](K, A + i * lda, lda, B + j * ldb, ldb,
                                                               C + i * ldc + j, ldc, alpha, beta);
}

// Narrow outputs (N <= 16) with A by rows and B transposed, such as the output layer's
// h @ W2^T (64 x 10 x 100): the strips would broadcast one value of A per FMA, filling 10 of 16
// lanes. Here each step takes 4 consecutive values of K instead: a row of A's 4 values broadcast
// to every 128-bit lane, against B packed so that lane group c of vector v holds those 4 steps of
// column 4v + c. An FMA then advances 4 columns by 4 steps, and each output's 4 partial sums are
// added at the end (bench/results/2026-12-04_gemm_plan.txt: grouped dots). R rows x V vectors.
template <int R, int V>
void grouped_tile(int64_t K, const float* a, int64_t lda, const float* bq, float* C, int64_t ldc, int64_t N,
                  float alpha, float beta) {
  __m512 acc[R][V];
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) acc[r][v] = _mm512_setzero_ps();
  auto step = [&](int64_t q, __mmask16 mask, bool whole) {
    __m512 bv[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) bv[v] = _mm512_loadu_ps(bq + 16 * (V * q + v));
#pragma GCC unroll 12
    for (int r = 0; r < R; ++r) {
      const float* p = a + r * lda + 4 * q;
      const __m128 four = whole ? _mm_loadu_ps(p) : _mm512_castps512_ps128(_mm512_maskz_loadu_ps(mask, p));
      const __m512 ar = _mm512_broadcast_f32x4(four);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  };
  const int64_t whole = K / 4;
  for (int64_t q = 0; q < whole; ++q) step(q, 0xF, true);
  if (K % 4) step(whole, static_cast<__mmask16>((1u << (K % 4)) - 1), false);
  // Each row's V accumulators (padded to 4 with zeros) reduced at once: lane group c of vector v
  // holds column 4v + c's 4 partial sums; two rounds of unpack/shuffle-and-add leave, in lane
  // group c, columns c, 4 + c, 8 + c and 12 + c, which one permutation puts in order.
  const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  const auto mask = static_cast<__mmask16>((1u << N) - 1);
#pragma GCC unroll 12
  for (int r = 0; r < R; ++r) {
    __m512 x[4];
#pragma GCC unroll 4
    for (int v = 0; v < 4; ++v) x[v] = v < V ? acc[r][v] : _mm512_setzero_ps();
    const __m512 t0 = _mm512_add_ps(_mm512_unpacklo_ps(x[0], x[1]), _mm512_unpackhi_ps(x[0], x[1]));
    const __m512 t1 = _mm512_add_ps(_mm512_unpacklo_ps(x[2], x[3]), _mm512_unpackhi_ps(x[2], x[3]));
    const __m512 u = _mm512_add_ps(_mm512_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0)),
                                   _mm512_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2)));
    __m512 out = _mm512_permutexvar_ps(order, u);
    float* c = C + r * ldc;
    if (alpha != 1) out = _mm512_mul_ps(out, _mm512_set1_ps(alpha));
    if (beta != 0) out = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, c), _mm512_set1_ps(beta), out);
    _mm512_mask_storeu_ps(c, mask, out);
  }
}

using GroupedTile = void (*)(int64_t, const float*, int64_t, const float*, float*, int64_t, int64_t, float, float);
// Rows per tile for V vectors: 24 accumulators at most (6 x 4, 8 x 3, 12 x 2, 12 x 1).
constexpr int grouped_rows(int v) { return v == 4 ? 6 : v == 3 ? 8 : 12; }
template <int V, int... R>
constexpr std::array<GroupedTile, sizeof...(R)> grouped_tiles(std::integer_sequence<int, R...>) {
  return {&grouped_tile<R + 1, V>...};
}
template <int V>
constexpr auto kGroupedTiles = grouped_tiles<V>(std::make_integer_sequence<int, grouped_rows(V)>{});

template <int V>
void grouped_strip(int64_t M, int64_t K, const float* A, int64_t lda, const float* bq, float* C, int64_t ldc,
                   int64_t N, float alpha, float beta) {
  const int64_t count = (M + grouped_rows(V) - 1) / grouped_rows(V);
  for (int64_t t = 0; t < count; ++t) {
    const int64_t i = M * t / count, rows = M * (t + 1) / count - i;
    kGroupedTiles<V>[static_cast<size_t>(rows - 1)](K, A + i * lda, lda, bq, C + i * ldc, ldc, N, alpha, beta);
  }
}

void grouped_dots(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, float* C,
                  int64_t ldc, float alpha, float beta) {
  const int64_t V = (N + 3) / 4, Q = (K + 3) / 4;
  thread_local std::vector<float> packed;
  packed.assign(static_cast<size_t>(Q * V * 16), 0.0f);
  for (int64_t j = 0; j < N; ++j) {  // B's row j: 4 steps at a time into lane group j % 4 of vector j / 4
    const float* src = B + j * ldb;
    float* dst = packed.data() + 16 * (j / 4) + 4 * (j % 4);
    for (int64_t q = 0; q < K / 4; ++q) _mm_storeu_ps(dst + 16 * V * q, _mm_loadu_ps(src + 4 * q));
    if (K % 4)
      _mm512_mask_storeu_ps(dst + 16 * V * (K / 4), 0xF,
                            _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << (K % 4)) - 1), src + K / 4 * 4));
  }
  switch (V) {
    case 1: return grouped_strip<1>(M, K, A, lda, packed.data(), C, ldc, N, alpha, beta);
    case 2: return grouped_strip<2>(M, K, A, lda, packed.data(), C, ldc, N, alpha, beta);
    case 3: return grouped_strip<3>(M, K, A, lda, packed.data(), C, ldc, N, alpha, beta);
    default: return grouped_strip<4>(M, K, A, lda, packed.data(), C, ldc, N, alpha, beta);
  }
}

// dst (cols x rows, rows dst_ld >= rows apart) = src^T, src being rows x cols with leading
// dimension ld; each row of dst is zero past `rows`. Floats go through 16 x 16 register transposes.
template <class T>
void transpose_to_rows(int64_t rows, int64_t cols, const T* src, int64_t ld, T* dst, int64_t dst_ld) {
  if constexpr (std::is_same_v<T, float>) {
    for (int64_t r0 = 0; r0 < dst_ld; r0 += 16)
      for (int64_t c0 = 0; c0 < cols; c0 += 16)
        transpose_block(src + r0 * ld + c0, ld, std::clamp<int64_t>(rows - r0, 0, 16), std::min<int64_t>(16, cols - c0),
                        dst + c0 * dst_ld + r0, dst_ld, std::min<int64_t>(16, dst_ld - r0));
  } else {
    transpose_into(rows, cols, src, ld, dst, dst_ld);
    for (int64_t c = 0; c < cols; ++c) std::fill(dst + c * dst_ld + rows, dst + (c + 1) * dst_ld, T(0));
  }
}

// Strips of C from B's rows. A transposed B is copied into rows first (K x N values: at most the
// L2 by the planner's choice), each row padded with zeros to whole vectors so that every load of
// it is a plain one (bench/results/2026-12-04_gemm_plan.txt).
template <class T>
void unpacked_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<T>& A, const MatrixRef<T>& Bop,
                     const OutRef<T>& Cout, T alpha, T beta) {
  using V = Vec<T>;
  const T* B = Bop.data;
  int64_t ldb = Bop.ld;
  T* C = Cout.data;
  const int64_t ldc = Cout.ld;
  const bool padded = Bop.trans;
  if (Bop.trans) {
    const int64_t ld = (N + V::kLanes - 1) / V::kLanes * V::kLanes;
    thread_local std::vector<T> rows;
    rows.resize(static_cast<size_t>(K * ld));
    transpose_to_rows(N, K, B, ldb, rows.data(), ld);
    B = rows.data(), ldb = ld;
  }
  const int64_t a_row = A.trans ? 1 : A.ld, a_step = A.trans ? A.ld : 1;
  int64_t j0 = 0;
  // At most 6 rows (a convolution's few output channels): strips 4 vectors wide, so that each
  // value of A is broadcast once for 4 vectors of B instead of 2.
  if (M <= max_tile_rows(4))
    for (; j0 + 4 * V::kLanes <= N; j0 += 4 * V::kLanes)
      small_strip<T, 4>(M, K, A.data, a_row, a_step, B + j0, ldb, C + j0, ldc, 4 * V::kLanes, alpha, beta, false);
  for (; j0 < N; j0 += 2 * V::kLanes) {
    const int64_t n = std::min(N - j0, 2 * V::kLanes);
    const bool masked_loads = !padded && n % V::kLanes != 0;
    if (n > V::kLanes)
      small_strip<T, 2>(M, K, A.data, a_row, a_step, B + j0, ldb, C + j0, ldc, n, alpha, beta, masked_loads);
    else
      small_strip<T, 1>(M, K, A.data, a_row, a_step, B + j0, ldb, C + j0, ldc, n, alpha, beta, masked_loads);
  }
}

}  // namespace

void gemm_unpacked_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<float>& A, const MatrixRef<float>& B,
                          const OutRef<float>& C, float alpha, float beta) {
  unpacked_avx512(M, N, K, A, B, C, alpha, beta);
}
void gemm_unpacked_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<double>& A, const MatrixRef<double>& B,
                          const OutRef<double>& C, double alpha, double beta) {
  unpacked_avx512(M, N, K, A, B, C, alpha, beta);
}
void gemm_dots_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<float>& A, const MatrixRef<float>& B,
                      const OutRef<float>& C, float alpha, float beta) {
  small_dots(M, N, K, A.data, A.ld, B.data, B.ld, C.data, C.ld, alpha, beta);
}
void gemm_grouped_dots_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<float>& A, const MatrixRef<float>& B,
                              const OutRef<float>& C, float alpha, float beta) {
  grouped_dots(M, N, K, A.data, A.ld, B.data, B.ld, C.data, C.ld, alpha, beta);
}
void gemm_dots_avx512(int64_t M, int64_t N, int64_t K, const MatrixRef<double>& A, const MatrixRef<double>& B,
                      const OutRef<double>& C, double alpha, double beta) {
  small_dots(M, N, K, A.data, A.ld, B.data, B.ld, C.data, C.ld, alpha, beta);
}

// mr and nr are at most 16 and a multiple of 16 here (the float configs below).
void pack_a_f32(const MatrixRef<float>& A, int64_t i0, int64_t m, int64_t p0, int64_t kc, int64_t mr, float* out) {
  using V = Vec<float>;
  if (A.trans) {  // rows of the sliver are contiguous in A: one masked vector copy per k
    const auto in_mask = V::first(m), out_mask = V::first(mr);
    for (int64_t k = 0; k < kc; ++k) V::store(out + k * mr, out_mask, V::load(in_mask, A.at(i0, p0 + k).data));
    return;
  }
  for (int64_t k0 = 0; k0 < kc; k0 += 16)
    transpose_block(A.at(i0, p0 + k0).data, A.ld, m, std::min<int64_t>(16, kc - k0), out + k0 * mr, mr, mr);
}

void pack_b_f32(const MatrixRef<float>& B, int64_t p0, int64_t kc, int64_t j0, int64_t n, int64_t nr, float* out) {
  using V = Vec<float>;
  if (!B.trans) {  // rows of the sliver are contiguous in B: vector copies per k, masked past n
    for (int64_t k = 0; k < kc; ++k)
      for (int64_t jj = 0; jj < nr; jj += 16) {
        const float* src = B.at(p0 + k, j0 + jj).data;
        const auto row = n - jj >= 16 ? V::load(src) : V::load(V::first(std::clamp<int64_t>(n - jj, 0, 16)), src);
        V::store(out + k * nr + jj, row);  // zeros past n
      }
    return;
  }
  for (int64_t k0 = 0; k0 < kc; k0 += 16)
    for (int64_t jj = 0; jj < nr; jj += 16)
      transpose_block(B.at(p0 + k0, j0 + jj).data, B.ld, std::clamp<int64_t>(n - jj, 0, 16),
                      std::min<int64_t>(16, kc - k0), out + k0 * nr + jj, nr, 16);
}

// Two tile shapes: 12 x 32 (24 accumulators; the fastest per FMA) and 16 x 16 (16 accumulators)
// for products whose N is far from a multiple of 32, such as the training step's N = 100, where
// 12 x 32 would compute 28% padding (a 4 x 112 tile measured no faster:
// bench/results/2026-12-04_gemm_plan.txt).
const std::vector<BlockedConfig<float>>& avx512_configs_f32() {
  static const std::vector<BlockedConfig<float>> configs = {
      tile_config<Vec<float>, 12, 2>(1024, 9.0 / 16, 1.0, &pack_a_f32, &pack_b_f32),
      tile_config<Vec<float>, 16, 1>(256, 1.0 / 8, 0.9, &pack_a_f32, &pack_b_f32),
  };
  return configs;
}
const std::vector<BlockedConfig<double>>& avx512_configs_f64() {
  static const std::vector<BlockedConfig<double>> configs = {
      tile_config<Vec<double>, 12, 2>(256, 9.0 / 32, 1.0),
      tile_config<Vec<double>, 16, 1>(256, 1.0 / 4, 0.9),
  };
  return configs;
}

}  // namespace ember::kernels::detail
