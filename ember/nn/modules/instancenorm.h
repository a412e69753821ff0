// InstanceNorm2d with libtorch's options (no affine and no running statistics by default, as
// PyTorch) and PyTorch's state names; accepts (N, C, H, W) and unbatched (C, H, W) input.
//   nn::InstanceNorm2d(nn::InstanceNorm2dOptions(16).affine(true))
#pragma once

#include "ember/nn/modules/norm_base.h"

namespace ember::nn {

struct InstanceNormOptions {
  /* implicit */ InstanceNormOptions(int64_t num_features) : num_features_(num_features) {}
  InstanceNormOptions& eps(double v) { eps_ = v; return *this; }
  InstanceNormOptions& momentum(double v) { momentum_ = v; return *this; }
  InstanceNormOptions& affine(bool v) { affine_ = v; return *this; }
  InstanceNormOptions& track_running_stats(bool v) { track_running_stats_ = v; return *this; }
  int64_t num_features_;
  double eps_ = 1e-5, momentum_ = 0.1;
  bool affine_ = false, track_running_stats_ = false;
};
using InstanceNorm2dOptions = InstanceNormOptions;

class InstanceNorm2dImpl : public NormImplBase {
 public:
  explicit InstanceNorm2dImpl(const InstanceNormOptions& options);
  /// Each image's own statistics in training or without running ones; the running ones otherwise.
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  InstanceNormOptions options;
};
EMBER_MODULE(InstanceNorm2d);

}  // namespace ember::nn
