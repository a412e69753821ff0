// The LR finder (the course's 05b, Smith's range test): train with a learning rate that grows
// exponentially from min_lr to max_lr over at most max_iter batches, stop once the (smoothed)
// loss passes stop_factor times its minimum, and put the model, the optimiser and the learner
// back exactly as they were.
//   auto found = train::lr_find(learn);
//   std::cout << "suggested lr " << found.suggested_lr << "\n";
#pragma once

#include <vector>

#include "ember/train/learner.h"

namespace ember::train {

struct LRFinderOptions {
  LRFinderOptions& min_lr(double v) { min_lr_ = v; return *this; }
  LRFinderOptions& max_lr(double v) { max_lr_ = v; return *this; }
  LRFinderOptions& max_iter(int64_t v) { max_iter_ = v; return *this; }
  LRFinderOptions& stop_factor(double v) { stop_factor_ = v; return *this; }
  LRFinderOptions& smoothing(double v) { smoothing_ = v; return *this; }
  double min_lr_ = 1e-7, max_lr_ = 10;
  int64_t max_iter_ = 100;
  double stop_factor_ = 4;
  /// The weight of the past in the loss's exponential moving average (fastai's 0.98), debiased.
  double smoothing_ = 0.98;
};

struct LRFinderResult {
  std::vector<double> lrs, losses;  // per batch: the rate used and the smoothed loss
  /// The rate at the smoothed loss's minimum divided by 10 (the course's rule of thumb: the
  /// largest rate that is still clearly on the descent).
  double suggested_lr = 0;
  double min_loss_lr = 0;
};

/// Runs the sweep on the learner's training data. The learner's own callbacks are set aside
/// while it runs (no checkpoints or logs are written) and put back afterwards, with the model's
/// parameters and buffers, the optimiser's state and options, the history and the data order.
LRFinderResult lr_find(Learner& learn, LRFinderOptions options = {});

}  // namespace ember::train
