// What BatchNorm and InstanceNorm share, as PyTorch's _NormBase: the affine parameters weight
// (ones) and bias (zeros), and the running statistics running_mean (zeros), running_var (ones)
// and num_batches_tracked, each (C) and named as in PyTorch's state_dict.
#pragma once

#include "ember/nn/module.h"

namespace ember::nn {

class NormImplBase : public Module {
 public:
  /// running_mean = 0, running_var = 1, num_batches_tracked = 0.
  void reset_running_stats();
  /// reset_running_stats(), then weight = 1 and bias = 0.
  void reset_parameters();

  Tensor weight, bias;                                   // (C), undefined unless affine
  Tensor running_mean, running_var, num_batches_tracked;  // undefined unless tracking

 protected:
  NormImplBase(std::string name, int64_t num_features, bool affine, bool track_running_stats);
};

}  // namespace ember::nn
