// The activation functions people train with today, with libtorch's names, argument order and
// defaults: ember::gelu(x, "tanh"), ember::silu(x), ember::leaky_relu(x, 0.2), ... Each is one
// pass over the input forward and one pass backward (its derivative times the incoming
// gradient), saving only the input. relu, sigmoid and tanh live with the elementwise ops.
#pragma once

#include <string_view>

#include "ember/core/scalar.h"
#include "ember/tensor/tensor.h"

namespace ember {

/// x * Phi(x), Phi the standard normal CDF; approximate = "tanh" uses
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). Throws ValueError for other values.
Tensor gelu(const Tensor& x, std::string_view approximate = "none");
/// x * sigmoid(x), also called swish.
Tensor silu(const Tensor& x);
/// x where x > 0, negative_slope * x elsewhere.
Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope = 0.01);
/// scale * x where x > 0, scale * alpha * (exp(input_scale * x) - 1) elsewhere.
Tensor elu(const Tensor& x, const Scalar& alpha = 1, const Scalar& scale = 1, const Scalar& input_scale = 1);
/// log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (as PyTorch).
Tensor softplus(const Tensor& x, const Scalar& beta = 1, const Scalar& threshold = 20);
/// x * tanh(softplus(x)).
Tensor mish(const Tensor& x);
/// x * relu6(x + 3) / 6.
Tensor hardswish(const Tensor& x);
/// log(sigmoid(x)), computed as min(x, 0) - log1p(exp(-|x|)) so it never overflows.
Tensor log_sigmoid(const Tensor& x);

}  // namespace ember
