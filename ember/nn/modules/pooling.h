// MaxPool2d and AvgPool2d: pooling layers with libtorch's options (stride defaults to the
// kernel size). They hold no parameters.
//   nn::MaxPool2d pool(2);   auto y = pool(x);  // (N, C, H / 2, W / 2)
#pragma once

#include <optional>

#include "ember/core/expanding_array.h"
#include "ember/nn/module.h"

namespace ember::nn {

struct MaxPool2dOptions {
  MaxPool2dOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: implicit, as libtorch's
  MaxPool2dOptions& stride(ExpandingArray<2> s) { stride_ = s; return *this; }
  MaxPool2dOptions& padding(ExpandingArray<2> p) { padding_ = p; return *this; }
  MaxPool2dOptions& dilation(ExpandingArray<2> d) { dilation_ = d; return *this; }
  ExpandingArray<2> kernel_size_;
  std::optional<ExpandingArray<2>> stride_;  // unset: the kernel size
  ExpandingArray<2> padding_ = 0, dilation_ = 1;
};

class MaxPool2dImpl : public Module {
 public:
  explicit MaxPool2dImpl(ExpandingArray<2> kernel_size) : MaxPool2dImpl(MaxPool2dOptions(kernel_size)) {}
  explicit MaxPool2dImpl(const MaxPool2dOptions& options) : Module("MaxPool2d"), options(options) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  MaxPool2dOptions options;
};
EMBER_MODULE(MaxPool2d);

struct AvgPool2dOptions {
  AvgPool2dOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: implicit, as libtorch's
  AvgPool2dOptions& stride(ExpandingArray<2> s) { stride_ = s; return *this; }
  AvgPool2dOptions& padding(ExpandingArray<2> p) { padding_ = p; return *this; }
  AvgPool2dOptions& count_include_pad(bool c) { count_include_pad_ = c; return *this; }
  ExpandingArray<2> kernel_size_;
  std::optional<ExpandingArray<2>> stride_;  // unset: the kernel size
  ExpandingArray<2> padding_ = 0;
  bool count_include_pad_ = true;
};

class AvgPool2dImpl : public Module {
 public:
  explicit AvgPool2dImpl(ExpandingArray<2> kernel_size) : AvgPool2dImpl(AvgPool2dOptions(kernel_size)) {}
  explicit AvgPool2dImpl(const AvgPool2dOptions& options) : Module("AvgPool2d"), options(options) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  AvgPool2dOptions options;
};
EMBER_MODULE(AvgPool2d);

}  // namespace ember::nn
