// BatchTransform: a function applied to every batch's input before the model sees it (the
// course's BatchTransformXCallback): a reshape, a normalisation, or augmentation done on the whole
// batch at once instead of per item (data::TransformDataset). It runs on training batches and,
// unless training_only, on validation batches too.
//   learn.add_callback(std::make_shared<train::BatchTransform>([](const Tensor& x) { return x.view({-1, 1, 28, 28}); }));
#pragma once

#include <functional>

#include "ember/train/learner.h"

namespace ember::train {

class BatchTransform : public Callback {
 public:
  using Fn = std::function<Tensor(const Tensor& input)>;
  explicit BatchTransform(Fn fn, bool training_only = false);
  /// Order 2, as the course's: before MixUp (20) and everything that reads the input.
  int order() const override { return 2; }
  void before_batch(Learner& learn) override;

 private:
  Fn fn_;
  bool training_only_;
};

}  // namespace ember::train
