// 2-D pooling, as torch::max_pool2d and torch::avg_pool2d (kernels/pool.h does the windows), and
// adaptive pooling, as torch::adaptive_avg_pool2d and adaptive_max_pool2d, where the output size
// is given and the windows follow (kernels/adaptive_pool.h).
#pragma once

#include <optional>
#include <tuple>

#include "ember/core/expanding_array.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// The max of each window of input (N, C, H, W) or (C, H, W). stride defaults to the kernel
/// size; padding (at most half the kernel) never wins. The output size is conv2d's floor formula,
/// or with ceil_mode rounded up: one more window when the last stride overhangs the image, as long
/// as that window starts inside the image or the left padding (PyTorch's rule).
Tensor max_pool2d(const Tensor& input, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride = {},
                  ExpandingArray<2> padding = 0, ExpandingArray<2> dilation = 1, bool ceil_mode = false);
/// max_pool2d and, for each output, the flat index (y * W + x) in its input plane of the value it
/// took (int64, as PyTorch's return_indices).
std::tuple<Tensor, Tensor> max_pool2d_with_indices(const Tensor& input, ExpandingArray<2> kernel_size,
                                                   std::optional<ExpandingArray<2>> stride = {},
                                                   ExpandingArray<2> padding = 0, ExpandingArray<2> dilation = 1,
                                                   bool ceil_mode = false);
/// The mean of each window. ceil_mode rounds the output size up (the last window may overhang
/// the image and averages what it covers). count_include_pad (PyTorch's default) divides by the
/// window's area within the padded image; otherwise by the pixels inside the image.
Tensor avg_pool2d(const Tensor& input, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride = {},
                  ExpandingArray<2> padding = 0, bool ceil_mode = false, bool count_include_pad = true);

/// Pools input (N, C, H, W) or (C, H, W) to (.., output_size): output (i, j) is the mean of rows
/// [floor(i H / oh), ceil((i + 1) H / oh)) and the columns likewise. output_size (1, 1) is global
/// average pooling.
Tensor adaptive_avg_pool2d(const Tensor& input, ExpandingArray<2> output_size);
/// The max of the same windows and the flat index (y * W + x) in its plane of each (int64).
std::tuple<Tensor, Tensor> adaptive_max_pool2d(const Tensor& input, ExpandingArray<2> output_size);

}  // namespace ember
