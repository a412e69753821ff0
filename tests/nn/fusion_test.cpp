// Folding eval-mode BatchNorm into convolutions (nn::utils::fuse_conv_bn_eval, fold_batchnorm)
// and Module::replace_module, which the folding uses.
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

// A BatchNorm with running statistics and affine parameters that are not the defaults.
void season(nn::BatchNorm2d& bn, int64_t channels) {
  for (int i = 0; i < 3; ++i) bn(randn({4, channels, 5, 5}) * 2 + 1);
  NoGradGuard no_grad;
  bn->weight.copy_(rand({channels}) + 0.5);
  bn->bias.copy_(randn({channels}));
  bn->eval();
}

TEST(Fusion, FusedConvEqualsConvThenBatchNorm) {
  manual_seed(8);
  for (bool bias : {true, false}) {
    SCOPED_TRACE(bias ? "conv with bias" : "conv without bias");
    nn::Conv2d conv(nn::Conv2dOptions(3, 6, 3).stride(2).padding(1).bias(bias));
    nn::BatchNorm2d bn(6);
    season(bn, 6);
    const Tensor x = randn({2, 3, 9, 9});
    const nn::Conv2d fused = nn::utils::fuse_conv_bn_eval(*conv, *bn);
    EXPECT_TRUE(fused->bias.defined());
    EXPECT_TENSOR_NEAR(fused(x), bn(conv(x)), 1e-5, 1e-5);
  }
  nn::BatchNorm2d untracked(nn::BatchNorm2dOptions(6).track_running_stats(false));
  EXPECT_THROW_MSG(nn::utils::fuse_conv_bn_eval(*nn::Conv2d(3, 6, 3), *untracked), ValueError,
                   "[fuse_conv_bn_eval] the BatchNorm has no running statistics");
  EXPECT_THROW_MSG(nn::utils::fuse_conv_bn_eval(*nn::Conv2d(3, 5, 3), *nn::BatchNorm2d(6)), ShapeError,
                   "the convolution has 5 output channels but the BatchNorm normalises 6");
}

TEST(Fusion, FoldingAnXResNetKeepsItsEvalOutputs) {
  manual_seed(9);
  auto net = models::xresnet(1, {1, 1}, 1, 10);
  {
    NoGradGuard no_grad;  // non-zero BatchNorm weights, so every block contributes
    for (auto& [name, p] : net->named_parameters())
      if (p.dim() == 1) p.copy_(rand(p.sizes()) + 0.5);
  }
  for (int i = 0; i < 2; ++i) net(randn({4, 1, 16, 16}));
  net->eval();
  const Tensor x = randn({3, 1, 16, 16});
  const Tensor before = net(x);
  // stem 3 + block convs 2 + 2 + the strided block's shortcut 1
  EXPECT_EQ(nn::utils::fold_batchnorm(*net), 8);
  EXPECT_TENSOR_NEAR(net(x), before, 1e-4, 1e-4);
  for (const auto& [name, t] : net->named_buffers()) ADD_FAILURE() << "a BatchNorm is left: " << name;
  EXPECT_EQ(net->at<nn::SequentialImpl>(0)[1]->name(), "Identity");
}

TEST(Module, ReplaceModuleSwapsAChildEverywhere) {
  nn::Sequential seq(nn::Linear(2, 2), nn::ReLU());
  seq->replace_module("1", nn::Sigmoid());
  const Tensor x = randn({3, 2});
  EXPECT_TENSOR_NEAR(seq(x), seq->at<nn::LinearImpl>(0).forward(x).sigmoid(), 0, 0);
  EXPECT_EQ(seq->ptr(1)->name(), "Sigmoid");
  EXPECT_THROW_MSG(seq->replace_module("7", nn::ReLU()), ValueError, "[Sequential] has no child module named '7' to replace");
}

}  // namespace
}  // namespace ember
