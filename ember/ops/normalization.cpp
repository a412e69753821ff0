// batch_norm is one op with its own backward (kernels/batch_norm.h: two passes forward, two
// back); the others are compositions of differentiable ops (mean, var, arithmetic), so their
// backward is autograd's. Running statistics are updated outside the graph.
#include "ember/ops/normalization.h"

#include <cmath>
#include <numeric>

#include "ember/autograd/function.h"
#include "ember/autograd/grad_mode.h"
#include "ember/core/parallel.h"
#include "ember/kernels/batch_norm.h"
#include "ember/ops/autocast.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/reduction.h"
#include "ember/ops/shape_ops.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;

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

// running = (1 - momentum) * running + momentum * batch, in place and off the graph; the running
// variance blends var * var_factor (n / (n - 1) makes a biased variance unbiased, as PyTorch).
void blend_running_stats(Tensor running_mean, Tensor running_var, const Tensor& mean, const Tensor& var,
                         double momentum, double var_factor = 1) {
  NoGradGuard no_grad;
  running_mean.mul_(1 - momentum).add_(mean.to(running_mean.dtype()) * momentum);
  running_var.mul_(1 - momentum).add_(var.to(running_var.dtype()) * (momentum * var_factor));
}

// Below this many values per channel chunk, one thread.
int64_t channel_grain(const kernels::ChannelLayout& layout) {
  return std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(layout.count(), 1));
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

// The input's channel vectors and, when given, both running statistics.
void check_norm_args(const char* op, const Tensor& input, const Tensor& weight, const Tensor& bias,
                     const Tensor& running_mean, const Tensor& running_var) {
  check_channel_vectors(op, input, {&weight, &bias, &running_mean, &running_var});
  EMBER_CHECK(running_mean.defined() == running_var.defined(), ValueError, "[", op,
              "] running_mean and running_var must be given together");
}

}  // namespace

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps) {
  if (detail::autocast_wants_float32(input)) return batch_norm(detail::autocast_float32(input), weight, bias, running_mean, running_var, training, momentum, eps);
  check_norm_args("batch_norm", input, weight, bias, running_mean, running_var);
  EMBER_CHECK(input.is_floating_point(), TypeError, "[batch_norm] needs a floating-point input; got ",
              dtype_name(input.dtype()));
  for (const Tensor* t : {&weight, &bias})
    EMBER_CHECK(!t->defined() || t->dtype() == input.dtype(), TypeError,
                "[batch_norm] weight and bias must have the input's dtype ", dtype_name(input.dtype()), "; got ",
                dtype_name(t->dtype()));
  const int64_t channels = input.size(1);
  const kernels::ChannelLayout layout{input.size(0), channels, input.numel() / std::max<int64_t>(input.size(0) * channels, 1)};
  const int64_t count = layout.count();
  const bool use_batch = training || !running_mean.defined();
  EMBER_CHECK(count > 1 || !training, ValueError,
              "[batch_norm] expected more than 1 value per channel when training; got input ", shape_str(input.sizes()));

  const Tensor x = input.detach().contiguous();
  // Per channel, in float64: the mean and 1 / sqrt(var + eps) used, and the weight and bias.
  Tensor mean = detail::alloc({channels}, kFloat64), invstd = detail::alloc({channels}, kFloat64);
  double *pm = mean.data_ptr<double>(), *pi = invstd.data_ptr<double>();
  const Tensor w = weight.defined() ? weight.detach().to(kFloat64).contiguous() : ones({channels}, kFloat64);
  const Tensor b = bias.defined() ? bias.detach().to(kFloat64).contiguous() : zeros({channels}, kFloat64);
  const double *pw = w.data_ptr<double>(), *pb = b.data_ptr<double>();
  const int64_t grain = channel_grain(layout);
  Tensor out = detail::alloc(input.sizes(), input.dtype());
  dispatch_floating(input.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* px = static_cast<const T*>(x.data_ptr());
    T* py = static_cast<T*>(out.data_ptr());
    if (use_batch) {
      Tensor var = detail::alloc({channels}, kFloat64);
      double* pv = var.data_ptr<double>();
      parallel_for(0, channels, grain, [&](int64_t lo, int64_t hi) {
        for (int64_t c = lo; c < hi; ++c) kernels::channel_moments(layout, px, c, pm[c], pv[c]);
      });
      for (int64_t c = 0; c < channels; ++c) pi[c] = 1 / std::sqrt(pv[c] + eps);
      if (training && running_mean.defined())
        blend_running_stats(running_mean, running_var, mean, var, momentum, count / (count - 1.0));
    } else {
      const Tensor rm = running_mean.detach().to(kFloat64).contiguous(), rv = running_var.detach().to(kFloat64).contiguous();
      for (int64_t c = 0; c < channels; ++c) {
        pm[c] = rm.data_ptr<double>()[c];
        pi[c] = 1 / std::sqrt(rv.data_ptr<double>()[c] + eps);
      }
    }
    parallel_for(0, channels, grain, [&](int64_t lo, int64_t hi) {
      for (int64_t c = lo; c < hi; ++c) {
        const double a = pw[c] * pi[c];
        kernels::channel_affine(layout, px, c, static_cast<T>(a), static_cast<T>(pb[c] - pm[c] * a), py);
      }
    });
  });

  std::vector<Tensor> inputs{input};
  if (weight.defined()) inputs.push_back(weight);
  if (bias.defined()) inputs.push_back(bias);
  const bool has_weight = weight.defined();
  // Backward, per channel c with M values, xc = x - mean, k = w * invstd:
  //   grad bias = sum(gy), grad weight = invstd * sum(gy * xc),
  //   grad x = k * gy                                                   (fixed statistics)
  //   grad x = k * (gy - sum(gy) / M - xc * invstd^2 * sum(gy * xc) / M)  (batch statistics)
  return autograd::record(
      out, "NativeBatchNormBackward", inputs,
      [saved_x = SavedTensor(x), saved_mean = SavedTensor(mean), saved_invstd = SavedTensor(invstd),
       saved_w = SavedTensor(w), layout, use_batch, has_weight, dtype = input.dtype()](const Tensor& grad,
                                                                                      const Needs& needs) {
        const Tensor &xs = saved_x.unpack(), &m = saved_mean.unpack(), &is = saved_invstd.unpack();
        const double *pm = m.data_ptr<double>(), *pi = is.data_ptr<double>(), *pw = saved_w.unpack().data_ptr<double>();
        const Tensor g = grad.contiguous();
        const int64_t channels = layout.channels;
        const double count = static_cast<double>(layout.count());
        Tensor gx = needs[0] ? detail::alloc(xs.sizes(), dtype) : Tensor();
        Tensor gw = detail::alloc({channels}, kFloat64), gb = detail::alloc({channels}, kFloat64);
        double *pgw = gw.data_ptr<double>(), *pgb = gb.data_ptr<double>();
        dispatch_floating(dtype, [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T *px = static_cast<const T*>(xs.data_ptr()), *pg = static_cast<const T*>(g.data_ptr());
          T* pgx = gx.defined() ? static_cast<T*>(gx.data_ptr()) : nullptr;
          parallel_for(0, channels, channel_grain(layout), [&](int64_t lo, int64_t hi) {
            for (int64_t c = lo; c < hi; ++c) {
              double sum_gy = 0, sum_gy_centered = 0;
              kernels::channel_gradient_sums(layout, px, pg, c, static_cast<T>(pm[c]), sum_gy,
                                             sum_gy_centered);
              pgb[c] = sum_gy;
              pgw[c] = sum_gy_centered * pi[c];
              if (!pgx) continue;
              const double k = pw[c] * pi[c];
              const double q = use_batch ? -k * pi[c] * pi[c] * sum_gy_centered / count : 0.0;
              const double d = use_batch ? -k * sum_gy / count - q * pm[c] : 0.0;
              kernels::channel_gradient(layout, px, pg, c, static_cast<T>(k), static_cast<T>(q),
                                        static_cast<T>(d), pgx);
            }
          });
        });
        std::vector<Tensor> grads{gx};
        if (has_weight) grads.push_back(needs[1] ? gw.to(dtype) : Tensor());
        if (grads.size() < needs.size()) grads.push_back(needs.back() ? gb.to(dtype) : Tensor());
        return grads;
      });
}

