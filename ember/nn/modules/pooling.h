// Pooling layers with libtorch's options; they hold no parameters.
//   nn::MaxPool2d pool(2);   auto y = pool(x);  // (N, C, H / 2, W / 2); stride = kernel size
//   nn::AdaptiveAvgPool2d gap(1);               // (N, C, 1, 1) whatever the image size
//   nn::AdaptiveConcatPool2d head;              // the course's: max and mean side by side
#pragma once

#include <optional>
#include <tuple>

#include "ember/core/expanding_array.h"
#include "ember/nn/module.h"

namespace ember::nn {

struct MaxPool2dOptions {
  MaxPool2dOptions(ExpandingArray<2> kernel_size) : kernel_size_(kernel_size) {}  // NOLINT: implicit, as libtorch's
  MaxPool2dOptions& stride(ExpandingArray<2> s) { stride_ = s; return *this; }
  MaxPool2dOptions& padding(ExpandingArray<2> p) { padding_ = p; return *this; }
  MaxPool2dOptions& dilation(ExpandingArray<2> d) { dilation_ = d; return *this; }
  MaxPool2dOptions& ceil_mode(bool c) { ceil_mode_ = c; return *this; }
  ExpandingArray<2> kernel_size_;
  std::optional<ExpandingArray<2>> stride_;  // unset: the kernel size
  ExpandingArray<2> padding_ = 0, dilation_ = 1;
  bool ceil_mode_ = false;
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
  AvgPool2dOptions& ceil_mode(bool c) { ceil_mode_ = c; return *this; }
  AvgPool2dOptions& count_include_pad(bool c) { count_include_pad_ = c; return *this; }
  ExpandingArray<2> kernel_size_;
  std::optional<ExpandingArray<2>> stride_;  // unset: the kernel size
  ExpandingArray<2> padding_ = 0;
  bool ceil_mode_ = false, count_include_pad_ = true;
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

struct AdaptivePool2dOptions {
  AdaptivePool2dOptions(ExpandingArray<2> output_size) : output_size_(output_size) {}  // NOLINT: implicit, as libtorch's
  ExpandingArray<2> output_size_;
};
using AdaptiveAvgPool2dOptions = AdaptivePool2dOptions;
using AdaptiveMaxPool2dOptions = AdaptivePool2dOptions;

class AdaptiveAvgPool2dImpl : public Module {
 public:
  explicit AdaptiveAvgPool2dImpl(ExpandingArray<2> output_size) : AdaptiveAvgPool2dImpl(AdaptivePool2dOptions(output_size)) {}
  explicit AdaptiveAvgPool2dImpl(const AdaptivePool2dOptions& options) : Module("AdaptiveAvgPool2d"), options(options) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  AdaptivePool2dOptions options;
};
EMBER_MODULE(AdaptiveAvgPool2d);

class AdaptiveMaxPool2dImpl : public Module {
 public:
  explicit AdaptiveMaxPool2dImpl(ExpandingArray<2> output_size) : AdaptiveMaxPool2dImpl(AdaptivePool2dOptions(output_size)) {}
  explicit AdaptiveMaxPool2dImpl(const AdaptivePool2dOptions& options) : Module("AdaptiveMaxPool2d"), options(options) {}
  Tensor forward(const Tensor& input) override;
  /// The pooled values and the flat index (y * W + x) of each in its plane, as libtorch's.
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  AdaptivePool2dOptions options;
};
EMBER_MODULE(AdaptiveMaxPool2d);

/// The course's (fastai's) pooling head: adaptive max and average pooling to output_size, the
/// max first, concatenated along the channels, so (N, C, H, W) -> (N, 2C, oh, ow).
class AdaptiveConcatPool2dImpl : public Cloneable<AdaptiveConcatPool2dImpl> {
 public:
  explicit AdaptiveConcatPool2dImpl(ExpandingArray<2> output_size = 1);
  void reset() override;
  Tensor forward(const Tensor& input) override;
  ExpandingArray<2> output_size;
  AdaptiveMaxPool2d mp{nullptr};
  AdaptiveAvgPool2d ap{nullptr};
};
EMBER_MODULE(AdaptiveConcatPool2d);

}  // namespace ember::nn
