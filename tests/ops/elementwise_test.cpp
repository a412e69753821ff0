// Semantics the fixtures do not cover: dtype promotion, integer arithmetic, in-place ops,
// comparisons on mixed dtypes, NaN handling, large inputs that go parallel.
#include <gtest/gtest.h>

#include <limits>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Elementwise, DtypePromotionFollowsTorch) {
  Tensor i = tensor({1, 2}), f = tensor({1.0, 2.0}), d = tensor({1.0, 2.0}, kFloat64);
  EXPECT_EQ((i + i).dtype(), kInt64);
  EXPECT_EQ((i + f).dtype(), kFloat32);
  EXPECT_EQ((f + d).dtype(), kFloat64);
  EXPECT_EQ((i * 2).dtype(), kInt64);
  EXPECT_EQ((i * 2.5).dtype(), kFloat32);    // a floating scalar lifts an integer tensor
  EXPECT_EQ((d * 2.5).dtype(), kFloat64);    // but never narrows a double one
  EXPECT_EQ((f + tensor(1.0, kFloat64)).dtype(), kFloat32);  // 0-d tensors act like scalars
  EXPECT_EQ((i / i).dtype(), kFloat32);      // true division
  EXPECT_EQ(tensor({1, 4}).sqrt().dtype(), kFloat32);
  EXPECT_EQ((tensor({1, 2}, kInt32) + tensor({1, 2}, kUInt8)).dtype(), kInt32);
}

TEST(Elementwise, IntegerArithmetic) {
  EXPECT_TENSOR_EQ(tensor({7, -7}) * 3 - 1, tensor({20, -22}));
  EXPECT_TENSOR_EQ(tensor({7, 2}) / tensor({2, 4}), tensor({3.5, 0.5}));
  EXPECT_TENSOR_EQ(tensor({2, 3}).pow(3), tensor({8, 27}));
  EXPECT_TENSOR_EQ(tensor({-3, 4}).abs(), tensor({3, 4}));
  EXPECT_TENSOR_EQ(tensor({-3, 4}).clamp(0, 3), tensor({0, 3}));
  EXPECT_TENSOR_EQ(tensor({-3, 4}).relu(), tensor({0, 4}));
}

TEST(Elementwise, ScalarOnEitherSide) {
  Tensor a = tensor({1.0, 2.0});
  EXPECT_TENSOR_EQ(2 * a, tensor({2.0, 4.0}));
  EXPECT_TENSOR_EQ(1 - a, tensor({0.0, -1.0}));
  EXPECT_TENSOR_EQ(4 / a, tensor({4.0, 2.0}));
  EXPECT_TENSOR_EQ(a - 1, tensor({0.0, 1.0}));
  EXPECT_TENSOR_EQ(pow(2, a), tensor({2.0, 4.0}));
}

TEST(Elementwise, InPlaceOpsWriteIntoTheSameStorage) {
  Tensor a = tensor({1.0, 2.0, 3.0});
  const float* before = a.data_ptr<float>();
  a += 1;
  a *= tensor({2.0, 2.0, 2.0});
  a -= tensor({1.0});
  a /= 2;
  EXPECT_EQ(a.data_ptr<float>(), before);
  EXPECT_TENSOR_EQ(a, tensor({1.5, 2.5, 3.5}));
  a.add_(tensor({1.0, 1.0, 1.0}), /*alpha=*/-2);
  EXPECT_TENSOR_EQ(a, tensor({-0.5, 0.5, 1.5}));
  a.clamp_(0, 1);
  EXPECT_TENSOR_EQ(a, tensor({0.0, 0.5, 1.0}));
  a.zero_();
  EXPECT_TENSOR_EQ(a, zeros({3}));
  a.fill_(4);
  EXPECT_TENSOR_EQ(a, full({3}, 4.0));
  a.copy_(tensor({9.0}));  // broadcasts
  EXPECT_TENSOR_EQ(a, full({3}, 9.0));
  Tensor ints = zeros({2}, kInt64);
  ints.copy_(tensor({1.9, -1.9}));  // converts like a cast
  EXPECT_TENSOR_EQ(ints, tensor({1, -1}));
}

TEST(Elementwise, InPlaceOnAViewWritesThrough) {
  Tensor m = zeros({3, 3});
  m.diagonal().fill_(1);
  EXPECT_TENSOR_EQ(m, eye(3));
  m.t().select(0, 2).add_(5);  // column 2
  EXPECT_TENSOR_EQ(m.select(1, 2), tensor({5.0, 5.0, 6.0}));
}

TEST(Elementwise, InPlaceErrors) {
  Tensor a = zeros({3});
  EXPECT_THROW_MSG(a.add_(zeros({2, 3})), ShapeError, "[add_] the result has shape (2, 3)");
  Tensor i = zeros({3}, kInt64);
  EXPECT_THROW_MSG(i.add_(1.5), TypeError, "[add_] the result is float32 and cannot be written in place into a int64 tensor");
  EXPECT_THROW_MSG(a.copy_(zeros({4})), ShapeError, "[copy_]");
}

