#include "ember/nn/utils/fusion.h"

#include "ember/autograd/grad_mode.h"
#include "ember/nn/modules/linear.h"
#include "ember/nn/modules/sequential.h"
#include "ember/ops/creation.h"

namespace ember::nn::utils {

Conv2d fuse_conv_bn_eval(const Conv2dImpl& conv, const BatchNormImplBase& bn) {
  EMBER_CHECK(bn.running_mean.defined(), ValueError, "[fuse_conv_bn_eval] the BatchNorm has no running statistics");
  const int64_t channels = conv.options.out_channels_;
  EMBER_CHECK(bn.options.num_features_ == channels, ShapeError, "[fuse_conv_bn_eval] the convolution has ", channels,
              " output channels but the BatchNorm normalises ", bn.options.num_features_);
  NoGradGuard no_grad;
  Conv2dOptions options = conv.options;
  Conv2d fused(options.bias(true));
  const ScalarType dtype = conv.weight.dtype();
  // scale = g / sqrt(var + eps); weight' = weight * scale (per output channel);
  // bias' = (bias - mean) * scale + b.
  const Tensor gamma = bn.weight.defined() ? bn.weight.to(kFloat64) : ones({channels}, kFloat64);
  const Tensor beta = bn.bias.defined() ? bn.bias.to(kFloat64) : zeros({channels}, kFloat64);
  const Tensor scale = gamma * (bn.running_var.to(kFloat64) + bn.options.eps_).rsqrt();
  const Tensor bias = conv.bias.defined() ? conv.bias.to(kFloat64) : zeros({channels}, kFloat64);
  fused->weight.copy_((conv.weight.to(kFloat64) * scale.reshape({channels, 1, 1, 1})).to(dtype));
  fused->bias.copy_(((bias - bn.running_mean.to(kFloat64)) * scale + beta).to(dtype));
  fused->train(conv.is_training());
  return fused;
}

int fold_batchnorm(Module& model) {
  int folded = 0;
  if (auto* seq = dynamic_cast<SequentialImpl*>(&model)) {
    const auto& children = seq->named_children();
    for (size_t i = 0; i + 1 < children.size(); ++i) {
      auto conv = std::dynamic_pointer_cast<Conv2dImpl>(children[i].second);
      auto bn = std::dynamic_pointer_cast<BatchNorm2dImpl>(children[i + 1].second);
      if (!conv || !bn || !bn->running_mean.defined()) continue;
      const std::string conv_name = children[i].first, bn_name = children[i + 1].first;
      seq->replace_module(conv_name, fuse_conv_bn_eval(*conv, *bn));
      seq->replace_module(bn_name, Identity());
      ++folded;
    }
  }
  for (const auto& [name, child] : model.named_children()) folded += fold_batchnorm(*child);
  return folded;
}

}  // namespace ember::nn::utils
