// Dropout layers: active while training, the identity in eval().
//   nn::Dropout(0.5)     zeroes single elements;
//   nn::Dropout2d(0.1)   zeroes whole channels of (N, C, H, W) or (C, H, W) feature maps.
// Both scale what they keep by 1 / (1 - p). libtorch's DropoutOptions(p) is taken as p itself.
#pragma once

#include "ember/nn/module.h"

namespace ember::nn {

class DropoutImpl : public Module {
 public:
  explicit DropoutImpl(double p = 0.5);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
};
EMBER_MODULE(Dropout);

class Dropout2dImpl : public Module {
 public:
  explicit Dropout2dImpl(double p = 0.5);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
};
EMBER_MODULE(Dropout2d);

}  // namespace ember::nn
