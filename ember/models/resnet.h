// A ResNet for small images (He et al.'s CIFAR ResNet, ResNet-20 with 3 blocks per stage): a 3x3
// stem to 16 channels, three stages of BasicBlocks with 16, 32 and 64 channels (stride 2 and a
// 1x1 projection shortcut where a stage starts), global average pooling and a linear head.
// Built only from public layers, with the names PyTorch's twin in bench/compare/torch_train.py
// gets (conv1, bn1, layer1.0.conv1, layer2.0.shortcut.0, ..., fc).
//   models::ResNet net(models::ResNetOptions().in_channels(1).num_classes(10));   net(x);
#pragma once

#include "ember/nn/nn.h"

namespace ember::models {

/// conv3x3 -> BN -> ReLU -> conv3x3 -> BN, plus the shortcut (identity, or conv1x1 -> BN when the
/// shape changes), then ReLU.
class BasicBlockImpl : public nn::Cloneable<BasicBlockImpl> {
 public:
  BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride = 1);
  void reset() override;
  Tensor forward(const Tensor& x) override;

  int64_t in_channels, out_channels, stride;
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  nn::Sequential shortcut{nullptr};  // null: the identity
};
EMBER_MODULE(BasicBlock);

struct ResNetOptions {
  ResNetOptions& blocks_per_stage(int64_t v) { blocks_per_stage_ = v; return *this; }
  ResNetOptions& in_channels(int64_t v) { in_channels_ = v; return *this; }
  ResNetOptions& num_classes(int64_t v) { num_classes_ = v; return *this; }
  ResNetOptions& widths(std::vector<int64_t> v) { widths_ = std::move(v); return *this; }
  int64_t blocks_per_stage_ = 3;  // 3: ResNet-20 (6n + 2 layers)
  int64_t in_channels_ = 3, num_classes_ = 10;
  std::vector<int64_t> widths_{16, 32, 64};
};

class ResNetImpl : public nn::Module {
 public:
  explicit ResNetImpl(const ResNetOptions& options = {});
  /// (N, in_channels, H, W) -> logits (N, num_classes); any H, W of at least 1.
  Tensor forward(const Tensor& x) override;

  ResNetOptions options;
  nn::Conv2d conv1{nullptr};
  nn::BatchNorm2d bn1{nullptr};
  std::vector<nn::Sequential> layers;  // layer1, layer2, ...
  nn::Linear fc{nullptr};
};
EMBER_MODULE(ResNet);

}  // namespace ember::models
