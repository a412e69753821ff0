// Pooling over 2-D windows, plane by plane (a plane is one channel of one image, H x W,
// contiguous). The window geometry is im2col's Window2d; its `channels` is ignored here.
// Max pooling records, for every output, the flat index (iy * W + ix) of the input it took, as
// PyTorch's return_indices does: its backward sends each gradient to that one input.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "ember/kernels/im2col.h"

namespace ember::kernels {

namespace detail {
// Calls fn(o, y, x, padded_area) for each output o, with (y, x) its window's top-left corner
// (maybe in the padding) and the window's area with the padding counted (count_include_pad).
template <class Fn>
void for_each_window(const Window2d& w, Fn fn) {
  const int64_t ho = w.out_height(), wo = w.out_width();
  for (int64_t oy = 0; oy < ho; ++oy)
    for (int64_t ox = 0; ox < wo; ++ox) {
      const int64_t y = oy * w.stride_h - w.pad_h, x = ox * w.stride_w - w.pad_w;
      const int64_t rows =
          (std::min(y + (w.kernel_h - 1) * w.dilation_h + 1, w.height + w.pad_h) - y + w.dilation_h - 1) / w.dilation_h;
      const int64_t cols =
          (std::min(x + (w.kernel_w - 1) * w.dilation_w + 1, w.width + w.pad_w) - x + w.dilation_w - 1) / w.dilation_w;
      fn(oy * wo + ox, y, x, rows * cols);
    }
}

// Calls fn(iy * W + ix) for each pixel of the window at (y, x) that lies in the image, row by row.
template <class Fn>
void for_each_pixel(const Window2d& w, int64_t y, int64_t x, Fn fn) {
  for (int64_t i = 0; i < w.kernel_h; ++i) {
    const int64_t iy = y + i * w.dilation_h;
    if (iy < 0 || iy >= w.height) continue;
    for (int64_t j = 0; j < w.kernel_w; ++j) {
      const int64_t ix = x + j * w.dilation_w;
      if (ix >= 0 && ix < w.width) fn(iy * w.width + ix);
    }
  }
}
}  // namespace detail

/// out[p, o] = the max of plane p's window o, and index[p, o] where it was. A NaN wins (the
/// last one, as in PyTorch); the padding never does.
template <class T>
void max_pool2d(const Window2d& w, int64_t planes, const T* in, T* out, int64_t* index) {
  const int64_t plane_in = w.height * w.width, plane_out = w.out_height() * w.out_width();
  for (int64_t p = 0; p < planes; ++p, in += plane_in, out += plane_out, index += plane_out)
    detail::for_each_window(w, [&](int64_t o, int64_t y, int64_t x, int64_t) {
      T best = -std::numeric_limits<T>::infinity();
      int64_t best_at = -1;
      detail::for_each_pixel(w, y, x, [&](int64_t at) {
        if (best_at < 0 || in[at] > best || std::isnan(in[at])) best = in[at], best_at = at;
      });
      out[o] = best;
      index[o] = best_at;
    });
}

/// grad_in[p, index[p, o]] += grad_out[p, o]; grad_in must start zeroed.
template <class T>
void max_pool2d_backward(const Window2d& w, int64_t planes, const T* grad_out, const int64_t* index, T* grad_in) {
  const int64_t plane_in = w.height * w.width, plane_out = w.out_height() * w.out_width();
  for (int64_t p = 0; p < planes; ++p, grad_out += plane_out, index += plane_out, grad_in += plane_in)
    for (int64_t o = 0; o < plane_out; ++o) grad_in[index[o]] += grad_out[o];
}

namespace detail {
template <class T>
T avg_divisor(const Window2d& w, int64_t y, int64_t x, int64_t padded_area, bool count_include_pad) {
  if (count_include_pad) return static_cast<T>(padded_area);
  int64_t inside = 0;
  for_each_pixel(w, y, x, [&](int64_t) { ++inside; });
  return static_cast<T>(inside);
}
}  // namespace detail

/// out[p, o] = the mean of plane p's window o: divided by the window's area with the padding
/// counted (count_include_pad, PyTorch's default) or by the pixels that lie in the image.
template <class T>
void avg_pool2d(const Window2d& w, int64_t planes, const T* in, T* out, bool count_include_pad) {
  const int64_t plane_in = w.height * w.width, plane_out = w.out_height() * w.out_width();
  for (int64_t p = 0; p < planes; ++p, in += plane_in, out += plane_out)
    detail::for_each_window(w, [&](int64_t o, int64_t y, int64_t x, int64_t padded_area) {
      T sum = 0;
      detail::for_each_pixel(w, y, x, [&](int64_t at) { sum += in[at]; });
      out[o] = sum / detail::avg_divisor<T>(w, y, x, padded_area, count_include_pad);
    });
}

/// The adjoint of avg_pool2d: each output's gradient, divided as the forward divided, goes to
/// every pixel of its window. grad_in must start zeroed.
template <class T>
void avg_pool2d_backward(const Window2d& w, int64_t planes, const T* grad_out, T* grad_in, bool count_include_pad) {
  const int64_t plane_in = w.height * w.width, plane_out = w.out_height() * w.out_width();
  for (int64_t p = 0; p < planes; ++p, grad_out += plane_out, grad_in += plane_in)
    detail::for_each_window(w, [&](int64_t o, int64_t y, int64_t x, int64_t padded_area) {
      const T share = grad_out[o] / detail::avg_divisor<T>(w, y, x, padded_area, count_include_pad);
      detail::for_each_pixel(w, y, x, [&](int64_t at) { grad_in[at] += share; });
    });
}

}  // namespace ember::kernels
