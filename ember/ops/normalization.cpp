// batch_norm is a composition of differentiable ops (mean, var, arithmetic), so its backward is
// autograd's; the running statistics are updated outside the graph.
#include "ember/ops/normalization.h"

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/reduction.h"

namespace ember {

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps) {
  EMBER_CHECK(input.dim() >= 2, ShapeError, "[batch_norm] expects an input of shape (N, C, ...); got ",
              shape_str(input.sizes()));
  const int64_t channels = input.size(1);
  for (const Tensor* t : {&weight, &bias, &running_mean, &running_var})
    EMBER_CHECK(!t->defined() || (t->dim() == 1 && t->size(0) == channels), ShapeError, "[batch_norm] input ",
                shape_str(input.sizes()), " has ", channels, " channels but a weight, bias or running statistic has shape ",
                shape_str(t->sizes()));
  EMBER_CHECK(running_mean.defined() == running_var.defined(), ValueError,
              "[batch_norm] running_mean and running_var must be given together");
  // (1, C, 1, ...): broadcasts a per-channel vector over the input.
  Shape per_channel(input.dim(), 1);
  per_channel[1] = channels;
  auto channelwise = [&](const Tensor& v) { return v.reshape(per_channel); };
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < input.dim(); ++d) dims.push_back(d);

  Tensor mean, var;
  const bool use_batch = training || !running_mean.defined();
  if (use_batch) {
    const int64_t n = input.numel() / std::max<int64_t>(channels, 1);
    EMBER_CHECK(n > 1 || !training, ValueError, "[batch_norm] expected more than 1 value per channel when training; got input ",
                shape_str(input.sizes()));
    mean = input.mean(dims, /*keepdim=*/true);
    var = input.var(dims, /*unbiased=*/false, /*keepdim=*/true);
    if (training && running_mean.defined()) {
      NoGradGuard no_grad;
      Tensor rm = running_mean, rv = running_var;
      rm.mul_(1 - momentum).add_(mean.detach().reshape({channels}).to(rm.dtype()) * momentum);
      rv.mul_(1 - momentum).add_(var.detach().reshape({channels}).to(rv.dtype()) * (momentum * n / (n - 1.0)));
    }
  } else {
    mean = channelwise(running_mean);
    var = channelwise(running_var);
  }
  Tensor out = (input - mean) * (var + eps).rsqrt();
  if (weight.defined()) out = out * channelwise(weight);
  if (bias.defined()) out = out + channelwise(bias);
  return out;
}

}  // namespace ember
