// The bfloat16 GEMM on AMX tiles (Intel Sapphire Rapids and later): eight tile registers of 16
// rows x 64 bytes, and tdpbf16ps, which multiplies a 16 x 32 bfloat16 tile of A by a 32 x 16 tile
// of B into a 16 x 16 float32 tile of C (16,384 flops per instruction, against vdpbf16ps's 64).
// The only file compiled with -mamx-tile -mamx-bf16, and only called after cpu_has_amx_bf16()
// (gemm_bf16.cpp, compiled without them, so that the check runs on any x86-64).
//
// Tiles: C in tiles 0-3 as a 32 x 32 block, A's two 16-row tiles in 4-5, B's two 16-column tiles
// in 6-7; each 32-k step loads four tiles and issues four products.
// A is packed row-major, rows padded to a multiple of 32 and k to a multiple of 32 with zeros (a
// tile row is 32 consecutive k of one row of A). B is packed as pack_pairs() packs it for the
// AVX512_BF16 kernel with 16-column panels: a panel's row q holds pair q (k = 2q, 2q + 1) of its
// 16 columns, which is the tile layout tdpbf16ps wants for B; pairs are padded to a multiple of
// 16 and panels to an even count with zeros. The padding is multiplied like the rest and never
// stored.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "ember/core/parallel.h"
#include "ember/kernels/gemm_bf16.h"

namespace ember::kernels::detail {

namespace {

// Blocks: a 32-row slice of A's block (16 KiB) stays in L1 while it meets every panel pair of
// B's block (256 KiB, in L2). K blocks of 1024 ran 382-499 GFLOP/s on 512^3-2048^3, of 128
// 446-638, of 256 with B's panels walked innermost 493-812 (2026-12-06_intel_guest_l3.txt).
constexpr int64_t kKC = 256;  // most k values per block (a multiple of 32)
constexpr int64_t kMC = 128;  // rows per packed A block: 128 x 256 bf16 = 64 KiB
constexpr int64_t kNC = 512;  // columns per packed B block: 256 x 512 bf16 = 256 KiB
// Fewer multiply-adds stay on one thread: 64 x 100 x 784 (5 M) ran 160-166 GFLOP/s on two threads
// against 390-410 on one (about 25 us of work).
constexpr int64_t kParallelMacs = int64_t{1} << 24;

int64_t round_up(int64_t n, int64_t step) { return (n + step - 1) / step * step; }

// Rows [r0, r0 + rows) x k [k0, k0 + kc) of op(A), row-major with `stride` bf16 per row; rows up
// to a multiple of 32 and k up to `stride` are zeros.
void pack_rows(const PairOperand& A, int64_t r0, int64_t rows, int64_t k0, int64_t kc, int64_t stride,
               uint16_t* out) {
  const int64_t padded_rows = round_up(rows, 32);
  std::memset(out, 0, static_cast<size_t>(padded_rows * stride) * sizeof(uint16_t));
  if (!A.trans) {
    for (int64_t r = 0; r < rows; ++r)
      std::memcpy(out + r * stride, A.data + (r0 + r) * A.ld + k0, static_cast<size_t>(kc) * sizeof(uint16_t));
    return;
  }
  for (int64_t k = 0; k < kc; ++k) {  // element (r, k) at data[k * ld + r]: walk A's stored rows
    const uint16_t* src = A.data + (k0 + k) * A.ld + r0;
    for (int64_t r = 0; r < rows; ++r) out[r * stride + k] = src[r];
  }
}

// C block (rows x cols, at most 32 x 32) = alpha * acc + (first ? beta * C : C).
void store_block(const float* acc, float* C, int64_t ldc, int64_t rows, int64_t cols, float alpha, float beta,
                 bool first) {
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(first ? beta : 1.0f);
  const bool read_c = !first || beta != 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < cols; v += 16) {
      const __mmask16 mask = static_cast<__mmask16>(cols - v >= 16 ? 0xFFFF : (1u << (cols - v)) - 1);
      float* p = C + r * ldc + v;
      __m512 out = _mm512_mul_ps(va, _mm512_loadu_ps(acc + r * 32 + v));
      if (read_c) out = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask, p), out);
      _mm512_mask_storeu_ps(p, mask, out);
    }
}

