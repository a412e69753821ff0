// Conv2d: a 2-D convolution layer with PyTorch's layout (weight (out, in, kH, kW)), options and
// default initialisation, so a model built here and one built in PyTorch line up by name.
//   nn::Conv2d conv(nn::Conv2dOptions(1, 6, 5).padding(2));   auto y = conv(x);  // (N, 6, H, W)
#pragma once

#include "ember/core/expanding_array.h"
#include "ember/nn/module.h"

namespace ember::nn {

struct Conv2dOptions {
  Conv2dOptions(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  Conv2dOptions& stride(ExpandingArray<2> s) { stride_ = s; return *this; }
  Conv2dOptions& padding(ExpandingArray<2> p) { padding_ = p; return *this; }
  Conv2dOptions& dilation(ExpandingArray<2> d) { dilation_ = d; return *this; }
  Conv2dOptions& groups(int64_t g) { groups_ = g; return *this; }
  Conv2dOptions& bias(bool b) { bias_ = b; return *this; }
  int64_t in_channels_, out_channels_, groups_ = 1;
  ExpandingArray<2> kernel_size_, stride_ = 1, padding_ = 0, dilation_ = 1;
  bool bias_ = true;
};

class Conv2dImpl : public Module {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, ExpandingArray<2> kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv2dImpl(const Conv2dOptions& options);
  Tensor forward(const Tensor& input) override;
  /// PyTorch's default, as for Linear with fan_in = in_channels * kH * kW: weight ~
  /// kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and so the bias.
  void reset_parameters();
  std::string extra_repr() const override;

  Conv2dOptions options;
  Tensor weight;  // (out_channels, in_channels / groups, kH, kW)
  Tensor bias;    // (out_channels), undefined without bias
};
EMBER_MODULE(Conv2d);

}  // namespace ember::nn
