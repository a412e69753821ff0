// Matrix products: mm (2-D), bmm (3-D batches), matmul (torch.matmul: 1-D, 2-D and batched
// with broadcasting) and einsum, all running on kernels::gemm.
#pragma once

#include <string>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember {

/// (M, K) @ (K, N) -> (M, N).
Tensor mm(const Tensor& a, const Tensor& b);
/// (B, M, K) @ (B, K, N) -> (B, M, N).
Tensor bmm(const Tensor& a, const Tensor& b);
/// x (..., in) @ weight (out, in)^T + bias (out), as torch.nn.functional.linear. One GEMM with
/// the bias folded in (C starts as the bias, beta = 1); the backward computes the weight's
/// gradient directly in its (out, in) layout.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});
/// torch.matmul: 1-D operands gain and then lose a dim; batch dims broadcast.
Tensor matmul(const Tensor& a, const Tensor& b);
/// Einstein summation, e.g. einsum("bij,bjk->bik", {a, b}); "..." and implicit output as NumPy.
/// Lowered to diagonal/sum/permute views and batched matrix products; a broadcast product of
/// the operands is never materialised.
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);

}  // namespace ember
