// BatchNorm1d and BatchNorm2d with libtorch's options and PyTorch's state: weight and bias
// (when affine), and the buffers running_mean, running_var and num_batches_tracked (when
// tracking running statistics), named as in PyTorch's state_dict.
//   nn::BatchNorm2d(nn::BatchNorm2dOptions(16).momentum(0.01))
#pragma once

#include <optional>

#include "ember/nn/modules/norm_base.h"

namespace ember::nn {

struct BatchNormOptions {
  /* implicit */ BatchNormOptions(int64_t num_features) : num_features_(num_features) {}
  BatchNormOptions& eps(double v) { eps_ = v; return *this; }
  /// The weight of each new batch in the running statistics; std::nullopt: a cumulative
  /// average (1 / num_batches_tracked), as PyTorch's momentum=None.
  BatchNormOptions& momentum(std::optional<double> v) { momentum_ = v; return *this; }
  BatchNormOptions& affine(bool v) { affine_ = v; return *this; }
  BatchNormOptions& track_running_stats(bool v) { track_running_stats_ = v; return *this; }
  int64_t num_features_;
  double eps_ = 1e-5;
  std::optional<double> momentum_ = 0.1;
  bool affine_ = true, track_running_stats_ = true;
};
using BatchNorm1dOptions = BatchNormOptions;
using BatchNorm2dOptions = BatchNormOptions;

/// What BatchNorm1d and BatchNorm2d share; they differ in the input ranks they accept.
class BatchNormImplBase : public NormImplBase {
 public:
  BatchNormImplBase(std::string name, const BatchNormOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;

  BatchNormOptions options;

 protected:
  virtual void check_input(const Tensor& input) const = 0;
};

class BatchNorm1dImpl : public BatchNormImplBase {
 public:
  explicit BatchNorm1dImpl(const BatchNormOptions& options) : BatchNormImplBase("BatchNorm1d", options) {}

 protected:
  void check_input(const Tensor& input) const override;  // (N, C) or (N, C, L)
};
EMBER_MODULE(BatchNorm1d);

class BatchNorm2dImpl : public BatchNormImplBase {
 public:
  explicit BatchNorm2dImpl(const BatchNormOptions& options) : BatchNormImplBase("BatchNorm2d", options) {}

 protected:
  void check_input(const Tensor& input) const override;  // (N, C, H, W)
};
EMBER_MODULE(BatchNorm2d);

}  // namespace ember::nn
