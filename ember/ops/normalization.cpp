// Compositions of differentiable ops (mean, var, arithmetic), so their backward is autograd's;
// running statistics are updated outside the graph.
#include "ember/ops/normalization.h"

#include <numeric>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/reduction.h"
#include "ember/ops/shape_ops.h"

namespace ember {
namespace {

// (x - mean) / sqrt(var + eps) with the statistics taken over `dims`, kept for broadcasting.
Tensor standardize(const Tensor& x, const std::vector<int64_t>& dims, double eps) {
  const Tensor mean = x.mean(dims, /*keepdim=*/true);
  const Tensor var = x.var(dims, /*unbiased=*/false, /*keepdim=*/true);
  return (x - mean) * (var + eps).rsqrt();
}

// weight and bias, each (C) or undefined, applied along dim 1 of x.
Tensor scale_shift_channels(Tensor x, const Tensor& weight, const Tensor& bias) {
  Shape per_channel(x.dim(), 1);
  per_channel[1] = x.size(1);
  if (weight.defined()) x = x * weight.reshape(per_channel);
  if (bias.defined()) x = x + bias.reshape(per_channel);
  return x;
}

void check_channel_vectors(const char* op, const Tensor& input, std::initializer_list<const Tensor*> vectors) {
  EMBER_CHECK(input.dim() >= 2, ShapeError, "[", op, "] expects an input of shape (N, C, ...); got ",
              shape_str(input.sizes()));
  const int64_t channels = input.size(1);
  for (const Tensor* t : vectors)
    EMBER_CHECK(!t->defined() || (t->dim() == 1 && t->size(0) == channels), ShapeError, "[", op, "] input ",
                shape_str(input.sizes()), " has ", channels,
                " channels but a weight, bias or running statistic has shape ", shape_str(t->sizes()));
}

}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps) {
  check_channel_vectors("batch_norm", input, {&weight, &bias, &running_mean, &running_var});
  const int64_t channels = input.size(1);
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
  return scale_shift_channels((input - mean) * (var + eps).rsqrt(), weight, bias);
}

Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                     const Tensor& running_var, bool use_input_stats, double momentum, double eps, bool) {
  check_channel_vectors("instance_norm", input, {&weight, &bias, &running_mean, &running_var});
  EMBER_CHECK(running_mean.defined() == running_var.defined(), ValueError,
              "[instance_norm] running_mean and running_var must be given together");
  EMBER_CHECK(use_input_stats || running_mean.defined(), ValueError,
              "[instance_norm] use_input_stats=false needs running_mean and running_var");
  if (!use_input_stats) return batch_norm(input, weight, bias, running_mean, running_var, false, momentum, eps);
  std::vector<int64_t> spatial(input.dim() - 2);
  std::iota(spatial.begin(), spatial.end(), 2);
  const int64_t n = input.numel() / std::max<int64_t>(input.size(0) * input.size(1), 1);
  EMBER_CHECK(n > 1, ValueError, "[instance_norm] expected more than 1 spatial element per channel; got input ",
              shape_str(input.sizes()));
  if (running_mean.defined()) {
    NoGradGuard no_grad;
    const Tensor x = input.detach();
    const Tensor mean = x.mean(spatial).mean({0}), var = x.var(spatial, /*unbiased=*/true).mean({0});
    Tensor rm = running_mean, rv = running_var;
    rm.mul_(1 - momentum).add_(mean.to(rm.dtype()) * momentum);
    rv.mul_(1 - momentum).add_(var.to(rv.dtype()) * momentum);
  }
  return scale_shift_channels(standardize(input, spatial, eps), weight, bias);
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps, bool) {
  check_channel_vectors("group_norm", input, {&weight, &bias});
  const int64_t batch = input.size(0), channels = input.size(1);
  EMBER_CHECK(num_groups > 0 && channels % num_groups == 0, ValueError, "[group_norm] ", channels,
              " channels (input ", shape_str(input.sizes()), ") do not split into ", num_groups, " groups");
  const Tensor grouped = input.reshape({batch, num_groups, -1});
  EMBER_CHECK(grouped.size(2) > 0 || input.numel() == 0, ValueError, "[group_norm] input ", shape_str(input.sizes()),
              " has no elements per group");
  return scale_shift_channels(standardize(grouped, {2}, eps).reshape(input.sizes()), weight, bias);
}

Tensor layer_norm(const Tensor& input, const std::vector<int64_t>& normalized_shape, const Tensor& weight,
                  const Tensor& bias, double eps, bool) {
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  const auto& sizes = input.sizes();
  const bool fits = k > 0 && k <= input.dim() && std::equal(normalized_shape.begin(), normalized_shape.end(),
                                                            sizes.end() - k);
  EMBER_CHECK(fits, ShapeError, "[layer_norm] normalized_shape ", shape_str(normalized_shape),
              " must be the trailing sizes of the input; got input ", shape_str(sizes));
  for (const Tensor* t : {&weight, &bias})
    EMBER_CHECK(!t->defined() || t->sizes() == normalized_shape, ShapeError, "[layer_norm] weight and bias must have shape ",
                shape_str(normalized_shape), "; got ", shape_str(t->sizes()));
  std::vector<int64_t> trailing(k);
  std::iota(trailing.begin(), trailing.end(), input.dim() - k);
  Tensor out = standardize(input, trailing, eps);
  if (weight.defined()) out = out * weight;
  if (bias.defined()) out = out + bias;
  return out;
}

}  // namespace ember