// One 32 x 32 block of C from two 16-row A tiles (a, row stride a_stride bf16) and two 16-column
// B panels (b0, b1: pairs rows of 16 words), over `steps` steps of 32 k.
void block_32x32(int64_t steps, const uint16_t* a, int64_t a_stride, const uint32_t* b0, const uint32_t* b1,
                 float* acc) {
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
  const int64_t a_bytes = a_stride * 2;
  for (int64_t s = 0; s < steps; ++s) {
    _tile_loadd(4, a + 32 * s, a_bytes);
    _tile_loadd(5, a + 16 * a_stride + 32 * s, a_bytes);
    _tile_loadd(6, b0 + 16 * 16 * s, 64);
    _tile_loadd(7, b1 + 16 * 16 * s, 64);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  _tile_stored(0, acc, 128);
  _tile_stored(1, acc + 16, 128);
  _tile_stored(2, acc + 16 * 32, 128);
  _tile_stored(3, acc + 16 * 32 + 16, 128);
}

}  // namespace

void configure_amx_tiles() {
  // A constant in memory: built on the stack, GCC dropped the stores that ldtilecfg reads (the
  // intrinsic does not tell it that the memory is read), and ldtilecfg faulted on the garbage.
  struct alignas(64) TileConfig {
    uint8_t palette, start_row;
    uint8_t reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
  };
  static constexpr TileConfig kConfig{1, 0, {}, {64, 64, 64, 64, 64, 64, 64, 64}, {16, 16, 16, 16, 16, 16, 16, 16}};
  _tile_loadconfig(&kConfig);
}

void gemm_bf16_amx(int64_t M, int64_t N, int64_t K, const BFloat16* A_data, int64_t lda, bool trans_a,
                   const BFloat16* B_data, int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha,
                   float beta) {
  const PairOperand A{reinterpret_cast<const uint16_t*>(A_data), lda, trans_a};
  const PairOperand B{reinterpret_cast<const uint16_t*>(B_data), ldb, trans_b};
  // K in equal blocks of at most kKC (1152 as 576 + 576), each padded to 32.
  const int64_t k_blocks = (K + kKC - 1) / kKC, k_step = round_up((K + k_blocks - 1) / k_blocks, 2);
  const int64_t kc_max = round_up(k_step, 32);
  thread_local std::vector<uint32_t> b_buffer;
  uint32_t* b_block = scratch(b_buffer, kc_max / 2 * round_up(std::min(N, kNC), 32));
  const int64_t m_blocks = (M + 31) / 32;
  const int64_t grain = M * N * K >= kParallelMacs ? 1 : m_blocks;
  for (int64_t jc = 0; jc < N; jc += kNC) {
    const int64_t nc = std::min(kNC, N - jc), panels = round_up(nc, 32) / 16;
    for (int64_t pc = 0; pc < K; pc += k_step) {
      const int64_t kc = std::min(k_step, K - pc), kc_pad = round_up(kc, 32), pairs_pad = kc_pad / 2;
      const int64_t pairs = (kc + 1) / 2;
      parallel_for(0, panels, grain == 1 ? 1 : panels, [&](int64_t lo, int64_t hi) {
        for (int64_t p = lo; p < hi; ++p) {
          uint32_t* panel = b_block + p * pairs_pad * 16;
          const int64_t first = p * 16, lines = std::max<int64_t>(0, std::min<int64_t>(16, nc - first));
          if (lines > 0)
            pack_pairs(B, B.trans, jc + first, lines, pc, kc, 16, panel);
          else
            std::fill(panel, panel + pairs * 16, 0u);
          std::fill(panel + pairs * 16, panel + pairs_pad * 16, 0u);
        }
      });
      parallel_for(0, m_blocks, grain, [&](int64_t lo, int64_t hi) {
        configure_amx_tiles();
        thread_local std::vector<uint16_t> a_buffer;
        uint16_t* a_block = scratch(a_buffer, kMC * kc_max);
        alignas(64) float acc[32 * 32];
        for (int64_t ic = lo * 32; ic < std::min(M, hi * 32); ic += kMC) {
          const int64_t mc = std::min({kMC, M - ic, hi * 32 - ic});
          pack_rows(A, ic, mc, pc, kc, kc_pad, a_block);
          for (int64_t ir = 0; ir < mc; ir += 32)
            for (int64_t p = 0; p < panels; p += 2) {
              block_32x32(kc_pad / 32, a_block + ir * kc_pad, kc_pad, b_block + p * pairs_pad * 16,
                          b_block + (p + 1) * pairs_pad * 16, acc);
              store_block(acc, C + (ic + ir) * ldc + jc + p * 16, ldc, std::min<int64_t>(32, mc - ir),
                          std::min<int64_t>(32, nc - p * 16), alpha, beta, pc == 0);
            }
        }
      });
    }
  }
}

}  // namespace ember::kernels::detail
