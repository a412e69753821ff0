// The bfloat16 GEMM: C (M x N, float32) = alpha * op(A) @ op(B) + beta * C, with A and B in
// bfloat16 and every product summed in float32 (the layout and flags of gemm.h).
// On CPUs with AMX (gemm_bf16_amx.cpp) each tdpbf16ps multiplies a 16 x 32 tile of A by a 32 x 16
// tile of B into a 16 x 16 float32 tile: products of at least 2^15 multiply-adds run there under
// GemmKernel::Auto. On CPUs with AVX512_BF16 each vdpbf16ps instruction multiplies pairs of
// bfloat16 values along K and adds both products into float32 lanes: 64 flops per instruction,
// twice a float32 FMA's (on Zen 4 and 5; about one on the Intel cores that have AMX).
// Elsewhere (or when set_gemm_kernel() forces a rung other than Auto or Avx512) the operands are
// widened to float32 and multiplied by the float32 GEMM: the same sums, products exact in both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ember/core/reduced_float.h"

namespace ember::kernels {

bool cpu_has_avx512_bf16();

void gemm_bf16(int64_t M, int64_t N, int64_t K, const BFloat16* A, int64_t lda, bool trans_a, const BFloat16* B,
               int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha = 1, float beta = 0);

/// Whether this CPU has AMX tiles with bfloat16 products and the kernel lets this process use
/// them (asked once, with arch_prctl, on the first call).
bool cpu_has_amx_bf16();

namespace detail {
// The kernels below take M, N, K > 0 (gemm_bf16 handles empty products).
// The AVX512_BF16 path (gemm_bf16_avx512.cpp); only called after cpu_has_avx512_bf16().
void gemm_bf16_avx512(int64_t M, int64_t N, int64_t K, const BFloat16* A, int64_t lda, bool trans_a,
                      const BFloat16* B, int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha, float beta);
// The AMX path (gemm_bf16_amx.cpp); only called after cpu_has_amx_bf16().
void gemm_bf16_amx(int64_t M, int64_t N, int64_t K, const BFloat16* A, int64_t lda, bool trans_a,
                   const BFloat16* B, int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha, float beta);

// One operand as the packers read it: element (r, c) of op(X) at data[r * ld + c], or at
// data[c * ld + r] when trans.
struct PairOperand {
  const uint16_t* data;
  int64_t ld;
  bool trans;
};
// Lines [l0, l0 + lines) x k [k0, k0 + kc) of X, where a line is a row of op(A) or a column of
// op(B), into panels of `width` lines, as pairs of consecutive k in 32-bit words: panel p, pair q,
// line l at out[(p * pairs + q) * width + l], pairs = ceil(kc / 2). X stores a line's k values
// adjacently (pairs_adjacent: A as it is, B transposed) or a k's lines adjacently (A transposed,
// B as it is). Lines past the end and an odd k's partner are zeros. (gemm_bf16_avx512.cpp; it
// needs AVX-512F.)
void pack_pairs(const PairOperand& X, bool pairs_adjacent, int64_t l0, int64_t lines, int64_t k0, int64_t kc,
                int64_t width, uint32_t* out);
// Loads the AMX tile configuration both the AMX kernel and its peak benchmark use: palette 1,
// tiles 0-7 each 16 rows of 64 bytes (gemm_bf16_amx.cpp; only after cpu_has_amx_bf16()).
void configure_amx_tiles();

// A buffer of at least n elements, kept between calls by its (thread_local) owner: packing
// buffers are reused, not zeroed and faulted in again for every product.
template <class T>
T* scratch(std::vector<T>& buffer, int64_t n) {
  if (static_cast<int64_t>(buffer.size()) < n) buffer.resize(static_cast<std::size_t>(n));
  return buffer.data();
}
}  // namespace detail

}  // namespace ember::kernels
