#include "ember/models/resnet.h"

#include "ember/models/conv.h"

namespace ember::models {
BasicBlockImpl::BasicBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride)
    : Cloneable("BasicBlock"), in_channels(in_channels), out_channels(out_channels), stride(stride) {
  reset();
}

void BasicBlockImpl::reset() {
  conv1 = register_module("conv1", conv_before_norm(in_channels, out_channels, 3, stride));
  bn1 = register_module("bn1", nn::BatchNorm2d(out_channels));
  conv2 = register_module("conv2", conv_before_norm(out_channels, out_channels, 3, 1));
  bn2 = register_module("bn2", nn::BatchNorm2d(out_channels));
  if (stride != 1 || in_channels != out_channels)
    shortcut = register_module("shortcut", nn::Sequential(conv_before_norm(in_channels, out_channels, 1, stride),
                                                          nn::BatchNorm2d(out_channels)));
}

Tensor BasicBlockImpl::forward(const Tensor& x) {
  const Tensor out = bn2(conv2(bn1(conv1(x)).relu()));
  return (out + (shortcut ? shortcut(x) : x)).relu();
}

ResNetImpl::ResNetImpl(const ResNetOptions& options) : Module("ResNet"), options(options) {
  EMBER_CHECK(options.blocks_per_stage_ > 0 && !options.widths_.empty(), ValueError,
              "[ResNet] needs at least one stage and one block per stage");
  int64_t width = options.widths_.front();
  conv1 = register_module("conv1", conv_before_norm(options.in_channels_, width, 3, 1));
  bn1 = register_module("bn1", nn::BatchNorm2d(width));
  for (size_t stage = 0; stage < options.widths_.size(); ++stage) {
    nn::Sequential blocks;
    const int64_t out = options.widths_[stage];
    for (int64_t b = 0; b < options.blocks_per_stage_; ++b) {
      blocks->push_back(BasicBlock(width, out, b == 0 && stage > 0 ? 2 : 1));
      width = out;
    }
    layers.push_back(register_module("layer" + std::to_string(stage + 1), blocks));
  }
  fc = register_module("fc", nn::Linear(width, options.num_classes_));
  // He et al.'s init for the convolutions (PyTorch's torchvision ResNet does the same).
  for (const auto& [name, p] : named_parameters())
    if (p.dim() == 4) {
      Tensor w = p;
      nn::init::kaiming_normal_(w, 0, nn::init::FanMode::FanOut);
    }
}

Tensor ResNetImpl::forward(const Tensor& x) {
  Tensor h = bn1(conv1(x)).relu();
  for (auto& stage : layers) h = stage(h);
  return fc(h.mean({2, 3}));  // global average pooling
}

}  // namespace ember::models
