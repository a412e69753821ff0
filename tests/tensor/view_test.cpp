// Views share storage and never copy; reshape copies only when no view exists; every view's
// metadata (sizes, strides, offset) is what PyTorch would give.
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

bool shares_storage(const Tensor& a, const Tensor& b) { return a.impl()->storage == b.impl()->storage; }

TEST(View, ViewsShareStorageAndSeeWrites) {
  Tensor a = arange(12, kFloat32).reshape({3, 4});
  for (const Tensor& v : {a.view({4, 3}), a.t(), a.transpose(0, 1), a.permute({1, 0}), a.unsqueeze(0),
                          a.slice(1, 1, 3), a.narrow(0, 1, 2), a.select(0, 1), a.flatten(), a.diagonal(),
                          a.unsqueeze(1).squeeze(), a.unsqueeze(1).squeeze(1), a.select(0, 0).expand({5, 4}),
                          a.detach(), a[2]})
    EXPECT_TRUE(shares_storage(a, v));
  Tensor row = a.select(0, 1);
  row.fill_(-1);
  EXPECT_TENSOR_EQ(a.select(0, 1), full({4}, -1.0));
}

TEST(View, StridesAndOffsetsMatchPyTorch) {
  Tensor a = zeros({2, 3, 4});
  EXPECT_EQ(a.strides(), (Strides{12, 4, 1}));
  EXPECT_EQ(a.permute({2, 0, 1}).strides(), (Strides{1, 12, 4}));
  EXPECT_EQ(a.transpose(0, 2).sizes(), (Shape{4, 3, 2}));
  EXPECT_EQ(a.slice(2, 1, std::nullopt, 2).strides(), (Strides{12, 4, 2}));
  EXPECT_EQ(a.slice(2, 1, std::nullopt, 2).storage_offset(), 1);
  EXPECT_EQ(a.select(1, 2).storage_offset(), 8);
  EXPECT_EQ(zeros({3}).expand({2, 3}).strides(), (Strides{0, 1}));
  EXPECT_EQ(a.diagonal(0, 1, 2).sizes(), (Shape{2, 3}));
  EXPECT_EQ(a.diagonal(0, 1, 2).strides(), (Strides{12, 5}));
}

TEST(View, SliceClampsLikePython) {
  Tensor a = arange(10);
  EXPECT_EQ(a.slice(0, -3).sizes(), (Shape{3}));
  EXPECT_EQ(a.slice(0, 5, 100).sizes(), (Shape{5}));
  EXPECT_EQ(a.slice(0, 8, 2).sizes(), (Shape{0}));
  EXPECT_TENSOR_EQ(a.slice(0, 1, 8, 3), tensor({1, 4, 7}));
}

TEST(View, ReshapeIsAViewWhenPossibleAndCopiesOtherwise) {
  Tensor a = arange(24).reshape({2, 3, 4});
  EXPECT_TRUE(shares_storage(a, a.reshape({6, 4})));
  EXPECT_TRUE(shares_storage(a, a.reshape({-1})));
  // A transposed tensor cannot be flattened as a view.
  Tensor t = a.transpose(1, 2);
  Tensor flat = t.reshape({-1});
  EXPECT_FALSE(shares_storage(t, flat));
  EXPECT_TENSOR_EQ(flat.slice(0, 0, 4), tensor({0, 4, 8, 1}));
  // ...but merging dims that stay adjacent in memory can.
  EXPECT_TRUE(shares_storage(a.permute({1, 2, 0}), a.permute({1, 2, 0}).reshape({12, 2})));
  EXPECT_THROW_MSG(t.view({-1}), ShapeError, "[view] cannot view a tensor of shape (2, 4, 3)");
}

TEST(View, ContiguousCopiesOnlyWhenNeeded) {
  Tensor a = randn({3, 4});
  EXPECT_TRUE(a.contiguous().is_same(a));
  Tensor t = a.t();
  EXPECT_FALSE(t.is_contiguous());
  Tensor c = t.contiguous();
  EXPECT_TRUE(c.is_contiguous());
  EXPECT_FALSE(shares_storage(c, a));
  EXPECT_TENSOR_EQ(c, t);
  EXPECT_FALSE(shares_storage(a.clone(), a));
}

