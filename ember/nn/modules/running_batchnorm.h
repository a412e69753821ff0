// The course's RunningBatchNorm (notebook 07): batch normalisation that normalises with running
// statistics in training too, so a small batch's noisy mean and variance do not whip the
// activations around. It keeps exponentially weighted sums of x and x^2 and their count per
// channel; the weight of each new batch grows with the batch size
// (mom1 = 1 - (1 - momentum) / sqrt(batch_size - 1)), and while fewer than 20 images have been
// seen the variance is held at least 0.01. The gradient flows through the current batch's
// share of the statistics, as in the course.
//   nn::RunningBatchNorm bn(16);   // after a Conv2d with 16 output channels
// Not in PyTorch or libtorch. Differences from the notebook: the images seen are a buffer
// (saved with the model), and eval mode recomputes the scale and shift from the statistics and
// the current mults and adds instead of reusing those of the last training batch.
#pragma once

#include "ember/nn/module.h"

namespace ember::nn {

class RunningBatchNormImpl : public Cloneable<RunningBatchNormImpl> {
 public:
  explicit RunningBatchNormImpl(int64_t num_features, double momentum = 0.1, double eps = 1e-5);
  void reset() override;
  /// Input (N, C, H, W) with N > 1 in training.
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  int64_t num_features;
  double momentum, eps;
  Tensor mults, adds;                 // parameters (C, 1, 1): the course's names
  Tensor sums, sqrs, count, batch;    // buffers: (1, C, 1, 1) sums, a scalar count and images seen
};
EMBER_MODULE(RunningBatchNorm);

}  // namespace ember::nn
