// MixUp (Zhang et al.; the course's 10b): each training batch is blended with a shuffled copy
// of itself, x = l x + (1 - l) x[perm], with l ~ Beta(alpha, alpha) per example (and the larger
// of l and 1 - l, so that the original dominates), and the loss blended the same way:
//   l * loss(pred, y) + (1 - l) * loss(pred, y[perm]), averaged over the batch.
// Validation is untouched.
//   learn.add_callback(std::make_shared<train::MixUp>(0.4));
#pragma once

#include <functional>

#include "ember/train/learner.h"

namespace ember::train {

class MixUp : public Callback {
 public:
  /// Per-example losses (reduction None) of a prediction against one set of targets.
  using PerExampleLoss = std::function<Tensor(const Tensor& output, const Tensor& target)>;
  /// The default loss is cross-entropy on class indices.
  explicit MixUp(double alpha = 0.4, PerExampleLoss loss = {});
  /// Order 20: after a user's batch transforms (0), before the Recorder (50) reads the loss.
  int order() const override { return 20; }
  void before_batch(Learner& learn) override;
  void after_loss(Learner& learn) override;
  /// The mixing weights of the last training batch (N).
  const Tensor& lambda() const { return lambda_; }

 private:
  double alpha_;
  PerExampleLoss loss_;
  Tensor lambda_, shuffled_target_;
};

}  // namespace ember::train
