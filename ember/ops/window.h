// The sliding-window geometry that conv2d and the pooling ops share (internal): checked
// settings in, kernels::Window2d out, with errors that name the op and the shapes.
#pragma once

#include "ember/core/expanding_array.h"
#include "ember/kernels/im2col.h"
#include "ember/tensor/tensor.h"

namespace ember::detail {

/// The window over the last three dims (C, H, W) of `input`. Throws ValueError for a kernel,
/// stride or dilation below 1 or a negative padding, and ShapeError naming `op`, the input's
/// shape and the settings when the output would be empty (with ceil_mode, a window may overhang).
kernels::Window2d make_window(const char* op, const Tensor& input, ExpandingArray<2> kernel, ExpandingArray<2> stride,
                              ExpandingArray<2> padding, ExpandingArray<2> dilation, bool ceil_mode = false);

/// `input` as a batch: a 3-D (C, H, W) image gains a batch dim of 1 (PyTorch's ops accept
/// unbatched images; unbatch() takes it off the result). Throws ShapeError naming `op` unless
/// the input is 3-D or 4-D.
Tensor as_batch(const char* op, const Tensor& input);
/// A result computed on as_batch(op, input), with the batch dim it was given removed again.
Tensor unbatch(const Tensor& input, const Tensor& out);

}  // namespace ember::detail
