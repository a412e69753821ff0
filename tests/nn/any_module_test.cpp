// Modules written as a libtorch user writes them (forward(Tensor), extra forward arguments,
// non-Tensor results) reached through their holder, AnyModule and Sequential.
#include <gtest/gtest.h>

#include <sstream>

#include "support/tensor_expect.h"

namespace ember {
namespace {

// forward(Tensor) by value hides Module's virtual forward(const Tensor&) instead of overriding it.
struct ScaleImpl : nn::Module {
  explicit ScaleImpl(double factor) : factor(factor) {}
  Tensor forward(Tensor x) { return x * factor; }
  double factor;
};
EMBER_MODULE(Scale);

struct BlockImpl : nn::Module {
  BlockImpl(int64_t in, int64_t out) {
    fc = register_module("fc", nn::Linear(in, out));
    scale = register_module("scale", Scale(2.0));
  }
  Tensor forward(Tensor x) { return scale(fc(x)).relu(); }
  nn::Linear fc{nullptr};
  Scale scale{nullptr};
};
EMBER_MODULE(Block);

// A forward with more than one argument, and one returning something other than a Tensor.
struct AddShiftImpl : nn::Module {
  Tensor forward(Tensor x, Tensor y, int64_t shift) { return x + y + static_cast<double>(shift); }
};
EMBER_MODULE(AddShift);

struct ShapeOfImpl : nn::Module {
  std::vector<int64_t> forward(const Tensor& x) const { return x.sizes(); }
};
EMBER_MODULE(ShapeOf);

TEST(UserModule, ForwardByValueRunsThroughItsHolderAndTheBaseClass) {
  Block block(3, 2);
  const Tensor x = randn({4, 3});
  const Tensor expected = (block->fc(x) * 2.0).relu();
  EXPECT_TENSOR_NEAR(block(x), expected, 0, 0);
  nn::Module& base = *block;  // as the Learner and the CLI call a model
  EXPECT_TENSOR_NEAR(base(x), expected, 0, 0);
  EXPECT_TENSOR_NEAR(base.forward(x), expected, 0, 0);
}

TEST(UserModule, NamedAfterItsClassWhenTheConstructorGivesNoName) {
  Block block(3, 2);
  EXPECT_EQ(block->name(), "Block");
  std::ostringstream printed;
  printed << *block;
  EXPECT_EQ(printed.str(),
            "Block(\n  (fc): Linear(in_features=3, out_features=2, bias=True)\n  (scale): Scale()\n)");
}

TEST(UserModule, ForwardHooksSeeAForwardByValue) {
  Scale scale(3.0);
  int calls = 0;
  scale->register_forward_hook([&](nn::Module&, const Tensor& in, const Tensor& out) {
    ++calls;
    EXPECT_TENSOR_NEAR(out, in * 3.0, 0, 0);
  });
  scale(ones({2}));
  nn::Sequential seq(scale);
  seq(ones({2}));
  EXPECT_EQ(calls, 2);
}

TEST(UserModule, RunsInsideSequentialAndTrains) {
  nn::Sequential seq(nn::Linear(3, 4), Block(4, 2));
  seq->push_back(Scale(0.5));
  seq->push_back(std::make_shared<ScaleImpl>(4.0));  // a shared_ptr, not a holder
  EXPECT_EQ(seq->size(), 4u);
  std::vector<std::string> names;
  for (const auto& [name, p] : seq->named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"0.weight", "0.bias", "1.fc.weight", "1.fc.bias"}));

  const Tensor x = randn({5, 3});
  const Tensor y = seq(x);
  auto block = seq->ptr<BlockImpl>(1);
  EXPECT_TENSOR_NEAR(y, block->forward(seq->at<nn::LinearImpl>(0).forward(x)) * 2.0, 1e-6, 1e-6);
  y.sum().backward();
  EXPECT_TRUE(block->fc->weight.grad().defined());
  EXPECT_THROW(seq->ptr<nn::LinearImpl>(1), TypeError);
  EXPECT_THROW(seq->ptr(4), IndexError);
}

TEST(AnyModule, CallsAForwardWithSeveralArgumentsByExactType) {
  nn::AnyModule any(AddShift{});
  const Tensor x = ones({2}), y = full({2}, 2.0);
  EXPECT_TENSOR_NEAR(any.forward(x, y, int64_t{3}), full({2}, 6.0), 0, 0);
  // An int where forward takes int64_t: libtorch's rule, an error naming both types.
  try {
    any.forward(x, y, 3);
    FAIL() << "expected a TypeError";
  } catch (const TypeError& e) {
    EXPECT_NE(std::string(e.what()).find("[AddShift] forward argument 3 expects long; got int"), std::string::npos)
        << e.what();
  }
  try {
    any.forward(x);
    FAIL() << "expected a ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("[AddShift] forward takes 3 arguments but was given 1"), std::string::npos)
        << e.what();
  }
}

TEST(AnyModule, ReturnsNonTensorResultsAsAnyValue) {
  nn::AnyModule any(ShapeOf{});
  const nn::AnyValue value = any.any_forward(zeros({2, 5}));
  EXPECT_EQ(value.get<std::vector<int64_t>>(), (std::vector<int64_t>{2, 5}));
  EXPECT_THROW(value.get<Tensor>(), TypeError);
  EXPECT_EQ((any.forward<std::vector<int64_t>>(zeros({3}))), (std::vector<int64_t>{3}));
  EXPECT_EQ(any.ptr()->name(), "ShapeOf");
  EXPECT_EQ(&any.type_info(), &typeid(ShapeOfImpl));
  EXPECT_TRUE(nn::AnyModule().is_empty());
  EXPECT_THROW(nn::AnyModule().forward(zeros({1})), ValueError);
}

TEST(Sequential, FirstLayerTakesEveryInputAndTheLastMayReturnAnyType) {
  nn::Sequential seq{AddShift(), nn::ReLU(), ShapeOf()};
  const Tensor x = full({2, 3}, -1.0), y = ones({2, 3});
  EXPECT_EQ((seq->forward<std::vector<int64_t>>(x, y, int64_t{1})), (std::vector<int64_t>{2, 3}));
  nn::Sequential add_relu{AddShift(), nn::ReLU()};
  EXPECT_TENSOR_NEAR(add_relu->forward(x, y, int64_t{-2}), zeros({2, 3}), 0, 0);
  // A later layer gets one value; a three-argument layer there cannot run.
  nn::Sequential misplaced{nn::ReLU(), AddShift()};
  EXPECT_THROW(misplaced(x), ValueError);
  EXPECT_THROW(nn::Sequential()(x), ValueError);
}

TEST(Sequential, NestsAndKeepsPyTorchNames) {
  nn::Sequential inner(nn::Linear(2, 2), nn::ReLU());
  nn::Sequential outer(inner, nn::Linear(2, 1));
  outer->push_back("head", nn::Sigmoid());
  EXPECT_EQ(outer->named_parameters()[0].first, "0.0.weight");
  EXPECT_EQ(outer->named_children()[2].first, "head");
  const Tensor x = randn({3, 2});
  EXPECT_TENSOR_NEAR(outer(x), outer->at<nn::SigmoidImpl>(2).forward(outer->at<nn::LinearImpl>(1).forward(inner(x))), 0, 0);
}

}  // namespace
}  // namespace ember
