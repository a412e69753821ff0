#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Shape, NumelAndContiguousStrides) {
  EXPECT_EQ(numel({2, 3, 4}), 24);
  EXPECT_EQ(numel({}), 1);
  EXPECT_EQ(numel({3, 0}), 0);
  EXPECT_EQ(contiguous_strides({2, 3, 4}), (Strides{12, 4, 1}));
  EXPECT_EQ(contiguous_strides({}), Strides{});
}

TEST(Shape, BroadcastFollowsNumpyRules) {
  EXPECT_EQ(broadcast_shapes({3, 1}, {1, 4}, "t"), (Shape{3, 4}));
  EXPECT_EQ(broadcast_shapes({2, 3, 4}, {4}, "t"), (Shape{2, 3, 4}));
  EXPECT_EQ(broadcast_shapes({}, {5}, "t"), (Shape{5}));
  EXPECT_EQ(broadcast_shapes({5, 0}, {1}, "t"), (Shape{5, 0}));
}

TEST(Shape, BroadcastErrorNamesOpAndBothShapes) {
  EXPECT_THROW_MSG(broadcast_shapes({2, 3}, {4}, "add"), ShapeError, "[add] shapes cannot be broadcast together: (2, 3) and (4)");
}

TEST(Shape, WrapDimAcceptsNegativeAndRejectsOutOfRange) {
  EXPECT_EQ(wrap_dim(-1, 3, "t"), 2);
  EXPECT_EQ(wrap_dim(0, 3, "t"), 0);
  EXPECT_THROW_MSG(wrap_dim(3, 3, "sum"), IndexError, "[sum] dim 3 is out of range for a tensor with 3 dims");
  EXPECT_THROW_MSG(wrap_dims({0, -2}, 2, "sum"), ValueError, "appears more than once");
}

TEST(Dtype, PromotionOrderAndNames) {
  EXPECT_EQ(promote_types(kInt32, kFloat32), kFloat32);
  EXPECT_EQ(promote_types(kBool, kUInt8), kUInt8);
  EXPECT_EQ(promote_types(kInt64, kFloat64), kFloat64);
  EXPECT_EQ(element_size(kFloat64), 8u);
  EXPECT_EQ(element_size(kBool), 1u);
  EXPECT_STREQ(dtype_name(kInt32), "int32");
}

}  // namespace
}  // namespace ember