TEST(Elementwise, ComparisonsGiveBool) {
  Tensor a = tensor({1.0, 2.0, 3.0});
  EXPECT_TENSOR_EQ(a > 2, tensor({false, false, true}));
  EXPECT_TENSOR_EQ(a == tensor({1, 0, 3}), tensor({true, false, true}));
  EXPECT_TENSOR_EQ(a.ne(a), tensor({false, false, false}));
  EXPECT_TENSOR_EQ((a >= 2).logical_not(), tensor({true, false, false}));
  EXPECT_TRUE(equal(a, tensor({1.0, 2.0, 3.0})));
  EXPECT_FALSE(equal(a, tensor({1.0, 2.0})));
  EXPECT_TRUE(allclose(a, a + 1e-7));
  EXPECT_FALSE(allclose(a, a + 1e-3));
}

TEST(Elementwise, WhereAndClampEdgeCases) {
  EXPECT_TENSOR_EQ(where(tensor({true, false}), tensor({1.0, 2.0}), 0.0), tensor({1.0, 0.0}));
  EXPECT_THROW_MSG(where(tensor({1, 0}), ones({2}), zeros({2})), TypeError, "[where] the condition must be a bool tensor");
  EXPECT_THROW_MSG(clamp(ones({2}), std::nullopt, std::nullopt), ValueError, "[clamp] at least one of min and max");
}

TEST(Elementwise, NanPropagatesThroughMaximumAndMax) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(maximum(tensor({nan}), tensor({1.0}))[0].item<double>()));
  EXPECT_TRUE(std::isnan(tensor({1.0, nan, 3.0}).max().item<double>()));
}

TEST(Elementwise, LargeTensorsMatchElementByElement) {
  // Big enough to be split across threads; strided and broadcast operands take other paths.
  Tensor a = randn({513, 257}), b = randn({257});
  Tensor out = a.t().contiguous().t() * b + a.exp();
  for (int64_t i : {0L, 100L, 512L})
    for (int64_t j : {0L, 128L, 256L}) {
      const float expected = a[i][j].item<float>() * b[j].item<float>() + std::exp(a[i][j].item<float>());
      EXPECT_NEAR(out[i][j].item<float>(), expected, 1e-5f * (1 + std::fabs(expected)));
    }
}

TEST(Elementwise, UnaryOpsOnSpecialValues) {
  EXPECT_TENSOR_NEAR(tensor({-1000.0, 1000.0}).sigmoid(), tensor({0.0, 1.0}), 0, 1e-7);
  EXPECT_TRUE(std::isinf(tensor({0.0}).log()[0].item<double>()));
  EXPECT_TENSOR_EQ(tensor({-2.0, 0.0, 3.0}).sign(), tensor({-1.0, 0.0, 1.0}));
  EXPECT_THROW_MSG(-tensor({true}), TypeError, "[neg] negation of a bool tensor");
}

// Integer overflow wraps around (two's complement), as in PyTorch, instead of being undefined
// behaviour (the clang + UBSan CI build would report it).
TEST(IntegerOverflow, WrapsAsPyTorchDoes) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(), kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(tensor({kMax, int64_t{1}}).sum().item<int64_t>(), kMin);
  EXPECT_EQ(tensor({kMax, kMax}).sum().item<int64_t>(), -2);
  EXPECT_EQ(tensor({kMax, int64_t{2}}).prod().item<int64_t>(), -2);
  EXPECT_EQ((tensor({kMax}) + tensor({int64_t{1}})).item<int64_t>(), kMin);
  EXPECT_EQ((tensor({kMin}) - tensor({int64_t{1}})).item<int64_t>(), kMax);
  EXPECT_EQ((tensor({kMax}) * tensor({int64_t{3}})).item<int64_t>(), kMax - 2);
  EXPECT_EQ((-tensor({kMin})).item<int64_t>(), kMin);
  EXPECT_EQ(tensor({kMin}).abs().item<int64_t>(), kMin);
  EXPECT_EQ(tensor({int64_t{3}}).pow(41).item<int64_t>(), -420491770248316829);  // 3^41 mod 2^64, as signed
  const Tensor i32 = tensor({std::numeric_limits<int32_t>::max()}, kInt32);
  EXPECT_EQ((i32 + tensor({1}, kInt32)).item<int32_t>(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ((i32 * tensor({2}, kInt32)).item<int32_t>(), -2);
}


// NaN, infinities and out-of-range floats convert to integers with a defined result (undefined
// behaviour in C++): truncation in range, the signed type's minimum outside it, uint8 the low bits.
TEST(FloatToInt, EveryInputHasADefinedResult) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const Tensor x = tensor({NAN, INFINITY, -INFINITY, 1e30, -2.7, 300.0, 9.2233720368547758e18});
  EXPECT_TENSOR_EQ(x.to(kInt64), tensor({kMin, kMin, kMin, kMin, int64_t{-2}, int64_t{300}, kMin}));
  EXPECT_EQ(tensor({3e9}).to(kInt32).item<int32_t>(), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(tensor({300.0, -1.0}).to(kUInt8).to(kInt64).sum().item<int64_t>(), 44 + 255);
  EXPECT_EQ(Scalar(NAN).to<int64_t>(), kMin);
  EXPECT_EQ(Scalar(-3.9).to<int32_t>(), -3);
  EXPECT_EQ(float_to_int<int64_t>(-9.2233720368547758e18), kMin);  // the minimum itself is in range
}

}  // namespace
}  // namespace ember
