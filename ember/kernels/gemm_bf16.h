// The bfloat16 GEMM: C (M x N, float32) = alpha * op(A) @ op(B) + beta * C, with A and B in
// bfloat16 and every product summed in float32 (the layout and flags of gemm.h).
// On CPUs with AVX512_BF16 each vdpbf16ps instruction multiplies pairs of bfloat16 values along K
// and adds both products into float32 lanes: 64 flops per instruction, twice a float32 FMA's.
// Elsewhere (or when set_gemm_kernel() forces a rung other than Auto or Avx512) the operands are
// widened to float32 and multiplied by the float32 GEMM: the same sums, products exact in both.
#pragma once

#include <cstdint>

#include "ember/core/reduced_float.h"

namespace ember::kernels {

bool cpu_has_avx512_bf16();

void gemm_bf16(int64_t M, int64_t N, int64_t K, const BFloat16* A, int64_t lda, bool trans_a, const BFloat16* B,
               int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha = 1, float beta = 0);

namespace detail {
// The AVX512_BF16 path (gemm_bf16_avx512.cpp); only called after cpu_has_avx512_bf16().
void gemm_bf16_avx512(int64_t M, int64_t N, int64_t K, const BFloat16* A, int64_t lda, bool trans_a,
                      const BFloat16* B, int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha, float beta);
}  // namespace detail

}  // namespace ember::kernels
