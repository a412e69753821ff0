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

}  // namespace
}  // namespace ember
