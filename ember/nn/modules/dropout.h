// Dropout layers: active while training, the identity in eval().
//   nn::Dropout(0.5)     zeroes single elements;
//   nn::Dropout2d(0.1)   zeroes whole channels of (N, C, H, W) or (C, H, W) feature maps.
// Both scale what they keep by 1 / (1 - p). Take p or libtorch's options
// (nn::Dropout2d(nn::Dropout2dOptions(0.1))); inplace is accepted and computes out of place.
#pragma once

#include "ember/nn/module.h"

namespace ember::nn {

struct DropoutOptions {
  /* implicit */ DropoutOptions(double p = 0.5) : p_(p) {}
  DropoutOptions& p(double v) { p_ = v; return *this; }
  DropoutOptions& inplace(bool v) { inplace_ = v; return *this; }
  double p_;
  bool inplace_ = false;
};
using Dropout2dOptions = DropoutOptions;

class DropoutImpl : public Module {
 public:
  explicit DropoutImpl(double p = 0.5);
  explicit DropoutImpl(const DropoutOptions& options) : DropoutImpl(options.p_) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
};
EMBER_MODULE(Dropout);

class Dropout2dImpl : public Module {
 public:
  explicit Dropout2dImpl(double p = 0.5);
  explicit Dropout2dImpl(const DropoutOptions& options) : Dropout2dImpl(options.p_) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
};
EMBER_MODULE(Dropout2d);

}  // namespace ember::nn