TEST(View, SizeOneAndEmptyDims) {
  EXPECT_TRUE(zeros({3, 1}).t().is_contiguous());  // size-1 dims may have any stride
  Tensor e = zeros({0, 3});
  EXPECT_EQ(e.numel(), 0);
  EXPECT_EQ(e.reshape({3, 0}).sizes(), (Shape{3, 0}));
  EXPECT_EQ(e.sum(0).sizes(), (Shape{3}));
  EXPECT_TENSOR_EQ(e.sum(0), zeros({3}));
  EXPECT_EQ(zeros({}).dim(), 0);
  EXPECT_EQ(zeros({}).unsqueeze(0).sizes(), (Shape{1}));
  EXPECT_EQ(ones({1, 1, 1}).squeeze().dim(), 0);
}

TEST(View, ExpandAddsLeadingDimsAndKeepsMinusOne) {
  Tensor a = tensor({1.0, 2.0});
  EXPECT_EQ(a.expand({3, -1}).sizes(), (Shape{3, 2}));
  EXPECT_EQ(a.expand_as(zeros({4, 2})).sizes(), (Shape{4, 2}));
}

TEST(View, ErrorsNameTheOpAndShape) {
  Tensor a = zeros({2, 3});
  EXPECT_THROW_MSG(a.view({4, 2}), ShapeError, "[view] shape (4, 2) is invalid for input of size 6");
  EXPECT_THROW_MSG(a.reshape({-1, -1}), ShapeError, "only one dim can be -1");
  EXPECT_THROW_MSG(a.permute({0}), ShapeError, "[permute] expected 2 dims");
  EXPECT_THROW_MSG(a.permute({0, 0}), ValueError, "appears twice");
  EXPECT_THROW_MSG(a.expand({2, 4}), ShapeError, "[expand] cannot expand shape (2, 3) to (2, 4)");
  EXPECT_THROW_MSG(a.select(1, 3), IndexError, "[select] index 3 is out of range for dim 1 of size 3");
  EXPECT_THROW_MSG(a.narrow(1, 2, 2), IndexError, "[narrow] start (2) + length (2) exceeds dim 1 of size 3");
  EXPECT_THROW_MSG(a.transpose(0, 2), IndexError, "[transpose] dim 2 is out of range");
  EXPECT_THROW_MSG(zeros({2, 3, 4}).t(), ShapeError, "[t] expects a tensor with at most 2 dims");
  EXPECT_THROW_MSG(a.slice(0, 0, 1, 0), ValueError, "[slice] step must be positive");
  EXPECT_THROW_MSG(a.size(2), IndexError, "[size] dim 2 is out of range");
}

TEST(Tensor, MetadataAccessors) {
  Tensor a = zeros({2, 3}, kFloat64);
  EXPECT_EQ(a.size(-1), 3);
  EXPECT_EQ(a.dim(), 2);
  EXPECT_EQ(a.numel(), 6);
  EXPECT_EQ(a.scalar_type(), kFloat64);
  EXPECT_EQ(a.element_size(), 8);
  EXPECT_TRUE(a.defined());
  EXPECT_FALSE(Tensor().defined());
  EXPECT_THROW_MSG(Tensor().sizes(), ValueError, "undefined");
}

TEST(Tensor, DataPtrChecksTypeAndItemConverts) {
  Tensor a = tensor({1.5, 2.5});
  EXPECT_EQ(a.data_ptr<float>()[1], 2.5f);
  EXPECT_THROW_MSG(a.data_ptr<double>(), TypeError, "[data_ptr] asked for float64 data but the tensor holds float32");
  EXPECT_EQ(a[1].item<double>(), 2.5);
  EXPECT_EQ(a[1].item<int64_t>(), 2);
  EXPECT_THROW_MSG(a.item<float>(), ValueError, "[item] a tensor with 2 elements cannot be converted to a scalar");
  EXPECT_EQ(tensor(int64_t{1} << 60).item<int64_t>(), int64_t{1} << 60);
}

TEST(Tensor, ToConvertsDtypes) {
  Tensor a = tensor({1.7, -2.2, 0.0});
  EXPECT_TENSOR_EQ(a.to(kInt64), tensor({1, -2, 0}));
  EXPECT_TENSOR_EQ(a.to(kBool), tensor({true, true, false}));
  EXPECT_EQ(a.to(kFloat64).dtype(), kFloat64);
  EXPECT_TRUE(a.to(kFloat32).is_same(a));
  EXPECT_TENSOR_EQ(tensor({true, false}).to(kUInt8), tensor({1, 0}, kUInt8));
}

}  // namespace
}  // namespace ember
