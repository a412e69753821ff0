#include "ember/nn/modules/pooling.h"

#include "ember/nn/functional.h"
#include "ember/ops/pooling.h"
#include "ember/ops/shape_ops.h"

namespace ember::nn {

Tensor MaxPool2dImpl::forward(const Tensor& input) {
  return functional::max_pool2d(input, options.kernel_size_, options.stride_, options.padding_, options.dilation_,
                                options.ceil_mode_);
}

// As PyTorch prints them (one number for a square setting).
std::string MaxPool2dImpl::extra_repr() const {
  return "kernel_size=" + options.kernel_size_.str(true) +
         ", stride=" + options.stride_.value_or(options.kernel_size_).str(true) +
         ", padding=" + options.padding_.str(true) + ", dilation=" + options.dilation_.str(true) +
         ", ceil_mode=" + (options.ceil_mode_ ? "True" : "False");
}

Tensor AvgPool2dImpl::forward(const Tensor& input) {
  return functional::avg_pool2d(input, options.kernel_size_, options.stride_, options.padding_, options.ceil_mode_,
                                options.count_include_pad_);
}

std::string AvgPool2dImpl::extra_repr() const {
  return "kernel_size=" + options.kernel_size_.str(true) +
         ", stride=" + options.stride_.value_or(options.kernel_size_).str(true) +
         ", padding=" + options.padding_.str(true);
}

Tensor AdaptiveAvgPool2dImpl::forward(const Tensor& input) {
  return functional::adaptive_avg_pool2d(input, options.output_size_);
}
std::string AdaptiveAvgPool2dImpl::extra_repr() const { return "output_size=" + options.output_size_.str(true); }

Tensor AdaptiveMaxPool2dImpl::forward(const Tensor& input) {
  return functional::adaptive_max_pool2d(input, options.output_size_);
}
std::tuple<Tensor, Tensor> AdaptiveMaxPool2dImpl::forward_with_indices(const Tensor& input) {
  return adaptive_max_pool2d(input, options.output_size_);
}
std::string AdaptiveMaxPool2dImpl::extra_repr() const { return "output_size=" + options.output_size_.str(true); }

AdaptiveConcatPool2dImpl::AdaptiveConcatPool2dImpl(ExpandingArray<2> output_size)
    : Cloneable("AdaptiveConcatPool2d"), output_size(output_size) {
  reset();
}
void AdaptiveConcatPool2dImpl::reset() {
  mp = register_module("mp", AdaptiveMaxPool2d(output_size));
  ap = register_module("ap", AdaptiveAvgPool2d(output_size));
}
Tensor AdaptiveConcatPool2dImpl::forward(const Tensor& input) {
  return cat({mp(input), ap(input)}, input.dim() == 3 ? 0 : 1);
}

}  // namespace ember::nn
