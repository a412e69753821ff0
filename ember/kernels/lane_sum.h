// A sum in 16 interleaved partial sums, which the compiler vectorises: one running sum is a chain
// of dependent adds, a few times slower. The tail, then the 16 lanes, are added into an Acc (the
// data's type, or double where long sums need it).
#pragma once

#include <cstdint>

namespace ember::kernels {

/// The sum of f(i) for i in [0, n), f returning T.
template <class T, class Acc = T, class F>
Acc lane_sum(int64_t n, F f) {
  constexpr int64_t kLanes = 16;
  T lanes[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) lanes[l] += f(i + l);
  Acc total = 0;
  for (; i < n; ++i) total += f(i);
  for (int64_t l = 0; l < kLanes; ++l) total += lanes[l];
  return total;
}

}  // namespace ember::kernels
