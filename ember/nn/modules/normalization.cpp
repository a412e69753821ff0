#include "ember/nn/modules/normalization.h"

#include <algorithm>
#include <sstream>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/creation.h"
#include "ember/ops/normalization.h"

namespace ember::nn {
namespace {

void reset_affine(Tensor& weight, Tensor& bias) {
  if (!weight.defined()) return;
  NoGradGuard no_grad;
  weight.fill_(1);
  bias.zero_();
}

}  // namespace

LayerNormImpl::LayerNormImpl(const LayerNormOptions& options) : Module("LayerNorm"), options(options) {
  const auto& shape = options.normalized_shape_;
  EMBER_CHECK(!shape.empty() && std::all_of(shape.begin(), shape.end(), [](int64_t s) { return s > 0; }),
              ValueError, "[LayerNorm] normalized_shape must be non-empty with positive sizes; got ", shape_str(shape));
  if (options.elementwise_affine_) {
    weight = register_parameter("weight", ones(shape));
    bias = register_parameter("bias", zeros(shape));
  }
}

void LayerNormImpl::reset_parameters() { reset_affine(weight, bias); }

Tensor LayerNormImpl::forward(const Tensor& input) {
  return layer_norm(input, options.normalized_shape_, weight, bias, options.eps_);
}

std::string LayerNormImpl::extra_repr() const {
  std::ostringstream s;  // PyTorch prints the shape as a tuple: (10,) or (4, 5)
  s << "(";
  for (size_t i = 0; i < options.normalized_shape_.size(); ++i) s << (i ? ", " : "") << options.normalized_shape_[i];
  s << (options.normalized_shape_.size() == 1 ? ",)" : ")") << ", eps=" << options.eps_
    << ", elementwise_affine=" << (options.elementwise_affine_ ? "True" : "False");
  return s.str();
}

GroupNormImpl::GroupNormImpl(const GroupNormOptions& options) : Module("GroupNorm"), options(options) {
  EMBER_CHECK(options.num_groups_ > 0 && options.num_channels_ > 0 && options.num_channels_ % options.num_groups_ == 0,
              ValueError, "[GroupNorm] num_channels (", options.num_channels_, ") must be a positive multiple of num_groups (",
              options.num_groups_, ")");
  if (options.affine_) {
    weight = register_parameter("weight", ones({options.num_channels_}));
    bias = register_parameter("bias", zeros({options.num_channels_}));
  }
}

void GroupNormImpl::reset_parameters() { reset_affine(weight, bias); }

Tensor GroupNormImpl::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() >= 2 && input.size(1) == options.num_channels_, ShapeError, "[GroupNorm] expected ",
              options.num_channels_, " channels in dim 1; got input ", shape_str(input.sizes()));
  return group_norm(input, options.num_groups_, weight, bias, options.eps_);
}

std::string GroupNormImpl::extra_repr() const {
  std::ostringstream s;
  s << options.num_groups_ << ", " << options.num_channels_ << ", eps=" << options.eps_
    << ", affine=" << (options.affine_ ? "True" : "False");
  return s.str();
}

}  // namespace ember::nn
