// operator<< prints as PyTorch's repr does (the expected strings are what torch 1.13 prints).
#include <gtest/gtest.h>

#include <sstream>

#include "support/tensor_expect.h"

namespace ember {
namespace {

std::string str(const Tensor& t) {
  std::ostringstream out;
  out << t;
  return out.str();
}

TEST(Print, MatchesPyTorchRepr) {
  EXPECT_EQ(str(tensor({{1.0, 2.0}, {3.0, 4.0}})), "tensor([[1., 2.],\n        [3., 4.]])");
  EXPECT_EQ(str(tensor({1.5, -2.25})), "tensor([ 1.5000, -2.2500])");
  EXPECT_EQ(str(tensor({1, 2, 3})), "tensor([1, 2, 3])");
  EXPECT_EQ(str(tensor({1e-5, 1e5})), "tensor([1.0000e-05, 1.0000e+05])");
  EXPECT_EQ(str(tensor(3.5)), "tensor(3.5000)");
  EXPECT_EQ(str(tensor({true, false})), "tensor([ True, False])");
  EXPECT_EQ(str(tensor({1.0, 2.0}, kFloat64)), "tensor([1., 2.], dtype=float64)");
  EXPECT_EQ(str(tensor({1, 2}, kInt32)), "tensor([1, 2], dtype=int32)");
  EXPECT_EQ(str(zeros({0})), "tensor([])");
  EXPECT_EQ(str(zeros({2, 0})), "tensor([], size=(2, 0))");
  EXPECT_EQ(str(arange(8, kFloat32).reshape({2, 2, 2})),
            "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
}

TEST(Print, ShowsAutogradState) {
  Tensor w = ones({2}, requires_grad());
  EXPECT_EQ(str(w), "tensor([1., 1.], requires_grad=True)");
  EXPECT_EQ(str(w * 2), "tensor([2., 2.], grad_fn=<MulBackward>)");
}

TEST(Print, SummarizesLargeTensorsAndWrapsLongRows) {
  EXPECT_EQ(str(arange(2000, kFloat32)),
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])");
  EXPECT_EQ(str(arange(30, kFloat32)),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
            "        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n"
            "        28., 29.])");
}

}  // namespace
}  // namespace ember
