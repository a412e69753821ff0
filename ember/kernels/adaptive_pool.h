// Adaptive pooling: the output size is given and the windows follow from it, as PyTorch's: along
// a dim of size `in` pooled to `out`, output i covers [floor(i * in / out), ceil((i + 1) * in /
// out)), so windows cover the input exactly once when out divides in and overlap by a pixel
// otherwise. Plane by plane (one channel of one image, contiguous).
#pragma once

#include <cmath>
#include <cstdint>

namespace ember::kernels {

struct AdaptiveWindows {
  int64_t in_h, in_w, out_h, out_w;
  static int64_t start(int64_t i, int64_t in, int64_t out) { return i * in / out; }
  static int64_t end(int64_t i, int64_t in, int64_t out) { return ((i + 1) * in + out - 1) / out; }
  int64_t plane_in() const { return in_h * in_w; }
  int64_t plane_out() const { return out_h * out_w; }

  /// Calls fn(o, y0, y1, x0, x1) for each output o of a plane and its window.
  template <class Fn>
  void for_each(Fn fn) const {
    for (int64_t oy = 0; oy < out_h; ++oy)
      for (int64_t ox = 0; ox < out_w; ++ox)
        fn(oy * out_w + ox, start(oy, in_h, out_h), end(oy, in_h, out_h), start(ox, in_w, out_w), end(ox, in_w, out_w));
  }
};

template <class T>
void adaptive_avg_pool2d(const AdaptiveWindows& w, int64_t planes, const T* x, T* out) {
  for (int64_t p = 0; p < planes; ++p, x += w.plane_in(), out += w.plane_out())
    w.for_each([&](int64_t o, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
      T sum = 0;
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t i = x0; i < x1; ++i) sum += x[y * w.in_w + i];
      out[o] = sum / static_cast<T>((y1 - y0) * (x1 - x0));
    });
}

template <class T>
void adaptive_avg_pool2d_backward(const AdaptiveWindows& w, int64_t planes, const T* grad, T* grad_x) {
  for (int64_t p = 0; p < planes; ++p, grad += w.plane_out(), grad_x += w.plane_in())
    w.for_each([&](int64_t o, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
      const T share = grad[o] / static_cast<T>((y1 - y0) * (x1 - x0));
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t i = x0; i < x1; ++i) grad_x[y * w.in_w + i] += share;
    });
}

/// The max of each window and its flat index (y * W + x) in the plane. As PyTorch: the first of
/// equal maxima wins, and a NaN wins over any number (the last NaN, as PyTorch's loop).
template <class T>
void adaptive_max_pool2d(const AdaptiveWindows& w, int64_t planes, const T* x, T* out, int64_t* indices) {
  for (int64_t p = 0; p < planes; ++p, x += w.plane_in(), out += w.plane_out(), indices += w.plane_out())
    w.for_each([&](int64_t o, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
      int64_t best = y0 * w.in_w + x0;
      for (int64_t y = y0; y < y1; ++y)
        for (int64_t i = x0; i < x1; ++i) {
          const int64_t at = y * w.in_w + i;
          if (x[at] > x[best] || std::isnan(x[at])) best = at;
        }
      out[o] = x[best];
      indices[o] = best;
    });
}

template <class T>
void adaptive_max_pool2d_backward(const AdaptiveWindows& w, int64_t planes, const T* grad, const int64_t* indices,
                                  T* grad_x) {
  for (int64_t p = 0; p < planes; ++p, grad += w.plane_out(), indices += w.plane_out(), grad_x += w.plane_in())
    for (int64_t o = 0; o < w.plane_out(); ++o) grad_x[indices[o]] += grad[o];
}

}  // namespace ember::kernels
