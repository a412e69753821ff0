#include "ember/nn/functional.h"

#include "ember/ops/activation.h"
#include "ember/ops/conv.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/indexing.h"
#include "ember/ops/linalg.h"
#include "ember/ops/normalization.h"
#include "ember/ops/pooling.h"

namespace ember::nn::functional {

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) { return ember::linear(x, weight, bias); }

Tensor conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, ExpandingArray<2> stride,
              ExpandingArray<2> padding, ExpandingArray<2> dilation, int64_t groups) {
  return ember::conv2d(x, weight, bias, stride, padding, dilation, groups);
}
Tensor adaptive_avg_pool2d(const Tensor& x, ExpandingArray<2> output_size) {
  return ember::adaptive_avg_pool2d(x, output_size);
}
Tensor adaptive_max_pool2d(const Tensor& x, ExpandingArray<2> output_size) {
  return std::get<0>(ember::adaptive_max_pool2d(x, output_size));
}
Tensor max_pool2d(const Tensor& x, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride,
                  ExpandingArray<2> padding, ExpandingArray<2> dilation, bool ceil_mode) {
  return ember::max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode);
}
Tensor avg_pool2d(const Tensor& x, ExpandingArray<2> kernel_size, std::optional<ExpandingArray<2>> stride,
                  ExpandingArray<2> padding, bool ceil_mode, bool count_include_pad) {
  return ember::avg_pool2d(x, kernel_size, stride, padding, ceil_mode, count_include_pad);
}

Tensor relu(const Tensor& x) { return ember::relu(x); }

Tensor leaky_relu(const Tensor& x, double negative_slope) { return ember::leaky_relu(x, negative_slope); }
Tensor gelu(const Tensor& x, std::string_view approximate) { return ember::gelu(x, approximate); }
Tensor silu(const Tensor& x) { return ember::silu(x); }
Tensor elu(const Tensor& x, double alpha) { return ember::elu(x, alpha); }
Tensor softplus(const Tensor& x, double beta, double threshold) { return ember::softplus(x, beta, threshold); }
Tensor mish(const Tensor& x) { return ember::mish(x); }
Tensor hardswish(const Tensor& x) { return ember::hardswish(x); }
Tensor logsigmoid(const Tensor& x) { return ember::log_sigmoid(x); }

Tensor general_relu(const Tensor& x, std::optional<double> leak, double shift, std::optional<double> max_value) {
  Tensor y = leak ? leaky_relu(x, *leak) : ember::relu(x);
  if (shift != 0) y = y - shift;
  if (max_value) y = y.clamp_max(*max_value);
  return y;
}

Tensor sigmoid(const Tensor& x) { return ember::sigmoid(x); }
Tensor tanh(const Tensor& x) { return ember::tanh(x); }
Tensor softmax(const Tensor& x, int64_t dim) { return ember::softmax(x, dim); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return ember::log_softmax(x, dim); }

Tensor dropout(const Tensor& x, double p, bool training) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "[dropout] probability must be in [0, 1]; got ", p);
  if (!training || p == 0) return x;
  if (p == 1) return x * 0;
  const Tensor keep = (rand(x.sizes(), x.dtype()) >= p).to(x.dtype()) / (1 - p);
  return x * keep;
}

Tensor dropout2d(const Tensor& x, double p, bool training) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "[dropout2d] probability must be in [0, 1]; got ", p);
  EMBER_CHECK(x.dim() == 3 || x.dim() == 4, ShapeError, "[dropout2d] expects (N, C, H, W) or (C, H, W); got ",
              shape_str(x.sizes()));
  if (!training || p == 0) return x;
  if (p == 1) return x * 0;
  Shape mask_shape(x.sizes().begin(), x.sizes().end() - 2);  // one draw per channel
  mask_shape.insert(mask_shape.end(), {1, 1});
  const Tensor keep = (rand(mask_shape, x.dtype()) >= p).to(x.dtype()) / (1 - p);
  return x * keep;
}

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  return ember::batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps);
}
Tensor instance_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                     const Tensor& bias, bool use_input_stats, double momentum, double eps) {
  return ember::instance_norm(x, weight, bias, running_mean, running_var, use_input_stats, momentum, eps);
}
Tensor layer_norm(const Tensor& x, const std::vector<int64_t>& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps) {
  return ember::layer_norm(x, normalized_shape, weight, bias, eps);
}
Tensor group_norm(const Tensor& x, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps) {
  return ember::group_norm(x, num_groups, weight, bias, eps);
}
Tensor embedding(const Tensor& input, const Tensor& weight) { return ember::embedding(input, weight); }

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction r) { return ember::mse_loss(input, target, r); }
Tensor nll_loss(const Tensor& input, const Tensor& target, Reduction r) { return ember::nll_loss(input, target, r); }
Tensor cross_entropy(const Tensor& input, const Tensor& target, Reduction r) {
  return ember::cross_entropy_loss(input, target, r);
}
Tensor cross_entropy(const Tensor& input, const Tensor& target, const CrossEntropyFuncOptions& o) {
  return ember::cross_entropy_loss(input, target, o.weight(), o.reduction(), o.ignore_index(), o.label_smoothing());
}

}  // namespace ember::nn::functional
