// Folding eval-mode BatchNorm into the convolution before it, for inference: BatchNorm with fixed
// statistics is an affine map per channel, y = g (x - mean) / sqrt(var + eps) + b, so after a
// convolution it can be absorbed into the convolution's weight and bias, and the network does one
// pass less per layer. As PyTorch's torch.nn.utils.fuse_conv_bn_eval.
//   nn::utils::fold_batchnorm(*model);   // after model->eval(), for evaluation only
#pragma once

#include "ember/nn/modules/batchnorm.h"
#include "ember/nn/modules/conv.h"

namespace ember::nn::utils {

/// A new Conv2d equal to `bn(conv(x))` with bn's running statistics (it must track them).
Conv2d fuse_conv_bn_eval(const Conv2dImpl& conv, const BatchNormImplBase& bn);

/// In every Sequential of the tree, each Conv2d directly followed by a BatchNorm2d with running
/// statistics becomes the fused Conv2d followed by an Identity (so the layer indices, and the
/// other layers' names, stay). Returns how many were folded. The model gives the same outputs
/// in eval mode; it is not meant to be trained afterwards (the BatchNorm's parameters are gone).
int fold_batchnorm(Module& model);

}  // namespace ember::nn::utils
