// The bfloat16 GEMM on AVX512_BF16: Goto-style blocking around a 12 x 32 or 8 x 48 micro-kernel
// of vdpbf16ps, whichever computes less padding for the product's M and N. The only file compiled
// with -mavx512bf16, and only called after cpu_has_avx512_bf16() said yes (gemm_bf16.cpp).
//
// vdpbf16ps works on pairs along K: lane j of the result gains a[2j] * b[2j] + a[2j+1] * b[2j+1].
// So both operands are packed as pairs of consecutive k, one 32-bit word per pair:
//   A panel (MR rows):    for each pair q, MR words (A[r][2q], A[r][2q+1]), one broadcast per row;
//   B panel (NR columns): for each pair q, NR words (B[2q][j], B[2q+1][j]), NR / 16 vectors.
// An odd K gets a zero partner. Each pair step then does 24 vdpbf16ps (12 rows x 2 vectors against
// 2 loads and 12 broadcasts, or 8 rows x 3 vectors against 3 and 8), the float32 kernel's shape
// (gemm_avx512.cpp) at twice the flops per instruction.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ember/core/parallel.h"
#include "ember/kernels/gemm_bf16.h"

namespace ember::kernels::detail {

namespace {

constexpr int64_t kKC = 1024;  // most k values per block: a B panel of 512 pairs x 32 columns is 64 KiB
constexpr int64_t kMC = 96;    // rows per A block: 96 x 1024 bf16 = 192 KiB, in L2
constexpr int64_t kNC = 1536;  // columns per B block: 1.5 MiB packed, shared by both cores
// Below this many multiply-adds, one thread: waking the second costs more.
constexpr int64_t kParallelMacs = int64_t{1} << 20;

// out[i] = low[i] | high[i] << 16 for i < n (high null: zero partners), zeros up to `width`: one
// pair step of a panel whose pairs are two rows of the stored matrix, side by side.
void interleave(const uint16_t* low, const uint16_t* high, int64_t n, int64_t width, uint32_t* out) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {  // 16 pairs at a time: widen both halves to 32 bits, shift, or
    const __m512i lo = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(low + i)));
    const __m512i hi = high ? _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(high + i)))
                            : _mm512_setzero_si512();
    _mm512_storeu_si512(out + i, _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16)));
  }
  for (; i < n; ++i) out[i] = static_cast<uint32_t>(low[i]) | (high ? static_cast<uint32_t>(high[i]) << 16 : 0u);
  std::fill(out + n, out + width, 0u);
}

// out[i] = the 32-bit pair at rows[i * ld] for i < n (only its low half when single), zeros up
// to `width`: one pair step of a panel whose pairs are adjacent in the stored matrix.
void gather_pairs(const uint16_t* rows, int64_t ld, int64_t n, bool single, int64_t width, uint32_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    uint32_t w = rows[i * ld];
    if (!single) std::memcpy(&w, rows + i * ld, sizeof w);
    out[i] = w;
  }
  std::fill(out + n, out + width, 0u);
}

__mmask16 first_lanes(int64_t n) { return static_cast<__mmask16>(n >= 16 ? 0xFFFF : n <= 0 ? 0 : (1u << n) - 1); }

// r[i] = row i of a 16 x 16 matrix of 32-bit words in, column i out: pairs of 32-bit, then
// 64-bit, interleaves, then two rounds of 128-bit lane shuffles.
void transpose_16x16(__m512i r[16]) {
  __m512i t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
    r[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
    r[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
    r[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0x88);
    t[i + 4] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0xdd);
    t[i + 8] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0x88);
    t[i + 12] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0xdd);
  }
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
    r[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
  }
}

