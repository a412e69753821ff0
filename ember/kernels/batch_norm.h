// Batch normalisation's passes over (N, C, S) data: channel c's values are N runs of S
// contiguous values (S = H * W, or 1 for (N, C) input), run n starting at (n * C + c) * S. Each
// function works on one channel, so channels can go to different threads and the result never
// depends on the split. Sums run in 16 float lanes within a run and in double across runs.
#pragma once

#include <cstdint>

#include "ember/kernels/lane_sum.h"

namespace ember::kernels {

struct ChannelLayout {
  int64_t images, channels, spatial;  // N, C, S
  int64_t count() const { return images * spatial; }  // values per channel
  int64_t run(int64_t n, int64_t c) const { return (n * channels + c) * spatial; }
};

/// Channel c's mean and biased variance, in two passes (the variance of x - mean, which stays
/// accurate when the mean is large).
template <class T>
void channel_moments(const ChannelLayout& l, const T* x, int64_t c, double& mean, double& var) {
  double sum = 0;
  for (int64_t n = 0; n < l.images; ++n) {
    const T* p = x + l.run(n, c);
    sum += lane_sum<T, double>(l.spatial, [p](int64_t i) { return p[i]; });
  }
  mean = sum / static_cast<double>(l.count());
  const T m = static_cast<T>(mean);
  double squares = 0;
  for (int64_t n = 0; n < l.images; ++n) {
    const T* p = x + l.run(n, c);
    squares += lane_sum<T, double>(l.spatial, [p, m](int64_t i) { return (p[i] - m) * (p[i] - m); });
  }
  var = squares / static_cast<double>(l.count());
}

/// y = a * x + b over channel c.
template <class T>
void channel_affine(const ChannelLayout& l, const T* x, int64_t c, T a, T b, T* y) {
  for (int64_t n = 0; n < l.images; ++n) {
    const int64_t at = l.run(n, c);
    for (int64_t i = 0; i < l.spatial; ++i) y[at + i] = a * x[at + i] + b;
  }
}

/// Channel c's sums for the backward: sum(gy) and sum(gy * (x - mean)).
template <class T>
void channel_gradient_sums(const ChannelLayout& l, const T* x, const T* gy, int64_t c, T mean, double& sum_gy,
                           double& sum_gy_centered) {
  sum_gy = 0;
  sum_gy_centered = 0;
  for (int64_t n = 0; n < l.images; ++n) {
    const T *px = x + l.run(n, c), *pg = gy + l.run(n, c);
    sum_gy += lane_sum<T, double>(l.spatial, [pg](int64_t i) { return pg[i]; });
    sum_gy_centered += lane_sum<T, double>(l.spatial, [px, pg, mean](int64_t i) { return pg[i] * (px[i] - mean); });
  }
}

/// gx = a * gy + b * x + d over channel c (the input gradient, with its terms folded per channel).
template <class T>
void channel_gradient(const ChannelLayout& l, const T* x, const T* gy, int64_t c, T a, T b, T d, T* gx) {
  for (int64_t n = 0; n < l.images; ++n) {
    const int64_t at = l.run(n, c);
    for (int64_t i = 0; i < l.spatial; ++i) gx[at + i] = a * gy[at + i] + b * x[at + i] + d;
  }
}

}  // namespace ember::kernels
