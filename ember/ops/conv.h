// 2-D convolution, as torch::conv2d: im2col + one GEMM per chunk of images and group
// (kernels/im2col.h), chunks split across threads.
#pragma once

#include "ember/core/expanding_array.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// input (N, C_in, H, W) or unbatched (C_in, H, W); weight (C_out, C_in / groups, kH, kW); bias
/// (C_out) or undefined. Output (N, C_out, H_out, W_out) with H_out = (H + 2 pad - dil (kH - 1)
/// - 1) / stride + 1 (floor), the same for W. groups splits the channels: output channels
/// [g C_out / G, (g + 1) C_out / G) see input channels [g C_in / G, (g + 1) C_in / G) only
/// (groups = C_in: a depthwise convolution).
Tensor conv2d(const Tensor& input, const Tensor& weight, const Tensor& bias = {}, ExpandingArray<2> stride = 1,
              ExpandingArray<2> padding = 0, ExpandingArray<2> dilation = 1, int64_t groups = 1);

}  // namespace ember
