// nn::functional: the stateless forms of the layers (namespace alias F in user code):
//   namespace F = ember::nn::functional;   auto y = F::relu(F::linear(x, w, b));
// Most forward to ember:: ops; the modules in nn/modules/ hold parameters and call these.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "ember/core/expanding_array.h"
#include "ember/nn/options/loss.h"
#include "ember/ops/loss.h"
#include "ember/tensor/tensor.h"

namespace ember::nn::functional {

/// x (..., in) @ weight (out, in)^T + bias (out): PyTorch's weight layout.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});
/// 2-D convolution and pooling: ember::conv2d, max_pool2d and avg_pool2d (ops/conv.h,
/// ops/pooling.h) under their functional names. libtorch's F:: forms take an options struct
/// (F::Conv2dFuncOptions); these take the settings as arguments, as torch::conv2d does.
Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias = {}, ExpandingArray<2> stride = 1,
              ExpandingArray<2> padding = 0, ExpandingArray<2> dilation = 1, int64_t groups = 1);
Tensor adaptive_avg_pool2d(const Tensor& x, ExpandingArray<2> output_size);
Tensor adaptive_max_pool2d(const Tensor& x, ExpandingArray<2> output_size);
Tensor max_pool2d(const Tensor& x, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride = {},
                  ExpandingArray<2> padding = 0, ExpandingArray<2> dilation = 1, bool ceil_mode = false);
Tensor avg_pool2d(const Tensor& x, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride = {},
                  ExpandingArray<2> padding = 0, bool ceil_mode = false, bool count_include_pad = true);
Tensor relu(const Tensor& x);
/// The course's generalised ReLU: leaky_relu(x, leak) (or relu when leak is unset), minus
/// `shift`, clamped above at `max_value`.
Tensor general_relu(const Tensor& x, std::optional<double> leak = std::nullopt, double shift = 0,
                    std::optional<double> max_value = std::nullopt);
Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
/// gelu, silu, elu, softplus, mish, hardswish, logsigmoid: ember::gelu ... (ops/activation.h),
/// with the settings as arguments (see docs/differences.md).
Tensor gelu(const Tensor& x, std::string_view approximate = "none");
Tensor silu(const Tensor& x);
Tensor elu(const Tensor& x, double alpha = 1.0);
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);
Tensor mish(const Tensor& x);
Tensor hardswish(const Tensor& x);
Tensor logsigmoid(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);
/// Zeroes each element with probability p and scales the rest by 1 / (1 - p); identity when
/// not training.
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);
/// Zeroes whole channels (dim 1 of (N, C, H, W), dim 0 of (C, H, W)) with probability p and
/// scales the rest by 1 / (1 - p); identity when not training.
Tensor dropout2d(const Tensor& x, double p = 0.5, bool training = true);
/// Normalisation (ember::batch_norm ... in ops/normalization.h) with Python's argument order.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight = {},
                  const Tensor& bias = {}, bool training = false, double momentum = 0.1, double eps = 1e-5);
Tensor instance_norm(const Tensor& x, const Tensor& running_mean = {}, const Tensor& running_var = {},
                     const Tensor& weight = {}, const Tensor& bias = {}, bool use_input_stats = true,
                     double momentum = 0.1, double eps = 1e-5);
Tensor layer_norm(const Tensor& x, const std::vector<int64_t>& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5);
Tensor group_norm(const Tensor& x, int64_t num_groups, const Tensor& weight = {}, const Tensor& bias = {},
                  double eps = 1e-5);
/// Rows of weight (num_embeddings, dim) picked by the integer indices: ember::embedding.
Tensor embedding(const Tensor& input, const Tensor& weight);
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor nll_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction);
/// libtorch's form: weight, ignore_index, reduction and label_smoothing in the options.
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& options = {});

}  // namespace ember::nn::functional
