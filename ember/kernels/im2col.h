// im2col and col2im: the step that turns a convolution into a matrix product (the course's
// "a conv layer is a matrix multiply"). For one image (C, H, W), the columns matrix has one row
// per weight position (c, i, j), C * kh * kw rows, and one column per output pixel (oy, ox):
//   cols[(c, i, j), (oy, ox)] = image[c, oy * sy - py + i * dy, ox * sx - px + j * dx]
// (0 where that falls in the padding). Then output (Cout, Ho * Wo) = weight (Cout, C*kh*kw) @ cols.
// col2im is its adjoint: it adds every column entry back onto the pixel it was read from, which
// is the input's gradient once the product's gradient is known.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ember/kernels/accumulate.h"

namespace ember::kernels {

/// The geometry of a 2-D window sliding over an image: kernel, stride, padding and dilation
/// per axis, and the output size they give (PyTorch's floor formula).
struct Window2d {
  int64_t channels, height, width;
  int64_t kernel_h, kernel_w, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1;
  /// Pooling's ceil_mode: one more output when the last stride overhangs the image, as long as
  /// that window starts inside the image or its left padding (PyTorch's rule).
  bool ceil_mode = false;

  bool operator==(const Window2d&) const = default;

  int64_t out_height() const { return out_size(height, kernel_h, stride_h, pad_h, dilation_h); }
  int64_t out_width() const { return out_size(width, kernel_w, stride_w, pad_w, dilation_w); }

