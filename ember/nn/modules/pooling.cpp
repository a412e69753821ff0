#include "ember/nn/modules/pooling.h"

#include "ember/nn/functional.h"

namespace ember::nn {

Tensor MaxPool2dImpl::forward(const Tensor& input) {
  return functional::max_pool2d(input, options.kernel_size_, options.stride_, options.padding_, options.dilation_);
}

// As PyTorch prints them (one number for a square setting).
std::string MaxPool2dImpl::extra_repr() const {
  return "kernel_size=" + options.kernel_size_.str(true) +
         ", stride=" + options.stride_.value_or(options.kernel_size_).str(true) +
         ", padding=" + options.padding_.str(true) + ", dilation=" + options.dilation_.str(true) + ", ceil_mode=False";
}

Tensor AvgPool2dImpl::forward(const Tensor& input) {
  return functional::avg_pool2d(input, options.kernel_size_, options.stride_, options.padding_,
                                options.count_include_pad_);
}

std::string AvgPool2dImpl::extra_repr() const {
  return "kernel_size=" + options.kernel_size_.str(true) +
         ", stride=" + options.stride_.value_or(options.kernel_size_).str(true) +
         ", padding=" + options.padding_.str(true);
}

}  // namespace ember::nn