// One panel whose pairs are adjacent in the stored matrix: n lines (line l at lines + l * ld) of
// kc values, out[q * width + l] = line l's pair q, zeros for lines n to width. Sixteen pairs of
// sixteen lines at a time are one transpose of 32-bit words; gathered one by one, the words of
// a transposed B (the convolution's weight gradient) cost as much as the products.
void gather_panel(const uint16_t* lines, int64_t ld, int64_t n, int64_t kc, int64_t width, uint32_t* out) {
  const int64_t pairs = (kc + 1) / 2;
  int64_t q = 0;
  for (; q + 16 <= kc / 2; q += 16)
    for (int64_t l0 = 0; l0 < width; l0 += 16) {
      __m512i r[16];
      for (int64_t i = 0; i < 16; ++i)
        r[i] = l0 + i < n ? _mm512_loadu_si512(lines + (l0 + i) * ld + 2 * q) : _mm512_setzero_si512();
      transpose_16x16(r);
      const __mmask16 lanes = first_lanes(width - l0);
      for (int64_t i = 0; i < 16; ++i) _mm512_mask_storeu_epi32(out + (q + i) * width + l0, lanes, r[i]);
    }
  for (; q < pairs; ++q) gather_pairs(lines + 2 * q, ld, n, 2 * q + 1 == kc, width, out + q * width);
}

// The two tile shapes, both 24 accumulators: per pair step, MR broadcasts and NV loads feed
// MR x NV vdpbf16ps. 8 x 48 fits the products whose M is a multiple of 8 but not of 12 (a
// convolution's 16, 32 or 64 output channels: 16 rows on 12-row tiles compute 24).
struct Tile12x32 {
  static constexpr int64_t kMR = 12, kVectors = 2, kNR = 16 * kVectors;
};
struct Tile8x48 {
  static constexpr int64_t kMR = 8, kVectors = 3, kNR = 16 * kVectors;
};

// C tile (rows x cols, at most kMR x kNR) = alpha * A panel @ B panel + (first ? beta * C : C).
template <class Tile>
void micro_kernel(int64_t pairs, const uint32_t* a, const uint32_t* b, float* c, int64_t ldc, int64_t rows,
                  int64_t cols, float alpha, float beta, bool first) {
  constexpr int64_t kMR = Tile::kMR, kVectors = Tile::kVectors, kNR = Tile::kNR;
  __m512 acc[kMR][kVectors];
#pragma GCC unroll 12
  for (int64_t r = 0; r < kMR; ++r)
#pragma GCC unroll 3
    for (int64_t v = 0; v < kVectors; ++v) acc[r][v] = _mm512_setzero_ps();
  for (int64_t q = 0; q < pairs; ++q, a += kMR, b += kNR) {
    __m512bh bv[kVectors];
#pragma GCC unroll 3
    for (int64_t v = 0; v < kVectors; ++v) bv[v] = (__m512bh)_mm512_loadu_si512(b + 16 * v);
#pragma GCC unroll 12
    for (int64_t r = 0; r < kMR; ++r) {
      const __m512bh ar = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[r]));
#pragma GCC unroll 3
      for (int64_t v = 0; v < kVectors; ++v) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], ar, bv[v]);
    }
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(first ? beta : 1.0f);
  const bool read_c = !first || beta != 0;
  __mmask16 masks[kVectors];
  for (int64_t v = 0; v < kVectors; ++v) masks[v] = first_lanes(cols - 16 * v);
#pragma GCC unroll 12
  for (int64_t r = 0; r < kMR; ++r) {
    if (r >= rows) break;
#pragma GCC unroll 3
    for (int64_t v = 0; v < kVectors; ++v) {
      float* p = c + r * ldc + v * 16;
      __m512 out = _mm512_mul_ps(va, acc[r][v]);
      if (read_c) out = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(masks[v], p), out);
      _mm512_mask_storeu_ps(p, masks[v], out);
    }
  }
}

