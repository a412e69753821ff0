// The convolution every ember::models network puts before a BatchNorm: padded to keep the size
// at stride 1 (kernel / 2 on each side) and without a bias, which the BatchNorm's own shift makes
// redundant.
#pragma once

#include "ember/nn/modules/conv.h"

namespace ember::models {

inline nn::Conv2d conv_before_norm(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).bias(false));
}

}  // namespace ember::models
