#include "ember/nn/modules/instancenorm.h"

#include <sstream>

#include "ember/ops/normalization.h"

namespace ember::nn {

InstanceNorm2dImpl::InstanceNorm2dImpl(const InstanceNormOptions& options)
    : NormImplBase("InstanceNorm2d", options.num_features_, options.affine_, options.track_running_stats_),
      options(options) {}

Tensor InstanceNorm2dImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() == 3 || input.dim() == 4, ShapeError,
              "[InstanceNorm2d] expects an input of shape (N, C, H, W) or (C, H, W); got ", shape_str(input.sizes()));
  const bool unbatched = input.dim() == 3;
  const Tensor x = unbatched ? input.unsqueeze(0) : input;
  EMBER_CHECK(x.size(1) == options.num_features_, ShapeError, "[InstanceNorm2d] expected ", options.num_features_,
              " channels; got input ", shape_str(input.sizes()));
  const Tensor out = instance_norm(x, weight, bias, running_mean, running_var,
                                   is_training() || !options.track_running_stats_, options.momentum_, options.eps_);
  return unbatched ? out.squeeze(0) : out;
}

std::string InstanceNorm2dImpl::extra_repr() const {
  std::ostringstream s;
  s << options.num_features_ << ", eps=" << options.eps_ << ", momentum=" << options.momentum_
    << ", affine=" << (options.affine_ ? "True" : "False")
    << ", track_running_stats=" << (options.track_running_stats_ ? "True" : "False");
  return s.str();
}

}  // namespace ember::nn
