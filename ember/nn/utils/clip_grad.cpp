#include "ember/nn/utils/clip_grad.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/reduction.h"

namespace ember::nn::utils {

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type, bool error_if_nonfinite) {
  EMBER_CHECK(max_norm >= 0, ValueError, "[clip_grad_norm_] max_norm must be non-negative; got ", max_norm);
  EMBER_CHECK(norm_type > 0, ValueError, "[clip_grad_norm_] norm_type must be positive (or INFINITY); got ", norm_type);
  NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  if (grads.empty()) return 0;
  // The norm of the concatenation: the largest magnitude for inf, else (sum |g|^p)^(1/p),
  // accumulated in float64 whatever the gradients' type.
  double total = 0;
  for (const Tensor& g : grads) {
    const Tensor a = g.to(kFloat64).abs();
    if (std::isinf(norm_type)) total = std::max(total, a.numel() ? a.max().item<double>() : 0.0);
    else if (norm_type == 2) total += (a * a).sum().item<double>();
    else if (norm_type == 1) total += a.sum().item<double>();
    else total += a.pow(norm_type).sum().item<double>();
  }
  if (!std::isinf(norm_type)) total = norm_type == 2 ? std::sqrt(total) : std::pow(total, 1 / norm_type);
  EMBER_CHECK(!error_if_nonfinite || std::isfinite(total), ValueError, "[clip_grad_norm_] the total norm of order ",
              norm_type, " of the gradients is ", total,
              ", so they cannot be clipped\n---> HINT: set error_if_nonfinite=false to go on regardless");
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1)
    for (Tensor& g : grads) g.mul_(coef);
  return total;
}

double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type, bool error_if_nonfinite) {
  return clip_grad_norm_(std::vector<Tensor>{parameter}, max_norm, norm_type, error_if_nonfinite);
}

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  EMBER_CHECK(clip_value >= 0, ValueError, "[clip_grad_value_] clip_value must be non-negative; got ", clip_value);
  NoGradGuard no_grad;
  for (const Tensor& p : parameters) {
    Tensor g = p.grad();
    if (g.defined()) g.clamp_(-clip_value, clip_value);
  }
}

void clip_grad_value_(const Tensor& parameter, double clip_value) {
  clip_grad_value_(std::vector<Tensor>{parameter}, clip_value);
}

}  // namespace ember::nn::utils
