// Pooling over 2-D windows, plane by plane (a plane is one channel of one image, H x W,
// contiguous). The window geometry is im2col's Window2d; its `channels` is ignored here.
// Max pooling records, for every output, the flat index (iy * W + ix) of the input it took, as
// PyTorch's return_indices does: its backward sends each gradient to that one input.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "ember/kernels/im2col.h"

namespace ember::kernels {

namespace detail {
// The taps [lo, hi) of a window that starts at `start` (taps `dilation` apart) which land inside
// [0, size), and how many land inside [.., size + pad): the window's extent with the padding
// counted, for count_include_pad. Loops, not divisions: they run per output, and a division
// costs more than the whole 2 x 2 window.
struct Taps {
  int64_t lo, hi, padded;
};
inline Taps window_taps(int64_t start, int64_t kernel, int64_t dilation, int64_t size, int64_t pad) {
  Taps t{0, kernel, kernel};
  while (t.lo < t.hi && start + t.lo * dilation < 0) ++t.lo;
  while (t.hi > t.lo && start + (t.hi - 1) * dilation >= size) --t.hi;
  while (t.padded > 0 && start + (t.padded - 1) * dilation >= size + pad) --t.padded;
  return t;
}

// Calls fn(o, pixels, padded_area, inside) for each output o of one plane: pixels(visit) calls
// visit on the flat index (iy * W + ix) of each pixel the window covers in the image, row by row;
// the window's area with the padding counted and without it.
template <class Fn>
void for_each_window(const Window2d& w, Fn fn) {
  const int64_t ho = w.out_height(), wo = w.out_width();
  for (int64_t oy = 0; oy < ho; ++oy) {
    const int64_t y = oy * w.stride_h - w.pad_h;
    const Taps ty = window_taps(y, w.kernel_h, w.dilation_h, w.height, w.pad_h);
    for (int64_t ox = 0; ox < wo; ++ox) {
      const int64_t x = ox * w.stride_w - w.pad_w;
      const Taps tx = window_taps(x, w.kernel_w, w.dilation_w, w.width, w.pad_w);
      auto pixels = [&](auto visit) {
        for (int64_t i = ty.lo; i < ty.hi; ++i) {
          const int64_t row = (y + i * w.dilation_h) * w.width + x;
          for (int64_t j = tx.lo; j < tx.hi; ++j) visit(row + j * w.dilation_w);
        }
      };
      fn(oy * wo + ox, pixels, ty.padded * tx.padded, (ty.hi - ty.lo) * (tx.hi - tx.lo));
    }
  }
}
}  // namespace detail

namespace detail {
// The outputs [first, end) along one axis whose windows lie wholly inside the image.
inline std::pair<int64_t, int64_t> interior(int64_t out, int64_t kernel, int64_t stride, int64_t pad,
                                            int64_t dilation, int64_t size) {
  int64_t first = 0, end = out;
  while (first < end && first * stride - pad < 0) ++first;
  while (end > first && (end - 1) * stride - pad + (kernel - 1) * dilation >= size) --end;
  return {first, end};
}

// Keeps (best, best_at) the larger of itself and (v, at); a NaN always wins (the last one, as in
// PyTorch). With masks, not branches: on real data "is this one bigger?" is a coin toss that the
// branch predictor loses half the time (LeNet's first pooling layer: 1.4 ms -> 0.77 ms, PyTorch
// 1.38 ms), and GCC turns a plain `take ? v : best` back into a branch.
template <class T>
inline void keep_max(T v, int64_t at, T& best, int64_t& best_at) {
  using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  const bool take = (v > best) | (v != v);  // v != v: NaN
  const Bits value_mask = Bits(0) - Bits(take);
  const uint64_t index_mask = uint64_t(0) - uint64_t(take);
  best = std::bit_cast<T>(std::bit_cast<Bits>(best) ^ ((std::bit_cast<Bits>(best) ^ std::bit_cast<Bits>(v)) & value_mask));
  best_at = static_cast<int64_t>(static_cast<uint64_t>(best_at) ^ ((static_cast<uint64_t>(best_at) ^ static_cast<uint64_t>(at)) & index_mask));
}
}  // namespace detail

/// out[p, o] = the max of plane p's window o, and index[p, o] where it was. A NaN wins (the
/// last one, as in PyTorch); the padding never does.
template <class T>
void max_pool2d(const Window2d& w, int64_t planes, const T* in, T* out, int64_t* index) {
  const int64_t plane_in = w.height * w.width, wo = w.out_width(), plane_out = w.out_height() * wo;
  const auto [rows_first, rows_end] = detail::interior(w.out_height(), w.kernel_h, w.stride_h, w.pad_h, w.dilation_h, w.height);
  const auto [cols_first, cols_end] = detail::interior(wo, w.kernel_w, w.stride_w, w.pad_w, w.dilation_w, w.width);
  const bool all_interior = rows_first == 0 && rows_end == w.out_height() && cols_first == 0 && cols_end == wo;
  for (int64_t p = 0; p < planes; ++p, in += plane_in, out += plane_out, index += plane_out) {
    // Windows at the edges, where the padding clips them: with bounds checks.
    if (!all_interior)
      detail::for_each_window(w, [&](int64_t o, auto pixels, int64_t, int64_t) {
        const int64_t oy = o / wo, ox = o % wo;
        if (oy >= rows_first && oy < rows_end && ox >= cols_first && ox < cols_end) return;
        T best = -std::numeric_limits<T>::infinity();
        int64_t best_at = -1;
        pixels([&](int64_t at) {
          if (best_at < 0) best_at = at;  // the first pixel, in case every one is -inf
          detail::keep_max(in[at], at, best, best_at);
        });
        out[o] = best;
        index[o] = best_at;
      });
    // Windows inside the image: no checks, and a whole output row at a time, one window tap
    // after another, so that the row's running maxima are independent steps the core overlaps
    // (one window at a time is a chain of dependent ones: 1.0 ms instead of 0.77 for LeNet's
    // first pooling layer).
    for (int64_t oy = rows_first; oy < rows_end; ++oy) {
      T* best = out + oy * wo;
      int64_t* best_at = index + oy * wo;
      for (int64_t i = 0; i < w.kernel_h; ++i)
        for (int64_t j = 0; j < w.kernel_w; ++j) {
          const int64_t tap = (oy * w.stride_h - w.pad_h + i * w.dilation_h) * w.width + j * w.dilation_w - w.pad_w;
          for (int64_t ox = cols_first; ox < cols_end; ++ox) {
            const int64_t at = tap + ox * w.stride_w;
            if (i == 0 && j == 0) best[ox] = in[at], best_at[ox] = at;
            else detail::keep_max(in[at], at, best[ox], best_at[ox]);
          }
        }
    }
  }
}

/// grad_in[p, index[p, o]] += grad_out[p, o]; grad_in must start zeroed.
template <class T>
void max_pool2d_backward(const Window2d& w, int64_t planes, const T* grad_out, const int64_t* index, T* grad_in) {
  const int64_t plane_in = w.height * w.width, plane_out = w.out_height() * w.out_width();
  for (int64_t p = 0; p < planes; ++p, grad_out += plane_out, index += plane_out, grad_in += plane_in)
    for (int64_t o = 0; o < plane_out; ++o) grad_in[index[o]] += grad_out[o];
}

/// out[p, o] = the mean of plane p's window o: divided by the window's area with the padding
/// counted (count_include_pad, PyTorch's default) or by the pixels that lie in the image.
template <class T>
void avg_pool2d(const Window2d& w, int64_t planes, const T* in, T* out, bool count_include_pad) {
  const int64_t plane_in = w.height * w.width, plane_out = w.out_height() * w.out_width();
  for (int64_t p = 0; p < planes; ++p, in += plane_in, out += plane_out)
    detail::for_each_window(w, [&](int64_t o, auto pixels, int64_t padded_area, int64_t inside) {
      T sum = 0;
      pixels([&](int64_t at) { sum += in[at]; });
      out[o] = sum / static_cast<T>(count_include_pad ? padded_area : inside);
    });
}

/// The adjoint of avg_pool2d: each output's gradient, divided as the forward divided, goes to
/// every pixel of its window. grad_in must start zeroed.
template <class T>
void avg_pool2d_backward(const Window2d& w, int64_t planes, const T* grad_out, T* grad_in, bool count_include_pad) {
  const int64_t plane_in = w.height * w.width, plane_out = w.out_height() * w.out_width();
  for (int64_t p = 0; p < planes; ++p, grad_out += plane_out, grad_in += plane_in)
    detail::for_each_window(w, [&](int64_t o, auto pixels, int64_t padded_area, int64_t inside) {
      const T share = grad_out[o] / static_cast<T>(count_include_pad ? padded_area : inside);
      pixels([&](int64_t at) { grad_in[at] += share; });
    });
}

}  // namespace ember::kernels
