// Normalisation as libtorch's functions: each subtracts a mean and divides by sqrt(var + eps)
// (the biased variance) over some dims, then scales and shifts by an optional weight and bias.
//   batch_norm     per channel (dim 1), over the batch and the spatial dims;
//   instance_norm  per image and channel, over the spatial dims;
//   group_norm     per image and group of channels, over the group and the spatial dims;
//   layer_norm     per leading index, over the trailing dims named by normalized_shape.
// The cudnn_enable(d) arguments exist so libtorch calls compile unchanged; they do nothing.
#pragma once

#include <vector>

#include "ember/tensor/tensor.h"

namespace ember {

/// In training (or without running statistics) the batch's own mean and biased variance are
/// used and, when running_mean and running_var are given, updated in place: running =
/// (1 - momentum) * running + momentum * batch, the variance unbiased (n / (n - 1)), as PyTorch
/// does. Otherwise the running statistics are used.
Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps);

/// Input (N, C, ...). With use_input_stats each image's own statistics are used and running
/// statistics, when given, are updated with their mean over the batch (as batch_norm's rule);
/// otherwise the running statistics are used.
Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                     const Tensor& running_var, bool use_input_stats, double momentum, double eps,
                     bool cudnn_enabled = true);

/// Input (N, C, ...) with C divisible by num_groups; weight and bias (C).
Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight = {}, const Tensor& bias = {},
                  double eps = 1e-5, bool cudnn_enabled = true);

/// normalized_shape: the input's trailing sizes, over which statistics are taken; weight and
/// bias have that shape.
Tensor layer_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5, bool cudnn_enable = true);

}  // namespace ember
