// Batch normalisation as libtorch's torch::batch_norm: normalise each channel (dim 1) of an
// (N, C, ...) input by its statistics over the other dims. In training (or without running
// statistics) the batch's own mean and biased variance are used and, when running_mean and
// running_var are given, updated in place: running = (1 - momentum) * running + momentum * batch,
// the variance unbiased (n / (n - 1)), as PyTorch does. Otherwise the running statistics are used.
#pragma once

#include "ember/tensor/tensor.h"

namespace ember {

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps);

}  // namespace ember
