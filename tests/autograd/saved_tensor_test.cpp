// Saved tensors: every differentiable op, every input changed in place after the forward.
// The backward must then either refuse (the saved-tensor version check) or give exactly the
// gradients of a graph whose inputs were never touched. A closure that reads a tensor without
// a SavedTensor (an index, a target, a condition) computes with the new values and fails here.
#include <functional>

#include "support/tensor_expect.h"

namespace ember {
namespace {

using Inputs = std::vector<Tensor>;

struct OpCase {
  const char* name;
  // variant 0: the inputs of the forward; variant 1: other valid values of the same shapes,
  // written into input i after the forward.
  std::function<Inputs(int variant)> make;
  std::function<Tensor(const Inputs&)> forward;
};

void PrintTo(const OpCase& op, std::ostream* os) { *os << op.name; }

Tensor floats(const Shape& shape, int variant, uint64_t salt) {
  manual_seed(100 * salt + variant);
  return (rand(shape, kFloat64) + 0.5).requires_grad_();  // positive: log, sqrt, pow are defined
}

Tensor indices(std::vector<int64_t> v0, std::vector<int64_t> v1, const Shape& shape, int variant) {
  return tensor(variant == 0 ? v0 : v1, kInt64).reshape(shape);
}

std::vector<OpCase> cases() {
  auto one = [](auto f) {
    return [f](const Inputs& x) { return f(x[0]); };
  };
  auto two = [](auto f) {
    return [f](const Inputs& x) { return f(x[0], x[1]); };
  };
  auto float1 = [](Shape s) { return [s](int v) { return Inputs{floats(s, v, 1)}; }; };
  auto float2 = [](Shape a, Shape b) { return [a, b](int v) { return Inputs{floats(a, v, 1), floats(b, v, 2)}; }; };
  return {
      {"add", float2({2, 3}, {3}), two([](auto a, auto b) { return a + b; })},
      {"sub", float2({2, 3}, {2, 3}), two([](auto a, auto b) { return a - b; })},
      {"mul", float2({2, 3}, {2, 1}), two([](auto a, auto b) { return a * b; })},
      {"div", float2({2, 3}, {3}), two([](auto a, auto b) { return a / b; })},
      {"neg", float1({4}), one([](auto a) { return -a; })},
      {"exp", float1({4}), one([](auto a) { return a.exp(); })},
      {"log", float1({4}), one([](auto a) { return a.log(); })},
      {"sqrt", float1({4}), one([](auto a) { return a.sqrt(); })},
      {"rsqrt", float1({4}), one([](auto a) { return a.rsqrt(); })},
      {"sin", float1({4}), one([](auto a) { return a.sin(); })},
      {"cos", float1({4}), one([](auto a) { return a.cos(); })},
      {"tanh", float1({4}), one([](auto a) { return a.tanh(); })},
      {"sigmoid", float1({4}), one([](auto a) { return a.sigmoid(); })},
      {"abs", float1({4}), one([](auto a) { return (a - 1).abs(); })},
      {"relu", float1({4}), one([](auto a) { return (a - 1).relu(); })},
      {"pow scalar", float1({4}), one([](auto a) { return a.pow(3); })},
      {"pow tensor", float2({4}, {4}), two([](auto a, auto b) { return a.pow(b); })},
      {"clamp", float1({6}), one([](auto a) { return a.clamp(0.8, 1.2); })},
      {"maximum", float2({4}, {4}), two([](auto a, auto b) { return maximum(a, b); })},
      {"minimum", float2({4}, {4}), two([](auto a, auto b) { return minimum(a, b); })},
      {"where",
       [](int v) {
         return Inputs{tensor(v == 0 ? std::vector<bool>{true, false, true} : std::vector<bool>{false, true, true}),
                       floats({3}, v, 1), floats({3}, v, 2)};
       },
       [](const Inputs& x) { return where(x[0], x[1], x[2]); }},
      {"to float32", float1({3}), one([](auto a) { return a.to(kFloat32).to(kFloat64); })},
      {"clone", float1({3}), one([](auto a) { return a.clone(); })},
      {"reshape, permute, narrow, expand", float1({2, 3}),
       one([](auto a) { return a.reshape({3, 2}).permute({1, 0}).narrow(1, 1, 2).unsqueeze(0).expand({2, 2, 2}); })},
      {"cat", float2({2, 2}, {1, 2}), two([](auto a, auto b) { return cat({a, b}, 0); })},
      {"gather",
       [](int v) { return Inputs{floats({2, 3}, v, 1), indices({0, 2, 1, 1}, {2, 0, 0, 2}, {2, 2}, v)}; },
       [](const Inputs& x) { return x[0].gather(1, x[1]); }},
      {"scatter_add",
       [](int v) {
         return Inputs{floats({2, 3}, v, 1), indices({0, 2, 1, 1}, {2, 0, 0, 2}, {2, 2}, v), floats({2, 2}, v, 2)};
       },
       [](const Inputs& x) { return scatter_add(x[0], 1, x[1], x[2]); }},
      {"index_select",
       [](int v) { return Inputs{floats({3, 2}, v, 1), indices({2, 0}, {1, 1}, {2}, v)}; },
       [](const Inputs& x) { return x[0].index_select(0, x[1]); }},
      {"log_softmax", float1({2, 3}), one([](auto a) { return a.log_softmax(1); })},
      {"softmax", float1({2, 3}), one([](auto a) { return a.softmax(1); })},
      {"cross_entropy_loss",
       [](int v) { return Inputs{floats({3, 4}, v, 1), indices({0, 3, 1}, {2, 2, 0}, {3}, v)}; },
       [](const Inputs& x) { return cross_entropy_loss(x[0], x[1]); }},
      {"nll_loss",
       [](int v) { return Inputs{floats({3, 4}, v, 1), indices({0, 3, 1}, {2, 2, 0}, {3}, v)}; },
       [](const Inputs& x) { return nll_loss(x[0], x[1]); }},
      {"mse_loss", float2({3}, {3}), two([](auto a, auto b) { return mse_loss(a, b); })},
      {"mm", float2({2, 3}, {3, 4}), two([](auto a, auto b) { return a.mm(b); })},
      {"bmm", float2({2, 2, 3}, {2, 3, 2}), two([](auto a, auto b) { return a.bmm(b); })},
      {"matmul broadcast", float2({2, 2, 3}, {3, 2}), two([](auto a, auto b) { return a.matmul(b); })},
      {"linear",
       [](int v) { return Inputs{floats({2, 3}, v, 1), floats({4, 3}, v, 2), floats({4}, v, 3)}; },
       [](const Inputs& x) { return linear(x[0], x[1], x[2]); }},
      {"sum", float1({2, 3}), one([](auto a) { return a.sum(1); })},
      {"mean", float1({2, 3}), one([](auto a) { return a.mean(0); })},
      {"prod", float1({2, 3}), one([](auto a) { return a.prod(1); })},
      {"amax", float1({2, 3}), one([](auto a) { return a.amax(1); })},
      {"max dim", float1({2, 3}), one([](auto a) { return std::get<0>(a.max(1)); })},
      {"norm", float1({2, 3}), one([](auto a) { return a.norm(); })},
      {"var", float1({2, 3}), one([](auto a) { return a.var(1); })},
      {"logsumexp", float1({2, 3}), one([](auto a) { return a.logsumexp(1); })},
      {"conv2d",
       [](int v) { return Inputs{floats({1, 2, 4, 4}, v, 1), floats({3, 2, 3, 3}, v, 2), floats({3}, v, 3)}; },
       [](const Inputs& x) { return conv2d(x[0], x[1], x[2], 1, 1); }},
      {"max_pool2d", float1({1, 1, 4, 4}), one([](auto a) { return max_pool2d(a, 2); })},
      {"avg_pool2d", float1({1, 1, 4, 4}), one([](auto a) { return avg_pool2d(a, 2); })},
      {"gelu", float1({4}), one([](auto a) { return gelu(a); })},
      {"gelu tanh", float1({4}), one([](auto a) { return gelu(a, "tanh"); })},
      {"silu", float1({4}), one([](auto a) { return silu(a); })},
      {"leaky_relu", float1({4}), one([](auto a) { return leaky_relu(a, 0.2); })},
      {"elu", float1({4}), one([](auto a) { return elu(a); })},
      {"softplus", float1({4}), one([](auto a) { return softplus(a); })},
      {"mish", float1({4}), one([](auto a) { return mish(a); })},
      {"hardswish", float1({4}), one([](auto a) { return hardswish(a); })},
      {"log_sigmoid", float1({4}), one([](auto a) { return log_sigmoid(a); })},
      {"conv2d groups",
       [](int v) { return Inputs{floats({1, 4, 4, 4}, v, 1), floats({2, 2, 3, 3}, v, 2), floats({2}, v, 3)}; },
       [](const Inputs& x) { return conv2d(x[0], x[1], x[2], 1, 1, 1, 2); }},
      {"adaptive_avg_pool2d", float1({1, 1, 5, 5}), one([](auto a) { return adaptive_avg_pool2d(a, {2, 3}); })},
      {"adaptive_max_pool2d", float1({1, 1, 5, 5}),
       one([](auto a) { return std::get<0>(adaptive_max_pool2d(a, {2, 3})); })},
      {"layer_norm", float1({2, 3}), one([](auto a) { return layer_norm(a, {3}); })},
      {"group_norm", float1({2, 4, 2}), one([](auto a) { return group_norm(a, 2); })},
      {"embedding",
       [](int v) { return Inputs{floats({3, 2}, v, 1), indices({2, 0}, {1, 1}, {2}, v)}; },
       [](const Inputs& x) { return embedding(x[0], x[1]); }},
  };
}

// Gradients of the float inputs of sum(out * w), for a fixed w.
void backward_of(const Tensor& out) {
  manual_seed(7);
  const Tensor w = randn(out.sizes(), out.dtype());
  (out * w).sum().backward();
}

std::vector<Tensor> grads(const Inputs& inputs) {
  std::vector<Tensor> g;
  for (const Tensor& x : inputs) g.push_back(x.requires_grad() ? x.grad() : Tensor());
  return g;
}

class SavedTensorSweep : public ::testing::TestWithParam<OpCase> {};

TEST_P(SavedTensorSweep, ChangingAnInputAfterTheForwardIsRefusedOrHarmless) {
  const OpCase& op = GetParam();
  Inputs clean = op.make(0);
  backward_of(op.forward(clean));
  const std::vector<Tensor> expected = grads(clean);

  for (size_t i = 0; i < clean.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << op.name << ", input " << i << " changed after the forward");
    Inputs inputs = op.make(0);
    const Tensor out = op.forward(inputs);
    {
      NoGradGuard no_grad;
      inputs[i].copy_(op.make(1)[i]);
    }
    try {
      backward_of(out);
    } catch (const AutogradError& e) {
      EXPECT_THAT(e.what(), ::testing::HasSubstr("was modified by an in-place operation"));
      continue;
    }
    const std::vector<Tensor> got = grads(inputs);
    for (size_t j = 0; j < got.size(); ++j)
      if (expected[j].defined()) EXPECT_TENSOR_NEAR(got[j], expected[j], 1e-12, 1e-12) << "gradient of input " << j;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryOp, SavedTensorSweep, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) {
                           std::string name;
                           for (const char* c = info.param.name; *c; ++c) name += std::isalnum(*c) ? *c : '_';
                           return name;
                         });

TEST(SavedTensor, TheErrorNamesTheNodeAndTheVersions) {
  Tensor x = tensor({1.0, 2.0}, requires_grad());
  Tensor idx = tensor({1, 0}, kInt64);
  Tensor y = x.index_select(0, idx);
  idx.fill_(0);
  EXPECT_THROW_MSG(y.sum().backward(), AutogradError,
                   "[backward] a tensor of shape (2) needed by IndexSelectBackward was modified by an in-place "
                   "operation after the forward pass (version 0, now 1)");
}

TEST(SavedTensor, AnOutOfRangeTargetWrittenAfterTheForwardNeverReachesTheBackward) {
  Tensor logits = randn({2, 3}, requires_grad());
  Tensor target = tensor({0, 2}, kInt64);
  Tensor loss = cross_entropy_loss(logits, target);
  target.fill_(1000);  // would index far outside the (2, 3) gradient
  EXPECT_THROW_MSG(loss.backward(), AutogradError, "needed by CrossEntropyBackward was modified");
}

TEST(SavedTensor, AnInputNoGradientNeedsMayChange) {
  // x * c with c constant: only c is read by the gradient of x, so changing x is harmless.
  Tensor x = tensor({1.0, 2.0}, requires_grad());
  Tensor c = tensor({3.0, 4.0});
  Tensor y = (x * c).sum();
  {
    NoGradGuard no_grad;
    x.add_(10);
  }
  y.backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({3.0, 4.0}));
}

TEST(SavedTensor, UnpackingAnEmptyHandleGivesAnUndefinedTensor) {
  autograd::SavedTensor nothing;
  EXPECT_FALSE(nothing.defined());
  EXPECT_FALSE(nothing.unpack().defined());
}

}  // namespace
}  // namespace ember
