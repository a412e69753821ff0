// The N-d strided iteration every elementwise kernel runs on: K operands that share one index
// space, each with its own strides. Dims that are contiguous for every operand are merged first,
// so a contiguous (or stride-0 broadcast) operand reaches the inner loop as one long run that
// the compiler vectorises. Rows of the outer dims are split across threads above a grain.
// Kernels only: pointers, sizes and strides; no Tensor, no autograd.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "ember/core/parallel.h"

namespace ember::kernels {

/// One operand: base pointer, element size in bytes, strides in elements (one per dim).
struct Operand {
  char* data;
  int64_t elem_size;
  const int64_t* strides;
};

/// Calls fn(char* const ptrs[K], const int64_t byte_strides[K], int64_t n) once per run along the
/// innermost coalesced dim, covering every index of `sizes` exactly once.
template <size_t K, class F>
void for_each_strided(const std::vector<int64_t>& sizes, const std::array<Operand, K>& ops, F&& fn,
                      int64_t grain = kElementwiseGrain) {
  // Byte strides, dropping size-1 dims (their stride never moves a pointer).
  std::vector<int64_t> dims;
  std::vector<std::array<int64_t, K>> strides;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] == 0) return;
    if (sizes[d] == 1) continue;
    std::array<int64_t, K> s;
    for (size_t k = 0; k < K; ++k) s[k] = ops[k].strides[d] * ops[k].elem_size;
    // Merge into the previous dim when, for every operand, stepping the previous dim once is the
    // same as stepping this one sizes[d] times.
    bool merge = !dims.empty();
    for (size_t k = 0; merge && k < K; ++k) merge = strides.back()[k] == s[k] * sizes[d];
    if (merge) {
      dims.back() *= sizes[d];
      strides.back() = s;
    } else {
      dims.push_back(sizes[d]);
      strides.push_back(s);
    }
  }
  std::array<char*, K> base;
  for (size_t k = 0; k < K; ++k) base[k] = ops[k].data;
  if (dims.empty()) {  // a single element
    std::array<int64_t, K> zero{};
    fn(base.data(), zero.data(), int64_t{1});
    return;
  }
  const int64_t inner = dims.back();
  const std::array<int64_t, K> inner_strides = strides.back();
  const int64_t outer_dims = static_cast<int64_t>(dims.size()) - 1;
  int64_t rows = 1;
  for (int64_t d = 0; d < outer_dims; ++d) rows *= dims[d];
  const int64_t row_grain = grain / inner + 1;
  parallel_for(0, rows, row_grain, [&](int64_t lo, int64_t hi) {
    for (int64_t row = lo; row < hi; ++row) {
      std::array<char*, K> p = base;
      for (int64_t d = outer_dims - 1, r = row; d >= 0; --d) {
        const int64_t i = r % dims[d];
        r /= dims[d];
        for (size_t k = 0; k < K; ++k) p[k] += i * strides[d][k];
      }
      fn(p.data(), inner_strides.data(), inner);
    }
  });
}

}  // namespace ember::kernels
