#include "ember/train/mixed_precision.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/autocast.h"

namespace ember::train {

MixedPrecision::MixedPrecision(ScalarType dtype, double init_scale, int64_t growth_interval)
    : dtype_(dtype), scaling_(dtype == kHalf), scale_(dtype == kHalf ? init_scale : 1.0),
      growth_interval_(growth_interval) {
  EMBER_CHECK(is_reduced_float(dtype), ValueError, "[MixedPrecision] dtype must be kBFloat16 or kHalf; got ",
              dtype_name(dtype));
  EMBER_CHECK(init_scale > 0 && std::isfinite(init_scale), ValueError,
              "[MixedPrecision] init_scale must be positive and finite; got ", init_scale);
  EMBER_CHECK(growth_interval > 0, ValueError, "[MixedPrecision] growth_interval must be positive; got ",
              growth_interval);
}

void MixedPrecision::before_batch(Learner& learn) {
  if (!learn.state().training) return;  // validation stays float32: the metrics compare like with like
  was_enabled_ = autocast::is_cpu_enabled();
  was_dtype_ = autocast::get_autocast_cpu_dtype();
  autocast::set_autocast_cpu_dtype(dtype_);
  autocast::set_cpu_enabled(true);
  active_ = true;
}

void MixedPrecision::restore_autocast() {
  if (!active_) return;
  autocast::set_cpu_enabled(was_enabled_);
  autocast::set_autocast_cpu_dtype(was_dtype_);
  active_ = false;
}

// The forward and the loss ran under autocast; the backward runs outside it, as PyTorch advises:
// each op's backward follows the dtypes its forward saw.
void MixedPrecision::before_backward(Learner& learn) {
  restore_autocast();
  if (scaling_) learn.state().loss = learn.state().loss * scale_;
}

void MixedPrecision::after_cancel_batch(Learner&) { restore_autocast(); }
void MixedPrecision::after_fit(Learner&) { restore_autocast(); }

// Unscaling here, not after the backward: a CancelStepException from before_step skips just the step.
void MixedPrecision::before_step(Learner& learn) {
  if (!scaling_) return;
  NoGradGuard no_grad;
  bool finite = true;
  std::vector<Tensor> grads;
  for (const Tensor& p : learn.model().parameters())
    if (p.grad().defined()) grads.push_back(p.grad());
  for (const Tensor& g : grads) finite = finite && std::isfinite(g.to(kFloat64).sum().item<double>());
  if (!finite) {  // overflow: skip this step (the Learner still zeroes the gradients), smaller scale
    scale_ /= 2;
    clean_steps_ = 0;
    ++skipped_;
    throw CancelStepException();
  }
  for (Tensor& g : grads) g.mul_(1.0 / scale_);
  if (++clean_steps_ % growth_interval_ == 0) scale_ *= 2;
}

}  // namespace ember::train
