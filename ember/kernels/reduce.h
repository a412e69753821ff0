// Reductions over the middle axis of a contiguous (outer, R, inner) block into an (outer, inner)
// result. The ops layer brings any reduction into this form: reduced dims that are adjacent in a
// contiguous tensor already are (no copy); otherwise they are permuted last and copied.
// Accumulators are wider than the data where that matters (double for float sums), so a sum of
// millions of float32 values stays within float tolerance of PyTorch's pairwise sum.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <cstdint>
#include <vector>

#include "ember/core/parallel.h"
#include "ember/kernels/wrapping.h"

namespace ember::kernels {

/// Runs op over every (o, i) line of length R. Op provides: using Acc; Acc init();
/// Acc combine(Acc, T value, int64_t r); Acc merge(Acc earlier, Acc later); void write(pos, Acc).
template <class T, class Op>
void reduce(const T* in, int64_t outer, int64_t R, int64_t inner, Op& op) {
  using Acc = typename Op::Acc;
  if (outer == 0 || inner == 0) return;
  const int threads = get_num_threads();
  if (outer == 1 && inner == 1 && R > kElementwiseGrain && threads > 1) {
    // One long line: each thread reduces a chunk, then the partials merge in order.
    std::vector<Acc> partial(threads, op.init());
    parallel_for(0, threads, 0, [&](int64_t lo, int64_t hi) {
      for (int64_t c = lo; c < hi; ++c) {
        Acc a = op.init();
        for (int64_t r = R * c / threads; r < R * (c + 1) / threads; ++r) a = op.combine(a, in[r], r);
        partial[c] = a;
      }
    });
    Acc a = partial[0];
    for (int c = 1; c < threads; ++c) a = op.merge(a, partial[c]);
    op.write(0, a);
    return;
  }
  if (inner == 1) {
    parallel_for(0, outer, kElementwiseGrain / (R + 1) + 1, [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; ++o) {
        const T* line = in + o * R;
        Acc a = op.init();
        for (int64_t r = 0; r < R; ++r) a = op.combine(a, line[r], r);
        op.write(o, a);
      }
    });
    return;
  }
  // inner > 1: walk rows of `inner` contiguous values, keeping a block of accumulators, so the
  // loads are sequential and the combine vectorises across i.
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  parallel_for(0, outer * blocks, kElementwiseGrain / ((R + 1) * kBlock) + 1, [&](int64_t lo, int64_t hi) {
    Acc acc[kBlock];
    for (int64_t job = lo; job < hi; ++job) {
      const int64_t o = job / blocks, i0 = (job % blocks) * kBlock;
      const int64_t width = std::min(kBlock, inner - i0);
      for (int64_t i = 0; i < width; ++i) acc[i] = op.init();
      for (int64_t r = 0; r < R; ++r) {
        const T* row = in + (o * R + r) * inner + i0;
        for (int64_t i = 0; i < width; ++i) acc[i] = op.combine(acc[i], row[i], r);
      }
      for (int64_t i = 0; i < width; ++i) op.write(o * inner + i0 + i, acc[i]);
    }
  });
}

/// Accumulator type of a sum: double for floating types, int64 for integers (as torch.sum),
/// which wraps around on overflow as PyTorch's does.
template <class T> using SumAcc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;

template <class T, class Out>
struct SumOp {
  using Acc = SumAcc<T>;
  Out* out;
  Acc init() const { return 0; }
  Acc combine(Acc a, T v, int64_t) const { return wrapping_add(a, static_cast<Acc>(v)); }
  Acc merge(Acc a, Acc b) const { return wrapping_add(a, b); }
  void write(int64_t pos, Acc a) const { out[pos] = static_cast<Out>(a); }
};

template <class T, class Out>
struct ProdOp {
  using Acc = SumAcc<T>;
  Out* out;
  Acc init() const { return 1; }
  Acc combine(Acc a, T v, int64_t) const { return wrapping_mul(a, static_cast<Acc>(v)); }
  Acc merge(Acc a, Acc b) const { return wrapping_mul(a, b); }
  void write(int64_t pos, Acc a) const { out[pos] = static_cast<Out>(a); }
};

/// Max (or min) and the index of its first occurrence; NaN wins, as in PyTorch. Either output
/// pointer may be null.
template <class T, bool kMax>
struct ExtremeOp {
  struct Acc {
    T v;
    int64_t i;
  };
  T* values;
  int64_t* indices;
  static bool better(T x, T best) {
    if (x != x) return best == best;  // first NaN wins over any number
    return kMax ? x > best : x < best;
  }
  Acc init() const { return {kMax ? lowest() : highest(), -1}; }
  Acc combine(Acc a, T v, int64_t r) const { return (a.i < 0 || better(v, a.v)) ? Acc{v, r} : a; }
  Acc merge(Acc a, Acc b) const { return (a.i < 0 || (b.i >= 0 && better(b.v, a.v))) ? b : a; }
  void write(int64_t pos, Acc a) const {
    if (values) values[pos] = a.v;
    if (indices) indices[pos] = a.i;
  }
  static T lowest() { return std::numeric_limits<T>::lowest(); }
  static T highest() { return std::numeric_limits<T>::max(); }
};

/// out[o, r, i] = product of in[o, r', i] over r' != r: the gradient of prod, exact when some
/// inputs are zero (dividing the product by in[o, r, i] would give 0/0 there).
template <class T>
void prod_exclusive(const T* in, int64_t outer, int64_t R, int64_t inner, T* out) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const T* line = in + o * R * inner + i;
      T* res = out + o * R * inner + i;
      T prefix = 1;
      for (int64_t r = 0; r < R; ++r) {
        res[r * inner] = prefix;
        prefix *= line[r * inner];
      }
      T suffix = 1;
      for (int64_t r = R; r-- > 0;) {
        res[r * inner] *= suffix;
        suffix *= line[r * inner];
      }
    }
}

}  // namespace ember::kernels
