#include "ember/nn/modules/conv.h"

#include <cmath>

#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "ember/ops/creation.h"

namespace ember::nn {

Conv2dImpl::Conv2dImpl(const Conv2dOptions& opts) : Module("Conv2d"), options(opts) {
  EMBER_CHECK(opts.in_channels_ > 0 && opts.out_channels_ > 0, ValueError,
              "[Conv2d] in_channels and out_channels must be positive; got ", opts.in_channels_, " and ",
              opts.out_channels_);
  EMBER_CHECK(opts.kernel_size_[0] > 0 && opts.kernel_size_[1] > 0, ValueError,
              "[Conv2d] kernel_size must be positive; got ", opts.kernel_size_.str());
  EMBER_CHECK(opts.groups_ > 0 && opts.in_channels_ % opts.groups_ == 0 && opts.out_channels_ % opts.groups_ == 0,
              ValueError, "[Conv2d] groups (", opts.groups_, ") must divide in_channels (", opts.in_channels_,
              ") and out_channels (", opts.out_channels_, ")");
  weight = register_parameter("weight", empty({opts.out_channels_, opts.in_channels_ / opts.groups_,
                                               opts.kernel_size_[0], opts.kernel_size_[1]}));
  if (opts.bias_) bias = register_parameter("bias", empty({opts.out_channels_}));
  reset_parameters();
}

void Conv2dImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const double bound = 1 / std::sqrt(static_cast<double>(init::calculate_fan_in_and_fan_out(weight).first));
    init::uniform_(bias, -bound, bound);
  }
}

Tensor Conv2dImpl::forward(const Tensor& input) {
  return functional::conv2d(input, weight, bias, options.stride_, options.padding_, options.dilation_,
                            options.groups_);
}

std::string Conv2dImpl::extra_repr() const {
  // As PyTorch prints it: the settings that differ from their defaults.
  std::string s = std::to_string(options.in_channels_) + ", " + std::to_string(options.out_channels_) +
                  ", kernel_size=" + options.kernel_size_.str() + ", stride=" + options.stride_.str();
  if (!(options.padding_ == ExpandingArray<2>(0))) s += ", padding=" + options.padding_.str();
  if (!(options.dilation_ == ExpandingArray<2>(1))) s += ", dilation=" + options.dilation_.str();
  if (options.groups_ != 1) s += ", groups=" + std::to_string(options.groups_);
  if (!options.bias_) s += ", bias=False";
  return s;
}

}  // namespace ember::nn
