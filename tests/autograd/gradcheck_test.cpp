#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Gradcheck, PassesForACorrectComposition) {
  Tensor a = randn({3, 4}, dtype(kFloat64).requires_grad(true));
  Tensor b = randn({4, 2}, dtype(kFloat64).requires_grad(true));
  auto r = autograd::gradcheck([](const std::vector<Tensor>& x) { return x[0].matmul(x[1]).tanh(); }, {a, b});
  EXPECT_TRUE(r.ok) << r.message;
  EXPECT_TRUE(r.message.empty());
}

// mm and bmm compute a transposed operand's gradient transposed (so that it arrives in the
// operand's layout): every combination of row- and column-major operands.
TEST(Gradcheck, ProductsWithTransposedOperands) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "ta " << ta << " tb " << tb);
      Tensor a = randn(ta ? Shape{4, 3} : Shape{3, 4}, dtype(kFloat64).requires_grad(true));
      Tensor b = randn(tb ? Shape{2, 4} : Shape{4, 2}, dtype(kFloat64).requires_grad(true));
      auto mm_of = [&](const std::vector<Tensor>& x) { return (ta ? x[0].t() : x[0]).mm(tb ? x[1].t() : x[1]); };
      auto r = autograd::gradcheck(mm_of, {a, b});
      EXPECT_TRUE(r.ok) << r.message;
      Tensor c = randn(ta ? Shape{2, 4, 3} : Shape{2, 3, 4}, dtype(kFloat64).requires_grad(true));
      Tensor d = randn(tb ? Shape{2, 5, 4} : Shape{2, 4, 5}, dtype(kFloat64).requires_grad(true));
      auto bmm_of = [&](const std::vector<Tensor>& x) {
        return (ta ? x[0].transpose(1, 2) : x[0]).bmm(tb ? x[1].transpose(1, 2) : x[1]);
      };
      r = autograd::gradcheck(bmm_of, {c, d});
      EXPECT_TRUE(r.ok) << r.message;
    }
}

TEST(Gradcheck, CatchesAWrongBackwardAndSaysWhere) {
  // A deliberately wrong op: forward x^2, backward claims 3x.
  auto wrong_square = [](const std::vector<Tensor>& x) {
    Tensor out;
    {
      NoGradGuard guard;
      out = x[0] * x[0];
    }
    const autograd::SavedTensor saved(x[0]);
    return autograd::record(out, "WrongSquareBackward", {x[0]}, [saved](const Tensor& g, const autograd::Needs&) {
      return std::vector<Tensor>{g * saved.unpack() * 3};
    });
  };
  Tensor x = tensor({1.0, 2.0}, dtype(kFloat64).requires_grad(true));
  auto r = autograd::gradcheck(wrong_square, {x});
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.message, ::testing::HasSubstr("input 0 element (0), output element (0): analytic 3 vs numeric 2"));
}

TEST(Gradcheck, RestoresInputGradients) {
  Tensor x = tensor({1.0, 2.0}, dtype(kFloat64).requires_grad(true));
  (x * 5).sum().backward();
  ASSERT_TRUE(autograd::gradcheck([](const std::vector<Tensor>& v) { return v[0].exp(); }, {x}).ok);
  EXPECT_TENSOR_EQ(x.grad(), full({2}, 5.0, kFloat64));
}

TEST(Gradcheck, RejectsFloat32AndMissingGradInputs) {
  auto fn = [](const std::vector<Tensor>& v) { return v[0] * 2; };
  EXPECT_THROW_MSG(autograd::gradcheck(fn, {ones({2}, requires_grad())}), TypeError, "need float64 inputs");
  EXPECT_THROW_MSG(autograd::gradcheck(fn, {ones({2}, kFloat64)}), ValueError, "no input requires grad");
}

}  // namespace
}  // namespace ember
