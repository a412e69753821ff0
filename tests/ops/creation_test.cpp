#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Creation, TensorFromNestedListsInfersShapeAndDtype) {
  Tensor a = tensor({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(a.sizes(), (Shape{2, 3}));
  EXPECT_EQ(a.dtype(), kInt64);
  EXPECT_EQ(tensor({{1.5, 2.0}}).dtype(), kFloat32);  // floating literals: the default dtype
  EXPECT_EQ(tensor({1, 2.5}).dtype(), kFloat32);      // mixed: floating wins
  EXPECT_EQ(tensor({true, false}).dtype(), kBool);
  EXPECT_EQ(tensor(2.5).dim(), 0);
  EXPECT_EQ(tensor({}).sizes(), (Shape{0}));
  EXPECT_EQ(tensor({{{1}}, {{2}}}).sizes(), (Shape{2, 1, 1}));
  EXPECT_EQ(a[1][2].item<int64_t>(), 6);
}

TEST(Creation, TensorFromVectorsKeepsTheirType) {
  EXPECT_EQ(tensor(std::vector<double>{1, 2}).dtype(), kFloat64);
  EXPECT_EQ(tensor(std::vector<float>{1, 2}).dtype(), kFloat32);
  EXPECT_EQ(tensor(std::vector<int64_t>{1, 2}).dtype(), kInt64);
  EXPECT_EQ(tensor(std::vector<int32_t>{1, 2}).dtype(), kInt32);
  EXPECT_EQ(tensor(std::vector<float>{1, 2}, kFloat64).dtype(), kFloat64);
}

TEST(Creation, RaggedListsAreRejected) {
  EXPECT_THROW_MSG(tensor({{1, 2}, {3}}), ValueError, "[tensor] nested lists have inconsistent shapes");
}

TEST(Creation, OptionsSetDtypeAndRequiresGrad) {
  Tensor a = zeros({2, 3}, dtype(kFloat64).requires_grad(true));
  EXPECT_EQ(a.dtype(), kFloat64);
  EXPECT_TRUE(a.requires_grad());
  EXPECT_TRUE(a.is_leaf());
  EXPECT_TRUE(ones({2}, TensorOptions().dtype(kFloat32).requires_grad(true)).requires_grad());
  EXPECT_EQ(ones({2}, kInt32).dtype(), kInt32);
  EXPECT_THROW_MSG(zeros({2}, dtype(kInt64).requires_grad(true)), TypeError, "only floating-point");
}

TEST(Creation, FilledTensors) {
  EXPECT_TENSOR_EQ(zeros({2}), tensor({0.0, 0.0}));
  EXPECT_TENSOR_EQ(ones({2}, kInt64), tensor({1, 1}));
  EXPECT_TENSOR_EQ(full({2}, 7), tensor({7, 7}));
  EXPECT_EQ(full({2}, 7.5).dtype(), kFloat32);
  EXPECT_TENSOR_EQ(eye(2, 3), tensor({{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}}));
  EXPECT_EQ(empty({4, 5}).sizes(), (Shape{4, 5}));
  Tensor like = randn({3, 2}, kFloat64);
  EXPECT_EQ(zeros_like(like).dtype(), kFloat64);
  EXPECT_EQ(ones_like(like).sizes(), (Shape{3, 2}));
  EXPECT_EQ(randn_like(like).sizes(), (Shape{3, 2}));
  EXPECT_EQ(full_like(like, 2, kInt32).dtype(), kInt32);
}

TEST(Creation, Ranges) {
  EXPECT_TENSOR_EQ(arange(4), tensor({0, 1, 2, 3}));
  EXPECT_EQ(arange(4).dtype(), kInt64);
  EXPECT_TENSOR_NEAR(arange(0, 1, 0.25), tensor({0.0, 0.25, 0.5, 0.75}), 0, 1e-7);
  EXPECT_EQ(arange(0.0, 1.0, 0.25).dtype(), kFloat32);
  EXPECT_TENSOR_EQ(arange(5, 0, -2), tensor({5, 3, 1}));
  EXPECT_TENSOR_NEAR(linspace(0, 1, 5), tensor({0.0, 0.25, 0.5, 0.75, 1.0}), 0, 1e-7);
  EXPECT_EQ(linspace(-1, 1, 7)[6].item<float>(), 1.0f);
  EXPECT_THROW_MSG(arange(0, 5, 0), ValueError, "[arange] step must be non-zero");
  EXPECT_THROW_MSG(arange(0, 5, -1), ValueError, "cannot be walked");
}

TEST(Creation, RandomIsSeededAndHasTheRightMoments) {
  manual_seed(42);
  Tensor a = randn({10000});
  manual_seed(42);
  Tensor b = randn({10000});
  EXPECT_TENSOR_EQ(a, b);
  EXPECT_NEAR(a.mean().item<double>(), 0.0, 0.05);
  EXPECT_NEAR(a.std().item<double>(), 1.0, 0.05);
  Tensor u = rand({10000});
  EXPECT_GE(u.min().item<double>(), 0.0);
  EXPECT_LT(u.max().item<double>(), 1.0);
  EXPECT_NEAR(u.mean().item<double>(), 0.5, 0.02);
  Tensor r = randint(3, 7, {1000});
  EXPECT_EQ(r.dtype(), kInt64);
  EXPECT_EQ(r.min().item<int64_t>(), 3);
  EXPECT_EQ(r.max().item<int64_t>(), 6);
  Tensor w = empty({1000});
  w.uniform_(-2, 2);
  EXPECT_GE(w.min().item<double>(), -2.0);
  EXPECT_LT(w.max().item<double>(), 2.0);
  w.normal_(3, 0.5);
  EXPECT_NEAR(w.mean().item<double>(), 3.0, 0.1);
  EXPECT_THROW_MSG(randn({2}, kInt64), TypeError, "[randn] needs a floating-point dtype");
  EXPECT_THROW_MSG(randint(5, 5, {2}), ValueError, "[randint] low (5) must be less than high (5)");
}

TEST(Creation, FromBlobWrapsWithoutCopying) {
  float data[6] = {1, 2, 3, 4, 5, 6};
  Tensor t = from_blob(data, {2, 3});
  EXPECT_EQ(t.data_ptr<float>(), data);
  data[4] = 50;
  EXPECT_EQ(t[1][1].item<float>(), 50);
  Tensor strided = from_blob(data, {3}, Strides{2});
  EXPECT_TENSOR_EQ(strided, tensor({1.0, 3.0, 50.0}));
  bool freed = false;
  {
    Tensor owned = from_blob(new double[2]{1, 2}, {2}, [&](void* p) { delete[] static_cast<double*>(p); freed = true; }, kFloat64);
    EXPECT_TENSOR_EQ(owned, tensor({1.0, 2.0}, kFloat64));
  }
  EXPECT_TRUE(freed);
}

TEST(Creation, OneHot) {
  EXPECT_TENSOR_EQ(one_hot(tensor({0, 2}), 3), tensor({{1, 0, 0}, {0, 0, 1}}));
  EXPECT_EQ(one_hot(tensor({1, 3})).sizes(), (Shape{2, 4}));
  EXPECT_THROW_MSG(one_hot(tensor({0, 5}), 3), IndexError, "[one_hot] class value 5 is out of range for num_classes = 3");
  EXPECT_THROW_MSG(one_hot(tensor({0.0})), TypeError, "[one_hot] indices must be int64");
}

}  // namespace
}  // namespace ember
