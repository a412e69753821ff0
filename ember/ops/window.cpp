#include "ember/ops/window.h"

namespace ember::detail {

kernels::Window2d make_window(const char* op, const Tensor& input, ExpandingArray<2> kernel, ExpandingArray<2> stride,
                              ExpandingArray<2> padding, ExpandingArray<2> dilation, bool ceil_mode) {
  for (int axis = 0; axis < 2; ++axis) {
    EMBER_CHECK(kernel[axis] >= 1 && stride[axis] >= 1 && dilation[axis] >= 1, ValueError, "[", op,
                "] kernel size, stride and dilation must be at least 1; got kernel ", kernel.str(), ", stride ",
                stride.str(), ", dilation ", dilation.str());
    EMBER_CHECK(padding[axis] >= 0, ValueError, "[", op, "] padding must be non-negative; got ", padding.str());
  }
  const int64_t d = input.dim();
  kernels::Window2d w{input.size(d - 3), input.size(d - 2), input.size(d - 1), kernel[0], kernel[1]};
  w.stride_h = stride[0], w.stride_w = stride[1];
  w.pad_h = padding[0], w.pad_w = padding[1];
  w.dilation_h = dilation[0], w.dilation_w = dilation[1];
  w.ceil_mode = ceil_mode;
  const bool fits = w.out_height() >= 1 && w.out_width() >= 1;
  EMBER_CHECK(fits, ShapeError, "[", op, "] a kernel of ", kernel.str(), " with dilation ", dilation.str(),
              " does not fit in input ", shape_str(input.sizes()), " padded by ", padding.str(),
              ": the output would be empty");
  return w;
}

Tensor as_batch(const char* op, const Tensor& input) {
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, ShapeError, "[", op,
              "] expects input of shape (N, C, H, W) or (C, H, W); got ", shape_str(input.sizes()));
  return input.dim() == 4 ? input : input.unsqueeze(0);
}

Tensor unbatch(const Tensor& input, const Tensor& out) { return input.dim() == 3 ? out.squeeze(0) : out; }

}  // namespace ember::detail
