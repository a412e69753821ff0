// log-softmax along the middle axis of a contiguous (outer, size, inner) block, in one pass per
// line: the max, the sum of exponentials and the log, with no temporaries. As a composition of
// ops (amax, sub, exp, sum, log, sub) it took ten ops and ~12 us on the MLP's 64 x 10 logits;
// this takes about one. Contiguous lines (the class axis last) take their exponentials 16 at a
// time (exp.h).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ember/core/parallel.h"
#include "ember/kernels/exp.h"

namespace ember::kernels {

/// out[o, k, i] = x[o, k, i] - log(sum_k' exp(x[o, k', i])), computed as (x - m) - log(sum exp(x - m))
/// with m the line's max, as PyTorch does (m is taken as 0 where it is infinite, so that a line
/// of -inf gives NaN as the formula does, not inf - inf everywhere). Exponentials in T, their sum
/// in double (in float lanes first, for a contiguous float line).
template <class T>
void log_softmax(const T* x, int64_t outer, int64_t size, int64_t inner, T* out) {
  parallel_for(0, outer * inner, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(size, 1)),
               [&](int64_t lo, int64_t hi) {
                 for (int64_t line = lo; line < hi; ++line) {
                   const int64_t base = line / inner * size * inner + line % inner;
                   const T* in = x + base;
                   T m = -INFINITY;
                   for (int64_t k = 0; k < size; ++k) m = std::max(m, in[k * inner]);
                   if (std::isinf(m)) m = 0;
                   double sum = 0;
                   if (inner == 1)
                     sum = sum_exp_shifted(in, size, m);
                   else
                     for (int64_t k = 0; k < size; ++k) sum += std::exp(in[k * inner] - m);
                   const T log_sum = static_cast<T>(std::log(sum));
                   for (int64_t k = 0; k < size; ++k) out[base + k * inner] = (in[k * inner] - m) - log_sum;
                 }
               });
}

}  // namespace ember::kernels