template <class Tile>
void blocked_product(int64_t M, int64_t N, int64_t K, const PairOperand& A, const PairOperand& B, float* C,
                     int64_t ldc, float alpha, float beta) {
  constexpr int64_t kMR = Tile::kMR, kNR = Tile::kNR;
  thread_local std::vector<uint32_t> b_buffer;
  const int64_t m_panels = (M + kMR - 1) / kMR;
  // Each thread takes a band of whole A panels; one thread when the product is small.
  const int64_t grain = M * N * K >= kParallelMacs ? 1 : m_panels;
  // K in equal blocks of at most kKC (an even count, so that pairs never straddle two blocks):
  // 1152 as 576 + 576 rather than 1024 + 128, whose second pass over C would do little work.
  const int64_t k_blocks = (K + kKC - 1) / kKC, k_step = ((K + k_blocks - 1) / k_blocks + 1) / 2 * 2;
  uint32_t* b_block = scratch(b_buffer, (k_step / 2) * ((std::min(N, kNC) + kNR - 1) / kNR * kNR));
  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc);
    for (int64_t pc = 0; pc < K; pc += k_step) {
      const int64_t kc = std::min(k_step, K - pc), pairs = (kc + 1) / 2;
      const int64_t b_panels = (nc + kNR - 1) / kNR;
      parallel_for(0, b_panels, grain == 1 ? 1 : b_panels, [&](int64_t lo, int64_t hi) {
        pack_pairs(B, B.trans, jc + lo * kNR, std::min(nc, hi * kNR) - lo * kNR, pc, kc, kNR,
                   b_block + lo * pairs * kNR);
      });
      parallel_for(0, m_panels, grain, [&](int64_t lo, int64_t hi) {
        thread_local std::vector<uint32_t> a_buffer;
        uint32_t* a_block = scratch(a_buffer, pairs * kMC);
        for (int64_t ic = lo * kMR; ic < std::min(M, hi * kMR); ic += kMC) {
          const int64_t mc = std::min({kMC, M - ic, hi * kMR - ic});
          pack_pairs(A, !A.trans, ic, mc, pc, kc, kMR, a_block);
          for (int64_t jr = 0; jr < nc; jr += kNR)
            for (int64_t ir = 0; ir < mc; ir += kMR)
              micro_kernel<Tile>(pairs, a_block + (ir / kMR) * pairs * kMR, b_block + (jr / kNR) * pairs * kNR,
                           C + (ic + ir) * ldc + jc + jr, ldc, std::min(kMR, mc - ir), std::min(kNR, nc - jr), alpha,
                           beta, pc == 0);
        }
      });
    }
  }
}

// The share of a tiling's computed C that is wanted: edge tiles compute whole tiles.
template <class Tile>
double useful_share(int64_t M, int64_t N) {
  const auto whole = [](int64_t n, int64_t tile) { return static_cast<double>((n + tile - 1) / tile * tile); };
  return static_cast<double>(M) / whole(M, Tile::kMR) * static_cast<double>(N) / whole(N, Tile::kNR);
}

}  // namespace

// (gemm_bf16.h says what it packs; the AMX kernel packs B with it too.)
void pack_pairs(const PairOperand& X, bool pairs_adjacent, int64_t l0, int64_t lines, int64_t k0, int64_t kc,
                int64_t width, uint32_t* out) {
  const int64_t pairs = (kc + 1) / 2;
  for (int64_t p = 0; p * width < lines; ++p, out += pairs * width) {
    const int64_t first = l0 + p * width, n = std::min(width, lines - p * width);
    if (pairs_adjacent) {
      gather_panel(X.data + first * X.ld + k0, X.ld, n, kc, width, out);
      continue;
    }
    for (int64_t q = 0; q < pairs; ++q) {
      const int64_t k = k0 + 2 * q;
      interleave(X.data + k * X.ld + first, 2 * q + 1 == kc ? nullptr : X.data + (k + 1) * X.ld + first, n, width,
                 out + q * width);
    }
  }
}

void gemm_bf16_avx512(int64_t M, int64_t N, int64_t K, const BFloat16* A_data, int64_t lda, bool trans_a,
                      const BFloat16* B_data, int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha,
                      float beta) {
  const PairOperand A{reinterpret_cast<const uint16_t*>(A_data), lda, trans_a};
  const PairOperand B{reinterpret_cast<const uint16_t*>(B_data), ldb, trans_b};
  if (useful_share<Tile8x48>(M, N) > useful_share<Tile12x32>(M, N))
    blocked_product<Tile8x48>(M, N, K, A, B, C, ldc, alpha, beta);
  else
    blocked_product<Tile12x32>(M, N, K, A, B, C, ldc, alpha, beta);
}

}  // namespace ember::kernels::detail
