#include "ember/train/batch_transform.h"

namespace ember::train {

BatchTransform::BatchTransform(Fn fn, bool training_only) : fn_(std::move(fn)), training_only_(training_only) {
  EMBER_CHECK(fn_ != nullptr, ValueError, "[BatchTransform] the function is empty");
}

void BatchTransform::before_batch(Learner& learn) {
  if (training_only_ && !learn.state().training) return;
  learn.state().input = fn_(learn.state().input);
}

}  // namespace ember::train
