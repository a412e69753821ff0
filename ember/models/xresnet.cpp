#include "ember/models/xresnet.h"

#include "ember/autograd/grad_mode.h"
#include "ember/models/conv.h"

namespace ember::models {

nn::Sequential conv_layer(int64_t ni, int64_t nf, int64_t ks, int64_t stride, bool zero_bn, bool act) {
  nn::BatchNorm2d bn(nf);
  {
    NoGradGuard no_grad;
    bn->weight.fill_(zero_bn ? 0.0 : 1.0);
  }
  nn::Sequential layer(conv_before_norm(ni, nf, ks, stride), bn);
  if (act) layer->push_back(nn::ReLU());
  return layer;
}

ResBlockImpl::ResBlockImpl(int64_t expansion, int64_t ni, int64_t nh, int64_t stride)
    : Cloneable("ResBlock"), expansion(expansion), ni(ni), nh(nh), stride(stride) {
  EMBER_CHECK(expansion >= 1 && ni > 0 && nh > 0 && stride >= 1, ValueError, "[ResBlock] expansion, channels and stride must be positive");
  reset();
}

void ResBlockImpl::reset() {
  const int64_t nf = nh * expansion, in = ni * expansion;
  convs = expansion == 1
              ? nn::Sequential(conv_layer(in, nh, 3, stride), conv_layer(nh, nf, 3, 1, /*zero_bn=*/true, /*act=*/false))
              : nn::Sequential(conv_layer(in, nh, 1), conv_layer(nh, nh, 3, stride),
                               conv_layer(nh, nf, 1, 1, /*zero_bn=*/true, /*act=*/false));
  register_module("convs", convs);
  if (in != nf) idconv = register_module("idconv", conv_layer(in, nf, 1, 1, false, /*act=*/false));
  if (stride != 1) pool = register_module("pool", nn::AvgPool2d(nn::AvgPool2dOptions(2).ceil_mode(true)));
}

Tensor ResBlockImpl::forward(const Tensor& x) {
  const Tensor pooled = pool ? pool(x) : x;
  return (convs(x) + (idconv ? idconv(pooled) : pooled)).relu();
}

nn::Sequential xresnet(int64_t expansion, const std::vector<int64_t>& layers, int64_t c_in, int64_t c_out) {
  EMBER_CHECK(expansion >= 1 && !layers.empty() && c_in > 0 && c_out > 0, ValueError,
              "[xresnet] expansion, stages, c_in and c_out must be positive");
  nn::Sequential net;
  const std::vector<int64_t> stem{c_in, (c_in + 1) * 8, 64, 64};
  for (size_t i = 0; i + 1 < stem.size(); ++i) net->push_back(conv_layer(stem[i], stem[i + 1], 3, i == 0 ? 2 : 1));
  net->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1)));
  std::vector<int64_t> widths{64 / expansion, 64, 128, 256, 512};
  while (widths.size() < layers.size() + 1) widths.push_back(widths.back() * 2);
  for (size_t stage = 0; stage < layers.size(); ++stage) {
    nn::Sequential blocks;
    for (int64_t b = 0; b < layers[stage]; ++b)
      blocks->push_back(ResBlock(expansion, b == 0 ? widths[stage] : widths[stage + 1], widths[stage + 1],
                                 b == 0 && stage > 0 ? 2 : 1));
    net->push_back(blocks);
  }
  net->push_back(nn::AdaptiveAvgPool2d(1));
  net->push_back(nn::Flatten());
  net->push_back(nn::Linear(widths[layers.size()] * expansion, c_out));
  // The course's init_cnn: Kaiming-normal weights (fan in, ReLU gain), zero linear bias.
  NoGradGuard no_grad;
  for (const auto& [name, p] : net->named_parameters()) {
    Tensor t = p;
    if (p.dim() == 4 || p.dim() == 2) nn::init::kaiming_normal_(t);
    else if (name == std::to_string(net->size() - 1) + ".bias") t.zero_();
  }
  return net;
}

nn::Sequential xresnet18(int64_t c_in, int64_t c_out) { return xresnet(1, {2, 2, 2, 2}, c_in, c_out); }
nn::Sequential xresnet34(int64_t c_in, int64_t c_out) { return xresnet(1, {3, 4, 6, 3}, c_in, c_out); }
nn::Sequential xresnet50(int64_t c_in, int64_t c_out) { return xresnet(4, {3, 4, 6, 3}, c_in, c_out); }

}  // namespace ember::models
