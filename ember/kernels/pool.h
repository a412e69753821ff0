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
// counted, for count_include_pad. (Short loops: a window is a few taps wide.)
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

// The outputs [first, end) along one axis whose windows lie wholly inside the image.
inline std::pair<int64_t, int64_t> interior(int64_t out, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation,
                                            int64_t size) {
  int64_t first = 0, end = out;
  while (first < end && first * stride - pad < 0) ++first;
  while (end > first && (end - 1) * stride - pad + (kernel - 1) * dilation >= size) --end;
  return {first, end};
}

// Keeps (best, best_at) the larger of itself and (v, at); a NaN always wins (the last one, as in
// PyTorch). With masks, not branches: on real data "is this one bigger?" is a coin toss that the
// branch predictor loses half the time, and GCC turns a plain `take ? v : best` into a branch.
template <class T>
inline void keep_max(T v, int32_t at, T& best, int32_t& best_at) {
  using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  const bool take = (v > best) | (v != v);  // v != v: NaN
  const Bits mask = Bits(0) - Bits(take);
  best = std::bit_cast<T>(std::bit_cast<Bits>(best) ^ ((std::bit_cast<Bits>(best) ^ std::bit_cast<Bits>(v)) & mask));
  best_at ^= (best_at ^ at) & -static_cast<int32_t>(take);
}

// Whether any of n values is a NaN, as integer compares on the bits (a NaN's exponent bits are all
// ones and its mantissa is not zero) that the compiler vectorises; `v != v` per value is not.
template <class T>
bool has_nan(const T* p, int64_t n) {
  using Bits = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;
  constexpr Bits kAbs = std::numeric_limits<Bits>::max();  // all bits but the sign
  const Bits inf = std::bit_cast<Bits>(std::numeric_limits<T>::infinity());
  Bits nan = 0;
  for (int64_t i = 0; i < n; ++i) nan |= static_cast<Bits>((std::bit_cast<Bits>(p[i]) & kAbs) > inf);
  return nan != 0;
}
}  // namespace detail

/// out[p, o] = the max of plane p's window o, and index[p, o] where it was (its flat index in the
/// plane; the first of equal maxima). A NaN wins (the last one, as in PyTorch); the padding never
/// does.
template <class T>
void max_pool2d(const Window2d& w, int64_t planes, const T* in, T* out, int32_t* index) {
  const int64_t plane_in = w.height * w.width, wo = w.out_width(), plane_out = w.out_height() * wo;
  // Plain variables, not structured bindings: the lambdas below use them, and clang 14 cannot
  // capture a structured binding.
  const auto rows = detail::interior(w.out_height(), w.kernel_h, w.stride_h, w.pad_h, w.dilation_h, w.height);
  const auto cols = detail::interior(wo, w.kernel_w, w.stride_w, w.pad_w, w.dilation_w, w.width);
  const int64_t rows_first = rows.first, rows_end = rows.second, cols_first = cols.first, cols_end = cols.second;
  const bool all_interior = rows_first == 0 && rows_end == w.out_height() && cols_first == 0 && cols_end == wo;
  for (int64_t p = 0; p < planes; ++p, in += plane_in, out += plane_out, index += plane_out) {
    // Windows at the edges (the padding clips them) and every window of a plane with a NaN: one
    // at a time, with bounds checks and the exact NaN rule.
    const bool nan = detail::has_nan(in, plane_in);
    if (nan || !all_interior)
      detail::for_each_window(w, [&](int64_t o, auto pixels, int64_t, int64_t) {
        const int64_t oy = o / wo, ox = o % wo;
        if (!nan && oy >= rows_first && oy < rows_end && ox >= cols_first && ox < cols_end) return;
        T best = -std::numeric_limits<T>::infinity();
        int32_t best_at = -1;
        pixels([&](int64_t at) {
          if (best_at < 0) best_at = static_cast<int32_t>(at);  // the first pixel, in case all are -inf
          detail::keep_max(in[at], static_cast<int32_t>(at), best, best_at);
        });
        out[o] = best;
        index[o] = best_at;
      });
    if (nan) continue;
    // Windows inside a NaN-free plane: a whole output row at a time, one window tap after another,
    // as selects the compiler vectorises: first the maxima, then where each one was. (One window
    // at a time, tracking value and index together, is a chain of dependent steps: LeNet's first
    // pooling layer took 1.4 ms that way, PyTorch 1.38 ms; 0.37 ms like this.)
    auto tap_at = [&](int64_t oy, int64_t i, int64_t j) {
      return (oy * w.stride_h - w.pad_h + i * w.dilation_h) * w.width + j * w.dilation_w - w.pad_w;
    };
    // kStride: the column stride when known at compile time (1 or 2: the loads then vectorise),
    // else 0 and the window's own.
    auto interior_rows = [&]<int64_t kStride>() {
      const int64_t sx = kStride ? kStride : w.stride_w;
      for (int64_t oy = rows_first; oy < rows_end; ++oy) {
        T* best = out + oy * wo;
        int32_t* best_at = index + oy * wo;
        for (int64_t ox = cols_first; ox < cols_end; ++ox) best[ox] = in[tap_at(oy, 0, 0) + ox * sx];
        for (int64_t i = 0; i < w.kernel_h; ++i)
          for (int64_t j = 0; j < w.kernel_w; ++j) {
            const T* values = in + tap_at(oy, i, j);
            for (int64_t ox = cols_first; ox < cols_end; ++ox) {
              const T v = values[ox * sx];
              best[ox] = v > best[ox] ? v : best[ox];
            }
          }
        // Taps in reverse, so that the first tap holding the maximum is the one that stays.
        for (int64_t ox = cols_first; ox < cols_end; ++ox)
          best_at[ox] = static_cast<int32_t>(tap_at(oy, 0, 0) + ox * sx);
        for (int64_t i = w.kernel_h - 1; i >= 0; --i)
          for (int64_t j = w.kernel_w - 1; j >= 0; --j) {
            const int32_t tap = static_cast<int32_t>(tap_at(oy, i, j));
            const T* values = in + tap;
            for (int64_t ox = cols_first; ox < cols_end; ++ox) {
              const int32_t at = tap + static_cast<int32_t>(ox * sx);
              best_at[ox] ^= (best_at[ox] ^ at) & -static_cast<int32_t>(values[ox * sx] == best[ox]);
            }
          }
      }
    };
    if (w.stride_w == 2)
      interior_rows.template operator()<2>();
    else if (w.stride_w == 1)
      interior_rows.template operator()<1>();
    else
      interior_rows.template operator()<0>();
  }
}

/// grad_in[p, index[p, o]] += grad_out[p, o]; grad_in must start zeroed.
template <class T>
void max_pool2d_backward(const Window2d& w, int64_t planes, const T* grad_out, const int32_t* index, T* grad_in) {
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
