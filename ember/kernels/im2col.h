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

namespace ember::kernels {

/// The geometry of a 2-D window sliding over an image: kernel, stride, padding and dilation
/// per axis, and the output size they give (PyTorch's floor formula).
struct Window2d {
  int64_t channels, height, width;
  int64_t kernel_h, kernel_w, stride_h = 1, stride_w = 1, pad_h = 0, pad_w = 0, dilation_h = 1, dilation_w = 1;
  /// Pooling's ceil_mode: one more output when the last stride overhangs the image, as long as
  /// that window starts inside the image or its left padding (PyTorch's rule).
  bool ceil_mode = false;

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
}  // namespace detail

/// cols (C*kh*kw, Ho*Wo) from one contiguous image (C, H, W); row r of cols starts at cols + r * ld
/// (ld >= Ho*Wo: several images' columns can sit side by side in one wider matrix).
template <class T>
void im2col(const Window2d& w, const T* image, T* cols, int64_t ld) {
  const int64_t wo = w.out_width(), sx = w.stride_w;
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
  detail::for_each_window_row(w, cols, ld, image, [&](const T* row, T* out, int64_t lo, int64_t hi) {
    if (out)
      for (int64_t ox = lo; ox < hi; ++ox) out[ox * sx] += row[ox];
  });
}

}  // namespace ember::kernels
