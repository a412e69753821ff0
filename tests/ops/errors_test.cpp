// Bad input throws a typed exception whose message names the op and every shape involved.
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Errors, MatmulFamily) {
  EXPECT_THROW_MSG(randn({5, 784}).matmul(randn({100, 10})), ShapeError, "[matmul] inner dimensions differ: (5, 784) @ (100, 10)");
  EXPECT_THROW_MSG(mm(randn({2, 3}), randn({4, 5})), ShapeError, "[mm] inner dimensions differ: (2, 3) @ (4, 5)");
  EXPECT_THROW_MSG(mm(randn({2, 3, 1}), randn({1, 5})), ShapeError, "[mm] expects 2-D tensors; got (2, 3, 1) @ (1, 5)");
  EXPECT_THROW_MSG(bmm(randn({2, 3, 4}), randn({3, 4, 5})), ShapeError, "[bmm] batch sizes differ: (2, 3, 4) @ (3, 4, 5)");
  EXPECT_THROW_MSG(matmul(randn({2, 3}), randn({3}, kFloat64)), TypeError, "[mm] both operands must have the same dtype; got float32 and float64");
  EXPECT_THROW_MSG(matmul(tensor(1.0), randn({3})), ShapeError, "[matmul] both arguments need at least 1 dim");
  EXPECT_THROW_MSG(matmul(randn({2, 2, 3}), randn({3, 3, 5})), ShapeError, "[matmul] shapes cannot be broadcast together: (2) and (3)");
}

TEST(Errors, Broadcasting) {
  EXPECT_THROW_MSG(randn({2, 3}) + randn({4}), ShapeError, "[add] shapes cannot be broadcast together: (2, 3) and (4)");
  EXPECT_THROW_MSG(randn({2, 3}) * randn({2}), ShapeError, "[mul]");
  EXPECT_THROW_MSG(where(ones({3}) > 0, randn({2}), randn({3})), ShapeError, "[where]");
}

TEST(Errors, Reductions) {
  EXPECT_THROW_MSG(randn({2, 3}).sum(2), IndexError, "[sum] dim 2 is out of range for a tensor with 2 dims");
  EXPECT_THROW_MSG(tensor({1, 2}).mean(), TypeError, "[mean] needs a floating-point tensor; got int64");
  EXPECT_THROW_MSG(zeros({0}).max(), ValueError, "[amax] cannot reduce over dim 0 of size 0");
  EXPECT_THROW_MSG(zeros({2, 0}).argmax(1), ValueError, "[max] cannot reduce over dim 1 of size 0");
  EXPECT_THROW_MSG(randn({3}).norm(-1), ValueError, "[norm] p must be positive");
}

TEST(Errors, JoinsAndIndexing) {
  EXPECT_THROW_MSG(cat({randn({2, 3}), randn({2, 4})}, 0), ShapeError, "[cat] tensor 1 has shape (2, 4) but tensor 0 has shape (2, 3)");
  EXPECT_THROW_MSG(cat({}, 0), ValueError, "[cat] expects a non-empty list");
  EXPECT_THROW_MSG(stack({randn({2}), randn({3})}), ShapeError, "[stack] tensor 1 has shape (3)");
  EXPECT_THROW_MSG(randn({4, 3}).index_select(0, tensor({0, 4})), IndexError, "[index_select] index 4 at position 1 is out of bounds for dim 0 with size 4");
  EXPECT_THROW_MSG(randn({4, 3}).gather(1, tensor({{0}, {1}, {0}, {1}, {0}})), ShapeError, "[gather] index (5, 1) is larger");
  EXPECT_THROW_MSG(randn({4, 3}).gather(1, tensor({{0.0}})), TypeError, "[gather] index must be int64");
  EXPECT_THROW_MSG(randn({4, 3}).index_select(0, tensor({{0}})), ShapeError, "[index_select] index must be 0-D or 1-D");
}

TEST(Errors, Losses) {
  Tensor logits = randn({4, 10});
  EXPECT_THROW_MSG(cross_entropy_loss(logits, tensor({1, 2, 12, 3})), IndexError, "[nll_loss] target 12 at position 2 is out of bounds for 10 classes");
  EXPECT_THROW_MSG(cross_entropy_loss(logits, tensor({1, 2, 3})), ShapeError, "[nll_loss] target (3) does not match input (4, 10)");
  EXPECT_THROW_MSG(cross_entropy_loss(logits, tensor({1.0, 2.0, 3.0, 4.0})), TypeError, "[nll_loss] target must hold int64 class indices; got float32");
  EXPECT_THROW_MSG(cross_entropy_loss(randn({2, 3, 4}), tensor({1, 2})), ShapeError, "[cross_entropy_loss] expects logits of shape (N, C) or (C); got (2, 3, 4)");
  EXPECT_THROW_MSG(mse_loss(randn({4, 1}), randn({4})), ShapeError, "[mse_loss] input (4, 1) and target (4) must have the same shape");
}

TEST(Errors, Einsum) {
  Tensor a = randn({2, 3}), b = randn({4, 5});
  EXPECT_THROW_MSG(einsum("ij,jk->ik", {a, b}), ShapeError, "[einsum] label 'j' has size 3 in one operand and 4 in another");
  EXPECT_THROW_MSG(einsum("ij,jk->ik", {a}), ValueError, "[einsum] the equation 'ij,jk->ik' has 2 operand(s) but 1 tensor(s) were given");
  EXPECT_THROW_MSG(einsum("ijk->i", {a}), ShapeError, "[einsum] operand 0 has shape (2, 3) (2 dims) but its subscript 'ijk' names 3");
  EXPECT_THROW_MSG(einsum("ij->iz", {a}), ValueError, "[einsum] output label 'z' does not appear in any operand");
  EXPECT_THROW_MSG(einsum("ij->ii", {a}), ValueError, "appears more than once");
  EXPECT_THROW_MSG(einsum("i1->i", {randn({2, 2})}), ValueError, "[einsum] invalid subscript character '1'");
}

TEST(Errors, ExceptionsShareOneBaseClass) {
  try {
    randn({2}) + randn({3});
    FAIL() << "expected a throw";
  } catch (const Error& e) {
    EXPECT_NE(dynamic_cast<const ShapeError*>(&e), nullptr);
  }
}

}  // namespace
}  // namespace ember
