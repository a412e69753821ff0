// The course's XResNet (notebook 11, after Bag of Tricks, He et al. 2018): a stem of three 3x3
// convolutions (the first with stride 2) and a 3x3 max pool; four stages of ResBlocks (64, 128,
// 256, 512 channels times the expansion) whose shortcut average-pools before its 1x1 convolution
// when the block strides; every convolution without bias and followed by BatchNorm, the last
// BatchNorm of each block starting at zero so each block starts as the identity; Kaiming-normal
// weights. The layout and names are the course's nn.Sequential (0.0.weight, ..., 4.0.convs.1.1.weight,
// 4.0.idconv.0.weight, 10.weight), so its PyTorch twin's state_dict loads.
//   auto net = models::xresnet18(/*c_in=*/1, /*c_out=*/10);   net(x);   // x (N, 1, H, W)
#pragma once

#include "ember/nn/nn.h"

namespace ember::models {

/// conv (ks, stride, padding ks / 2, no bias) -> BatchNorm2d (weight 0 when zero_bn) [-> ReLU]:
/// the course's conv_layer, an nn::Sequential named 0, 1, 2.
nn::Sequential conv_layer(int64_t ni, int64_t nf, int64_t ks = 3, int64_t stride = 1, bool zero_bn = false,
                          bool act = true);

/// The course's ResBlock: convs (two 3x3 for expansion 1; 1x1, 3x3, 1x1 bottleneck otherwise) plus
/// the shortcut (identity, or average pooling (2, ceil_mode) then a 1x1 conv_layer), then ReLU.
class ResBlockImpl : public nn::Cloneable<ResBlockImpl> {
 public:
  ResBlockImpl(int64_t expansion, int64_t ni, int64_t nh, int64_t stride = 1);
  void reset() override;
  Tensor forward(const Tensor& x) override;

  int64_t expansion, ni, nh, stride;
  nn::Sequential convs{nullptr};
  nn::Sequential idconv{nullptr};  // null: the identity
  nn::AvgPool2d pool{nullptr};     // null: no pooling (stride 1)
};
EMBER_MODULE(ResBlock);

/// XResNet with `expansion` (1 or 4) and blocks per stage `layers`, for c_in input channels and
/// c_out classes.
nn::Sequential xresnet(int64_t expansion, const std::vector<int64_t>& layers, int64_t c_in = 3, int64_t c_out = 1000);
nn::Sequential xresnet18(int64_t c_in = 3, int64_t c_out = 1000);  // expansion 1, {2, 2, 2, 2}
nn::Sequential xresnet34(int64_t c_in = 3, int64_t c_out = 1000);  // expansion 1, {3, 4, 6, 3}
nn::Sequential xresnet50(int64_t c_in = 3, int64_t c_out = 1000);  // expansion 4, {3, 4, 6, 3}

}  // namespace ember::models