Tensor instance_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                     const Tensor& running_var, bool use_input_stats, double momentum, double eps, bool) {
  if (detail::autocast_wants_float32(input))
    return instance_norm(detail::autocast_float32(input), weight, bias, running_mean, running_var, use_input_stats, momentum, eps, false);
  check_norm_args("instance_norm", input, weight, bias, running_mean, running_var);
  EMBER_CHECK(use_input_stats || running_mean.defined(), ValueError,
              "[instance_norm] use_input_stats=false needs running_mean and running_var");
  if (!use_input_stats) return batch_norm(input, weight, bias, running_mean, running_var, false, momentum, eps);
  std::vector<int64_t> spatial(input.dim() - 2);
  std::iota(spatial.begin(), spatial.end(), 2);
  const int64_t n = input.numel() / std::max<int64_t>(input.size(0) * input.size(1), 1);
  EMBER_CHECK(n > 1, ValueError, "[instance_norm] expected more than 1 spatial element per channel; got input ",
              shape_str(input.sizes()));
  if (running_mean.defined()) {  // the per-image statistics, averaged over the batch
    const Tensor x = input.detach();
    blend_running_stats(running_mean, running_var, x.mean(spatial).mean({0}), x.var(spatial, /*unbiased=*/true).mean({0}),
                        momentum);
  }
  return scale_shift_channels(standardize(input, spatial, eps), weight, bias);
}

Tensor group_norm(const Tensor& input, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps, bool) {
  if (detail::autocast_wants_float32(input)) return group_norm(detail::autocast_float32(input), num_groups, weight, bias, eps, false);
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
  if (detail::autocast_wants_float32(input)) return layer_norm(detail::autocast_float32(input), normalized_shape, weight, bias, eps, false);
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
