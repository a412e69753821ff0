#include "ember/nn/modules/batchnorm.h"

#include <sstream>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/normalization.h"

namespace ember::nn {

BatchNormImplBase::BatchNormImplBase(std::string name, const BatchNormOptions& options)
    : NormImplBase(std::move(name), options.num_features_, options.affine_, options.track_running_stats_),
      options(options) {}

Tensor BatchNormImplBase::forward(const Tensor& input) {
  check_input(input);
  EMBER_CHECK(input.size(1) == options.num_features_, ShapeError, "[", name(), "] expected ", options.num_features_,
              " channels in dim 1; got input ", shape_str(input.sizes()));
  double momentum = options.momentum_.value_or(0.0);
  if (is_training() && options.track_running_stats_) {
    NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    if (!options.momentum_) momentum = 1.0 / static_cast<double>(num_batches_tracked.item<int64_t>());
  }
  // Batch statistics in training, and whenever there are no running ones to use.
  return batch_norm(input, weight, bias, running_mean, running_var,
                    is_training() || !options.track_running_stats_, momentum, options.eps_);
}

std::string BatchNormImplBase::extra_repr() const {
  std::ostringstream s;
  s << options.num_features_ << ", eps=" << options.eps_ << ", momentum=";
  if (options.momentum_) s << *options.momentum_;
  else s << "None";
  s << ", affine=" << (options.affine_ ? "True" : "False")
    << ", track_running_stats=" << (options.track_running_stats_ ? "True" : "False");
  return s.str();
}

void BatchNorm1dImpl::check_input(const Tensor& input) const {
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, ShapeError,
              "[BatchNorm1d] expects an input of shape (N, C) or (N, C, L); got ", shape_str(input.sizes()));
}

void BatchNorm2dImpl::check_input(const Tensor& input) const {
  EMBER_CHECK(input.dim() == 4, ShapeError, "[BatchNorm2d] expects an input of shape (N, C, H, W); got ",
              shape_str(input.sizes()));
}

}  // namespace ember::nn
