// The course's MixedPrecision (10c_fp16) as a Learner callback, on autocast (ops/autocast.h):
// each training batch's forward and loss run under autocast in bfloat16 or float16, the
// parameters (and the optimiser's state) stay float32 and get float32 gradients.
//
// float16's range ends at 65504 and its normal numbers at 2^-14, so small gradients of float16
// tensors underflow: with float16 the loss is multiplied by a scale before the backward, and the
// gradients divided by it before the step (dynamic loss scaling, as torch.cuda.amp.GradScaler).
// A step whose gradients hold an infinity or NaN is skipped and the scale halved; after
// `growth_interval` clean steps it doubles. bfloat16 has float32's range and needs no scaling.
//
//   learner.add_callback(std::make_shared<train::MixedPrecision>(kBFloat16));
#pragma once

#include "ember/train/learner.h"

namespace ember::train {

class MixedPrecision : public Callback {
 public:
  explicit MixedPrecision(ScalarType dtype = kBFloat16, double init_scale = 65536.0, int64_t growth_interval = 2000);
  /// Order -10: its before_step unscales the gradients before GradientClipping (0) reads them.
  /// Autocast stays on until before_backward, so MixUp's loss (after_loss, 20) is autocast too.
  int order() const override { return -10; }
  void before_batch(Learner& learn) override;
  void before_backward(Learner& learn) override;
  void before_step(Learner& learn) override;
  void after_cancel_batch(Learner& learn) override;
  void after_fit(Learner& learn) override;

  /// The current loss scale (1 for bfloat16), and how many steps were skipped for overflow.
  double scale() const { return scale_; }
  int64_t skipped_steps() const { return skipped_; }

 private:
  ScalarType dtype_;
  bool scaling_;
  double scale_;
  int64_t growth_interval_, clean_steps_ = 0, skipped_ = 0;
  bool active_ = false, was_enabled_ = false;  // active_: this callback turned autocast on
  ScalarType was_dtype_ = kBFloat16;
  void restore_autocast();
};

}  // namespace ember::train
