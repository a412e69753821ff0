// Gather and scatter-add along one dim: the kernels behind gather, index_select, max(dim) and
// their gradients. The index and the output (or source) are contiguous with the index's shape;
// `src`/`dst` may be strided. Indices were bounds-checked by the caller.
//   gather:      out[p] = src[p with p[dim] replaced by index[p]]
//   scatter_add: dst[p with p[dim] replaced by index[p]] += src[p]
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ember/core/parallel.h"

namespace ember::kernels {

namespace detail {
// Calls fn(linear position, offset into the strided tensor) for each position of `sizes`,
// where the offset uses index[position] in place of the coordinate along `dim`.
template <class F>
void walk_indexed(const std::vector<int64_t>& sizes, int64_t dim, const int64_t* strides,
                  const int64_t* index, F fn) {
  const int64_t ndim = static_cast<int64_t>(sizes.size());
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  std::vector<int64_t> pos(ndim, 0);
  int64_t base = 0;  // offset of pos with pos[dim] treated as 0
  for (int64_t i = 0; i < n; ++i) {
    fn(i, base + index[i] * strides[dim]);
    for (int64_t d = ndim - 1; d >= 0; --d) {  // advance the multi-index like an odometer
      if (++pos[d] < sizes[d]) {
        if (d != dim) base += strides[d];
        break;
      }
      if (d != dim) base -= (sizes[d] - 1) * strides[d];
      pos[d] = 0;
    }
  }
}
}  // namespace detail

template <class T>
void gather(const std::vector<int64_t>& index_sizes, int64_t dim, const T* src,
            const int64_t* src_strides, const int64_t* index, T* out) {
  detail::walk_indexed(index_sizes, dim, src_strides, index,
                       [&](int64_t i, int64_t offset) { out[i] = src[offset]; });
}

template <class T>
void scatter_add(const std::vector<int64_t>& index_sizes, int64_t dim, T* dst,
                 const int64_t* dst_strides, const int64_t* index, const T* src) {
  detail::walk_indexed(index_sizes, dim, dst_strides, index,
                       [&](int64_t i, int64_t offset) { dst[offset] += src[i]; });
}

/// index_select on a contiguous (outer, size, inner) block: out[o, j, :] = src[o, index[j], :],
/// one contiguous row of `inner` elements at a time.
template <class T>
void index_select_rows(const T* src, int64_t outer, int64_t size, int64_t inner, const int64_t* index, int64_t n, T* out) {
  // Rows picked at random from a large table (a shuffled batch) each start with cache misses;
  // fetching the row 4 ahead while this one is copied overlaps them, and a second core fetching
  // its own half overlaps twice as many (bench/results/2026-12-04_gemm_plan.txt: index_select).
  constexpr int64_t kLine = 64 / sizeof(T) > 0 ? 64 / sizeof(T) : 1, kAhead = 4;
  parallel_for(0, outer * n, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {  // output row r = (o, j)
      const int64_t o = r / n, j = r % n;
      if (r + kAhead < hi)
        for (int64_t i = 0; i < inner; i += kLine)
          __builtin_prefetch(src + ((r + kAhead) / n * size + index[(r + kAhead) % n]) * inner + i);
      const T* from = src + (o * size + index[j]) * inner;
      T* to = out + r * inner;
      for (int64_t i = 0; i < inner; ++i) to[i] = from[i];
    }
  });
}

/// The adjoint: dst[o, index[j], :] += src[o, j, :] (repeated indices accumulate).
template <class T>
void index_add_rows(const T* src, int64_t outer, int64_t n, int64_t inner, const int64_t* index, int64_t size, T* dst) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < n; ++j) {
      const T* from = src + (o * n + j) * inner;
      T* to = dst + (o * size + index[j]) * inner;
      for (int64_t i = 0; i < inner; ++i) to[i] += from[i];
    }
}

}  // namespace ember::kernels
