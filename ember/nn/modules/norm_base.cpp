#include "ember/nn/modules/norm_base.h"

#include "ember/autograd/grad_mode.h"
#include "ember/ops/creation.h"

namespace ember::nn {

NormImplBase::NormImplBase(std::string name, int64_t num_features, bool affine, bool track_running_stats)
    : Module(std::move(name)) {
  EMBER_CHECK(num_features > 0, ValueError, "[", this->name(), "] num_features must be positive; got ", num_features);
  if (affine) {
    weight = register_parameter("weight", ones({num_features}));
    bias = register_parameter("bias", zeros({num_features}));
  }
  if (track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}));
    running_var = register_buffer("running_var", ones({num_features}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, kInt64));
  }
}

void NormImplBase::reset_running_stats() {
  if (!running_mean.defined()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

void NormImplBase::reset_parameters() {
  reset_running_stats();
  if (!weight.defined()) return;
  NoGradGuard no_grad;
  weight.fill_(1);
  bias.zero_();
}

}  // namespace ember::nn
