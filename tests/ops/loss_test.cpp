// cross_entropy_loss has its own backward (softmax - one_hot): it must agree with the chain it
// replaces, nll_loss(log_softmax(x)), for every reduction and for one sample as well as a batch,
// and pass a float64 gradcheck. (Its values and mean gradient against PyTorch are in
// torch_reference_test.cpp.)
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

struct Case {
  Shape logits;
  std::vector<int64_t> target;  // empty: a 0-d target of class 2
  Reduction reduction;
};

class CrossEntropy : public ::testing::TestWithParam<Case> {};

Tensor target_of(const Case& c) { return c.target.empty() ? tensor(std::vector<int64_t>{2}).squeeze() : tensor(c.target); }

TEST_P(CrossEntropy, MatchesTheChainItReplaces) {
  const Case& c = GetParam();
  manual_seed(7);
  const Tensor start = randn(c.logits, kFloat64) * 3;
  const Tensor target = target_of(c);
  Tensor fused_x = start.clone().requires_grad_(), chain_x = start.clone().requires_grad_();
  const Tensor fused = cross_entropy_loss(fused_x, target, c.reduction);
  const Tensor chain = nll_loss(log_softmax(chain_x, -1), target, c.reduction);
  EXPECT_TENSOR_NEAR(fused, chain, 1e-12, 1e-12);
  EXPECT_EQ(fused.grad_fn()->name(), "CrossEntropyBackward");
  const Tensor weights = randn(fused.sizes(), kFloat64);  // a gradient that is not all ones
  (fused * weights).sum().backward();
  (chain * weights).sum().backward();
  EXPECT_TENSOR_NEAR(fused_x.grad(), chain_x.grad(), 1e-12, 1e-12);
}

TEST_P(CrossEntropy, PassesGradcheck) {
  const Case& c = GetParam();
  manual_seed(8);
  const Tensor x = randn(c.logits, dtype(kFloat64).requires_grad(true));
  const Tensor target = target_of(c);
  const Reduction reduction = c.reduction;
  auto r = autograd::gradcheck(
      [&](const std::vector<Tensor>& in) { return cross_entropy_loss(in[0], target, reduction); }, {x});
  EXPECT_TRUE(r.ok) << r.message;
}

INSTANTIATE_TEST_SUITE_P(Reductions, CrossEntropy,
                         ::testing::Values(Case{{4, 5}, {1, 0, 4, 4}, Reduction::Mean},
                                           Case{{4, 5}, {1, 0, 4, 4}, Reduction::Sum},
                                           Case{{4, 5}, {1, 0, 4, 4}, Reduction::None},
                                           Case{{5}, {}, Reduction::Mean}, Case{{5}, {}, Reduction::None}));

TEST(CrossEntropy, FloatLogitsGiveFloatGradients) {
  Tensor x = randn({3, 4}, requires_grad());
  cross_entropy_loss(x, tensor({0, 3, 1})).backward();
  EXPECT_EQ(x.grad().dtype(), kFloat32);
  // Each row of softmax - one_hot sums to zero.
  EXPECT_TENSOR_NEAR(x.grad().sum(1), zeros({3}), 0, 1e-6);
}

TEST(Losses, BadInputIsNamedAndModulesMatchTheFunctions) {
  const Tensor x = rand({3, 4}) * 0.9 + 0.05, t = rand({3, 4});
  EXPECT_THROW_MSG(l1_loss(x, t.t()), ShapeError, "[l1_loss] input (3, 4) and target (4, 3) must have the same shape");
  EXPECT_THROW_MSG(binary_cross_entropy(x, t.sum(0)), ShapeError,
                   "[binary_cross_entropy] input (3, 4) and target (4) must have the same shape");
  EXPECT_THROW_MSG(mse_loss(x, t, Reduction::BatchMean), ValueError,
                   "[mse_loss] Reduction::BatchMean is kl_div's alone; use Mean, Sum or None");
  EXPECT_THROW_MSG(smooth_l1_loss(x, t, Reduction::Mean, -1), ValueError, "[smooth_l1_loss] beta must be non-negative");
  EXPECT_THROW_MSG(huber_loss(x, t, Reduction::Mean, 0), ValueError, "[huber_loss] delta must be positive; got 0");
  EXPECT_TENSOR_EQ(smooth_l1_loss(x, t, Reduction::Sum, 0), l1_loss(x, t, Reduction::Sum));  // beta 0 is l1
  // kl_div's BatchMean is the sum over the batch size; a zero target adds nothing.
  EXPECT_TENSOR_NEAR(kl_div(x.log(), t, Reduction::BatchMean), kl_div(x.log(), t, Reduction::Sum) / 3, 1e-6, 1e-7);
  EXPECT_EQ(kl_div(x.log(), zeros({3, 4}), Reduction::Sum).item<float>(), 0.0f);
  EXPECT_TENSOR_EQ(nn::BCELoss()(x, t), binary_cross_entropy(x, t));
  EXPECT_TENSOR_EQ(nn::BCEWithLogitsLoss(Reduction::Sum)(x, t), binary_cross_entropy_with_logits(x, t, {}, {}, Reduction::Sum));
  EXPECT_TENSOR_EQ(nn::L1Loss()(x, t), l1_loss(x, t));
  EXPECT_TENSOR_EQ(nn::SmoothL1Loss(Reduction::Mean, 0.3)(x, t), smooth_l1_loss(x, t, Reduction::Mean, 0.3));
  EXPECT_TENSOR_EQ(nn::HuberLoss(Reduction::None, 0.2)(x, t), huber_loss(x, t, Reduction::None, 0.2));
  EXPECT_TENSOR_EQ(nn::KLDivLoss(Reduction::BatchMean)(x.log(), t), kl_div(x.log(), t, Reduction::BatchMean));
  // bce_with_logits agrees with bce on the sigmoid, and stays finite where the sigmoid saturates.
  const Tensor logits = randn({3, 4}) * 3;
  EXPECT_TENSOR_NEAR(binary_cross_entropy_with_logits(logits, t), binary_cross_entropy(logits.sigmoid(), t), 1e-5, 1e-6);
  EXPECT_TRUE(std::isfinite(binary_cross_entropy_with_logits(full({2}, 200.0), zeros({2})).item<float>()));
}

}  // namespace
}  // namespace ember
