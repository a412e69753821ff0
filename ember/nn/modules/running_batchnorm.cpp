#include "ember/nn/modules/running_batchnorm.h"

#include <cmath>
#include <sstream>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"

namespace ember::nn {

RunningBatchNormImpl::RunningBatchNormImpl(int64_t num_features, double momentum, double eps)
    : Cloneable("RunningBatchNorm"), num_features(num_features), momentum(momentum), eps(eps) {
  EMBER_CHECK(num_features > 0, ValueError, "[RunningBatchNorm] num_features must be positive; got ", num_features);
  EMBER_CHECK(momentum > 0 && momentum <= 1, ValueError, "[RunningBatchNorm] momentum must be in (0, 1]; got ", momentum);
  reset();
}

void RunningBatchNormImpl::reset() {
  mults = register_parameter("mults", ones({num_features, 1, 1}));
  adds = register_parameter("adds", zeros({num_features, 1, 1}));
  sums = register_buffer("sums", zeros({1, num_features, 1, 1}));
  sqrs = register_buffer("sqrs", zeros({1, num_features, 1, 1}));
  count = register_buffer("count", zeros({}));
  batch = register_buffer("batch", zeros({}, kInt64));
}

Tensor RunningBatchNormImpl::forward(const Tensor& x) {
  EMBER_CHECK(x.dim() == 4 && x.size(1) == num_features, ShapeError, "[RunningBatchNorm] expects an input of shape (N, ",
              num_features, ", H, W); got ", shape_str(x.sizes()));
  Tensor s = sums, ss = sqrs, c = count;
  if (is_training()) {
    const int64_t n = x.size(0);
    EMBER_CHECK(n > 1, ValueError, "[RunningBatchNorm] expects more than 1 image per batch in training; got input ",
                shape_str(x.sizes()));
    const double mom1 = 1 - (1 - momentum) / std::sqrt(static_cast<double>(n - 1));
    const std::vector<int64_t> dims{0, 2, 3};
    // lerp(old, new, mom1), with the gradient through this batch's sums only.
    s = sums * (1 - mom1) + x.sum(dims, /*keepdim=*/true) * mom1;
    ss = sqrs * (1 - mom1) + (x * x).sum(dims, /*keepdim=*/true) * mom1;
    c = count * (1 - mom1) + static_cast<double>(x.numel() / num_features) * mom1;
    NoGradGuard no_grad;
    sums.copy_(s.detach());
    sqrs.copy_(ss.detach());
    count.copy_(c);
    batch.add_(n);
  }
  EMBER_CHECK(count.item<double>() > 0, ValueError,
              "[RunningBatchNorm] has no statistics yet: run it in training mode before eval");
  const Tensor means = s / c;
  Tensor vars = ss / c - means * means;
  if (batch.item<int64_t>() < 20) vars = vars.clamp_min(0.01);
  const Tensor factor = mults / (vars + eps).sqrt();
  return x * factor + (adds - means * factor);
}

std::string RunningBatchNormImpl::extra_repr() const {
  std::ostringstream s;
  s << num_features << ", momentum=" << momentum << ", eps=" << eps;
  return s.str();
}

}  // namespace ember::nn