 private:
  int64_t out_size(int64_t size, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation) const {
    const int64_t span = size + 2 * pad - dilation * (kernel - 1) - 1;  // negative: the kernel overhangs
    const int64_t floor_div = span >= 0 ? span / stride : -((-span + stride - 1) / stride);
    const int64_t ceil_div = span >= 0 ? (span + stride - 1) / stride : -(-span / stride);
    int64_t out = (ceil_mode ? ceil_div : floor_div) + 1;
    if (ceil_mode && (out - 1) * stride >= size + pad) --out;
    return out;
  }
};

namespace detail {
// The output columns ox in [lo, hi) whose input column ox * stride - pad + offset lies in [0, width).
inline void valid_range(int64_t offset, int64_t stride, int64_t pad, int64_t width, int64_t out_width, int64_t& lo,
                        int64_t& hi) {
  const int64_t first = pad - offset;  // ox * stride >= first
  lo = first <= 0 ? 0 : (first + stride - 1) / stride;
  const int64_t last = width + pad - offset;  // ox * stride < last
  hi = last <= 0 ? 0 : (last + stride - 1) / stride;
  lo = std::min(lo, out_width);
  hi = std::clamp(hi, lo, out_width);
}

// Calls row_op(cols_row, image_row, lo, hi) for every row of the columns matrix that reads an
// image row (image_row null: the row lies wholly in the padding), shared by im2col and col2im.
// ColT and ImageT carry the constness: im2col writes the columns, col2im writes the image.
// Row r of the columns starts at cols + r * ld.
template <class ColT, class ImageT, class RowOp>
void for_each_window_row(const Window2d& w, ColT* cols, int64_t ld, ImageT* image, RowOp row_op) {
  const int64_t ho = w.out_height(), wo = w.out_width();
  for (int64_t c = 0; c < w.channels; ++c)
    for (int64_t i = 0; i < w.kernel_h; ++i)
      for (int64_t j = 0; j < w.kernel_w; ++j) {
        int64_t lo, hi;
        valid_range(j * w.dilation_w, w.stride_w, w.pad_w, w.width, wo, lo, hi);
        ColT* row = cols + ((c * w.kernel_h + i) * w.kernel_w + j) * ld;
        for (int64_t oy = 0; oy < ho; ++oy, row += wo) {
          const int64_t iy = oy * w.stride_h - w.pad_h + i * w.dilation_h;
          const bool inside = iy >= 0 && iy < w.height;
          // image + (...) points at the input pixel of output column 0 (maybe outside the row).
          row_op(row, inside ? image + (c * w.height + iy) * w.width + j * w.dilation_w - w.pad_w : nullptr, lo, hi);
        }
      }
}

// Narrow outputs (fewer than kNarrowOutput columns: strided convolutions on small images, the
// course's BatchNorm CNN down to 1 x 1) are moved value by value through a map from output
// position to input offset, used for every channel and image: row by row, each 1-7 value row
// cost a call and three loops.
constexpr int64_t kNarrowOutput = 8;
inline bool narrow_output(const Window2d& w) { return w.out_width() < kNarrowOutput; }

// Stride 1 and an output as wide as the input (ResNet's and LeNet's padded convolutions): then
// a columns row is its image plane read from one offset, one contiguous run. Row by row, the
// 28-value copies cost as much as the products they fed.
inline bool same_width(const Window2d& w) { return w.stride_h == 1 && w.stride_w == 1 && w.out_width() == w.width; }

// For kernel position p = i * kw + j and output position l, map[p * L + l] is the plane offset
// that l reads (-1: padding). Made once per thread for the last geometry asked: every image of a
// batch, and the backward's col2im, ask for the same.
inline const std::vector<int64_t>& window_map(const Window2d& w) {
  thread_local Window2d made{};
  thread_local std::vector<int64_t> map;
  const int64_t ho = w.out_height(), wo = w.out_width();
  if (made == w && static_cast<int64_t>(map.size()) == w.kernel_h * w.kernel_w * ho * wo) return map;
  made = w;
  map.resize(static_cast<size_t>(w.kernel_h * w.kernel_w * ho * wo));
  int64_t* out = map.data();
  for (int64_t i = 0; i < w.kernel_h; ++i)
    for (int64_t j = 0; j < w.kernel_w; ++j)
      for (int64_t oy = 0; oy < ho; ++oy)
        for (int64_t ox = 0; ox < wo; ++ox) {
          const int64_t iy = oy * w.stride_h - w.pad_h + i * w.dilation_h;
          const int64_t ix = ox * w.stride_w - w.pad_w + j * w.dilation_w;
          *out++ = iy >= 0 && iy < w.height && ix >= 0 && ix < w.width ? iy * w.width + ix : -1;
        }
  return map;
}

// Calls row_op(cols_row, plane, source) for every row of the columns matrix of a narrow output,
// where source[l] (window_map) is the plane offset output position l reads, -1 in the padding.
template <class ColT, class ImageT, class RowOp>
void for_each_mapped_row(const Window2d& w, ColT* cols, int64_t ld, ImageT* image, RowOp row_op) {
  const int64_t L = w.out_height() * w.out_width(), positions = w.kernel_h * w.kernel_w, plane = w.height * w.width;
  const int64_t* map = window_map(w).data();
  for (int64_t c = 0; c < w.channels; ++c)
    for (int64_t p = 0; p < positions; ++p) row_op(cols + (c * positions + p) * ld, image + c * plane, map + p * L);
}

// A same-width columns row: position p (oy * W + ox) reads plane[p + shift]. Output rows
// [oy_lo, oy_hi) read inside the image and, within them, columns [lo, hi); [first, last) are the
// positions whose source lies in the plane (outside [lo, hi) they read a neighbouring row's edge).
struct PlaneRun {
  int64_t oy_lo, oy_hi, lo, hi, shift, first, last;
};

// Calls run_op(cols_row, plane, run) for every row of the columns matrix of a same-width window.
template <class ColT, class ImageT, class RunOp>
void for_each_plane_run(const Window2d& w, ColT* cols, int64_t ld, ImageT* image, RunOp run_op) {
  const int64_t ho = w.out_height(), W = w.width, plane = w.height * W;
  for (int64_t c = 0; c < w.channels; ++c)
    for (int64_t i = 0; i < w.kernel_h; ++i)
      for (int64_t j = 0; j < w.kernel_w; ++j) {
        PlaneRun r;
        const int64_t dy = i * w.dilation_h - w.pad_h, dx = j * w.dilation_w - w.pad_w;
        r.oy_lo = std::clamp<int64_t>(-dy, 0, ho);
        r.oy_hi = std::clamp<int64_t>(w.height - dy, r.oy_lo, ho);
        valid_range(j * w.dilation_w, 1, w.pad_w, W, W, r.lo, r.hi);
        r.shift = dy * W + dx;
        r.first = std::max(r.oy_lo * W, -r.shift);
        r.last = std::max(r.first, std::min(r.oy_hi * W, plane - r.shift));
        run_op(cols + ((c * w.kernel_h + i) * w.kernel_w + j) * ld, image + c * plane, r);
      }
}

// im2col of a same-width window: one contiguous copy per row, then the rows and the edge columns
// that fall in the padding set to zero.
template <class T>
void im2col_same_width(const Window2d& w, const T* image, T* cols, int64_t ld) {
  const int64_t ho = w.out_height(), W = w.width;
  for_each_plane_run(w, cols, ld, image, [&](T* row, const T* in, const PlaneRun& r) {
    std::fill(row, row + r.oy_lo * W, T(0));
    std::fill(row + r.oy_hi * W, row + ho * W, T(0));
    std::copy(in + r.first + r.shift, in + r.last + r.shift, row + r.first);
    for (int64_t ox = 0; ox < r.lo; ++ox)  // column by column: usually one, a value per output row
      for (int64_t oy = r.oy_lo; oy < r.oy_hi; ++oy) row[oy * W + ox] = T(0);
    for (int64_t ox = r.hi; ox < W; ++ox)
      for (int64_t oy = r.oy_lo; oy < r.oy_hi; ++oy) row[oy * W + ox] = T(0);
  });
}

// col2im of a same-width window: each row added onto its plane as one contiguous run. The run's
// edge-column entries would land on a neighbouring row's pixels, so those pixels are kept and put
// back after the add (exactly); a row with too many of them is added row by row.
template <class T>
void col2im_same_width(const Window2d& w, const T* cols, int64_t ld, T* image) {
  constexpr int64_t kMaxKept = 256;
  T kept[kMaxKept];
  int64_t kept_at[kMaxKept];
  const int64_t W = w.width;
  for_each_plane_run(w, cols, ld, image, [&](const T* row, T* out, const PlaneRun& r) {
    if ((r.lo + W - r.hi) * (r.oy_hi - r.oy_lo) > kMaxKept) {
      for (int64_t oy = r.oy_lo; oy < r.oy_hi; ++oy)
        for (int64_t ox = r.lo; ox < r.hi; ++ox) out[oy * W + ox + r.shift] += row[oy * W + ox];
      return;
    }
    int64_t n = 0;
    auto keep = [&](int64_t p) {
      if (p >= r.first && p < r.last) kept_at[n] = p + r.shift, kept[n++] = out[p + r.shift];
    };
    for (int64_t oy = r.oy_lo; oy < r.oy_hi; ++oy) {
      for (int64_t ox = 0; ox < r.lo; ++ox) keep(oy * W + ox);
      for (int64_t ox = r.hi; ox < W; ++ox) keep(oy * W + ox);
    }
    accumulate(out + r.first + r.shift, row + r.first, r.last - r.first);
    for (int64_t k = 0; k < n; ++k) out[kept_at[k]] = kept[k];
  });
}
}  // namespace detail

/// cols (C*kh*kw, Ho*Wo) from one contiguous image (C, H, W); row r of cols starts at cols + r * ld
/// (ld >= Ho*Wo: several images' columns can sit side by side in one wider matrix).
template <class T>
void im2col(const Window2d& w, const T* image, T* cols, int64_t ld) {
  const int64_t wo = w.out_width(), sx = w.stride_w;
  if (detail::same_width(w)) return detail::im2col_same_width(w, image, cols, ld);
  if (detail::narrow_output(w)) {
    const int64_t L = w.out_height() * wo;
    detail::for_each_mapped_row(w, cols, ld, image, [&](T* row, const T* in, const int64_t* source) {
      for (int64_t l = 0; l < L; ++l) row[l] = source[l] >= 0 ? in[source[l]] : T(0);
    });
    return;
  }
  // Plain loops, not std::copy / std::fill: the rows are 10-30 values long, too short for
  // memmove and memset calls to pay.
  detail::for_each_window_row(w, cols, ld, image, [&](T* row, const T* in, int64_t lo, int64_t hi) {
    if (!in) lo = hi = wo;  // the whole row is padding
    for (int64_t ox = 0; ox < lo; ++ox) row[ox] = T(0);
    if (sx == 1)
      for (int64_t ox = lo; ox < hi; ++ox) row[ox] = in[ox];
    else
      for (int64_t ox = lo; ox < hi; ++ox) row[ox] = in[ox * sx];
    for (int64_t ox = hi; ox < wo; ++ox) row[ox] = T(0);
  });
}

/// image (C, H, W) += the columns' entries, each onto the pixel im2col read it from.
template <class T>
void col2im(const Window2d& w, const T* cols, int64_t ld, T* image) {
  const int64_t sx = w.stride_w;
  if (detail::same_width(w)) return detail::col2im_same_width(w, cols, ld, image);
  if (detail::narrow_output(w)) {
    const int64_t L = w.out_height() * w.out_width();
    detail::for_each_mapped_row(w, cols, ld, image, [&](const T* row, T* out, const int64_t* source) {
      for (int64_t l = 0; l < L; ++l)
        if (source[l] >= 0) out[source[l]] += row[l];
    });
    return;
  }
  detail::for_each_window_row(w, cols, ld, image, [&](const T* row, T* out, int64_t lo, int64_t hi) {
    if (!out) return;
    if (sx == 1)  // a contiguous run, which the compiler vectorises
      for (int64_t ox = lo; ox < hi; ++ox) out[ox] += row[ox];
    else
      for (int64_t ox = lo; ox < hi; ++ox) out[ox * sx] += row[ox];
  });
}

}  // namespace ember::kernels
