// The backward engine: accumulation, shared subgraphs, retain_grad / retain_graph, grad mode,
// deep graphs, in-place rules, and the errors of misuse.
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Autograd, LeafFlagsAndGradFn) {
  Tensor x = ones({2}, requires_grad());
  EXPECT_TRUE(x.is_leaf());
  EXPECT_TRUE(x.requires_grad());
  Tensor y = x * 2;
  EXPECT_FALSE(y.is_leaf());
  EXPECT_EQ(y.grad_fn()->name(), "MulBackward");
  EXPECT_FALSE(ones({2}).requires_grad());
  EXPECT_FALSE((ones({2}) * 2).requires_grad());
}

TEST(Autograd, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = tensor({1.0, 2.0}, requires_grad());
  (x * x).sum().backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({2.0, 4.0}));
  (x * 3).sum().backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({5.0, 7.0}));
  x.grad().zero_();
  EXPECT_TENSOR_EQ(x.grad(), zeros({2}));
}

TEST(Autograd, ATensorUsedManyTimesSumsItsGradients) {
  // y = x*x + x*x*x + x  ->  dy/dx = 2x + 3x^2 + 1
  Tensor x = tensor({2.0}, requires_grad());
  Tensor a = x * x;
  (a + a * x + x).sum().backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({4.0 + 12.0 + 1.0}));
}

// exp(x) as an op whose backward counts its runs.
Tensor counted_exp(const Tensor& x, int& runs) {
  Tensor out;
  {
    NoGradGuard no_grad;
    out = x.exp();
  }
  const autograd::SavedTensor saved(out);
  return autograd::record(out, "CountedExpBackward", {x}, [saved, &runs](const Tensor& g, const autograd::Needs&) {
    ++runs;
    return std::vector<Tensor>{g * saved.unpack()};
  });
}

TEST(Autograd, DiamondGraphRunsEachNodeOnce) {
  Tensor x = tensor({3.0}, requires_grad());
  int runs = 0;
  Tensor h = counted_exp(x, runs);
  Tensor y = h * h.sin() + h;  // h feeds three consumers: its node must wait for all three
  y.backward();
  EXPECT_EQ(runs, 1);
  const double e = std::exp(3.0);
  EXPECT_TENSOR_NEAR(x.grad(), tensor({(std::sin(e) + e * std::cos(e) + 1) * e}), 1e-5, 1e-5);
}

TEST(Autograd, DeepGraphDoesNotOverflowTheStack) {
  Tensor x = tensor({1.0}, requires_grad());
  Tensor y = x;
  for (int i = 0; i < 200000; ++i) y = y * 1.0;  // 200k nodes: a recursive backward would crash
  y.sum().backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({1.0}));
}

TEST(Autograd, BackwardWithExplicitGradient) {
  Tensor x = tensor({1.0, 2.0, 3.0}, requires_grad());
  Tensor y = x * 2;
  y.backward(tensor({1.0, 0.5, 0.0}));
  EXPECT_TENSOR_EQ(x.grad(), tensor({2.0, 1.0, 0.0}));
}

TEST(Autograd, StoredGradientsNeverAliasTheCallersTensors) {
  Tensor x = zeros({3}, requires_grad());
  Tensor g = ones({3});
  x.clone().backward(g);  // CloneBackward passes g straight to x's accumulator
  g.fill_(5);
  EXPECT_TENSOR_EQ(x.grad(), ones({3}));
  Tensor w = ones({2, 2}, requires_grad());
  ones({1, 2}).matmul(w).sum().backward();  // a fresh matmul result may be kept as it is
  EXPECT_TENSOR_EQ(w.grad(), ones({2, 2}));
}

// x @ w.t(), the way a hand-written linear layer multiplies: w's gradient is computed as
// (x^T g)^T, so it reaches w in w's own row-major layout, equal to g^T x.
TEST(Autograd, ATransposedWeightsGradientArrivesInItsOwnLayout) {
  Tensor w = randn({3, 5}, requires_grad());
  const Tensor x = randn({4, 5}), g = randn({4, 3});
  x.matmul(w.t()).backward(g);
  EXPECT_TRUE(w.grad().is_contiguous());
  EXPECT_TENSOR_NEAR(w.grad(), g.t().matmul(x), 1e-5, 1e-6);
}

TEST(Autograd, RetainGradKeepsNonLeafGradients) {
  Tensor x = tensor({1.0, 2.0}, requires_grad());
  Tensor h = x * 3;
  h.retain_grad();
  Tensor y = h * h;
  y.sum().backward();
  EXPECT_TRUE(h.retains_grad());
  EXPECT_TENSOR_EQ(h.grad(), tensor({6.0, 12.0}));
  EXPECT_TENSOR_EQ(x.grad(), tensor({18.0, 36.0}));
  EXPECT_FALSE((x * 2).grad().defined());  // non-leaves keep nothing by default
}

TEST(Autograd, RetainGraphAllowsASecondBackward) {
  Tensor x = tensor({2.0}, requires_grad());
  Tensor y = (x * x).sum();
  y.backward({}, /*retain_graph=*/true);
  y.backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({8.0}));
  EXPECT_THROW_MSG(y.backward(), AutogradError, "a second time");
}

TEST(Autograd, NoGradGuardStopsRecording) {
  Tensor x = ones({2}, requires_grad());
  {
    NoGradGuard guard;
    EXPECT_FALSE(is_grad_enabled());
    Tensor y = x * 2;
    EXPECT_FALSE(y.requires_grad());
    x.sub_(tensor({0.5, 0.5}));  // in-place updates of leaves are fine under the guard
  }
  EXPECT_TRUE(is_grad_enabled());
  EXPECT_TENSOR_EQ(x.detach(), full({2}, 0.5));
}

TEST(Autograd, DetachCutsTheGraphButSharesData) {
  Tensor x = ones({2}, requires_grad());
  Tensor d = (x * 2).detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  Tensor y = (x * d).sum();
  y.backward();
  EXPECT_TENSOR_EQ(x.grad(), full({2}, 2.0));
}

TEST(Autograd, GradientsFlowThroughViewsAndBroadcasts) {
  Tensor b = zeros({3}, requires_grad());
  Tensor x = ones({4, 3});
  (x + b).sum().backward();
  EXPECT_TENSOR_EQ(b.grad(), full({3}, 4.0));
  Tensor w = arange(6, kFloat32).reshape({2, 3}).requires_grad_();
  (w.t().slice(0, 1) * 2).sum().backward();
  EXPECT_TENSOR_EQ(w.grad(), tensor({{0.0, 2.0, 2.0}, {0.0, 2.0, 2.0}}));
}

TEST(Autograd, InPlaceOpsOnNonLeavesRebaseHistory) {
  Tensor x = tensor({1.0, 2.0}, requires_grad());
  Tensor y = x * 2;
  y.mul_(y);  // y = (2x)^2
  y.add_(1);
  y.sum().backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({8.0, 16.0}));  // d/dx 4x^2 = 8x
}

TEST(Autograd, InPlaceOnALeafThatRequiresGradIsRejected) {
  Tensor x = ones({2}, requires_grad());
  EXPECT_THROW_MSG(x.add_(1), AutogradError, "[add_] a leaf tensor that requires grad cannot be modified in place");
}

TEST(Autograd, ModifyingASavedTensorIsDetected) {
  Tensor x = tensor({1.0, 2.0}, requires_grad());
  Tensor h = x * 1;
  Tensor y = (h * h).sum();  // saves h
  {
    NoGradGuard guard;
    h.add_(1);
  }
  EXPECT_THROW_MSG(y.backward(), AutogradError, "was modified by an in-place operation");
}

TEST(Autograd, MisuseGivesClearErrors) {
  EXPECT_THROW_MSG(ones({2}).sum().backward(), AutogradError, "does not require grad");
  Tensor x = ones({2}, requires_grad());
  EXPECT_THROW_MSG((x * 2).backward(), AutogradError, "implicitly only for one-element outputs");
  EXPECT_THROW_MSG((x * 2).backward(ones({3})), ShapeError, "[backward] gradient has shape (3) but the tensor has shape (2)");
  EXPECT_THROW_MSG((x * 2).backward(ones({2}, kFloat64)), TypeError, "gradient has dtype float64");
  EXPECT_THROW_MSG(ones({2}, kInt64).requires_grad_(), TypeError, "only floating-point tensors can require gradients");
  EXPECT_THROW_MSG((x * 2).requires_grad_(false), AutogradError, "only leaf tensors");
}

TEST(Autograd, IntegerResultsDoNotRequireGrad) {
  Tensor x = randn({3, 4}, requires_grad());
  EXPECT_FALSE(x.argmax(1).requires_grad());
  EXPECT_FALSE((x > 0).requires_grad());
  EXPECT_FALSE(std::get<1>(x.max(1)).requires_grad());
  EXPECT_TRUE(std::get<0>(x.max(1)).requires_grad());
}

TEST(Autograd, Float64GradientsStayFloat64) {
  Tensor x = randn({3}, dtype(kFloat64).requires_grad(true));
  (x.exp() * 2).sum().backward();
  EXPECT_EQ(x.grad().dtype(), kFloat64);
}

TEST(Autograd, MixedDtypeGradientsConvertBack) {
  Tensor x = ones({2}, requires_grad());                 // float32
  Tensor w = ones({2}, dtype(kFloat64).requires_grad(true));
  (x * w).sum().backward();                              // promoted to float64
  EXPECT_EQ(x.grad().dtype(), kFloat32);
  EXPECT_EQ(w.grad().dtype(), kFloat64);
}

TEST(Autograd, PostAccumulateGradHookSeesTheWholeGradientOncePerBackward) {
  Tensor w = ones({3}, requires_grad());
  std::vector<Tensor> seen;
  const size_t id = w.register_post_accumulate_grad_hook([&](Tensor& t) { seen.push_back(t.grad().clone()); });
  (w * 2 + w * 3).sum().backward();  // two uses, summed before the leaf accumulates
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TENSOR_NEAR(seen[0], full({3}, 5.0), 0, 0);
  (w * 4).sum().backward();  // accumulates: the hook sees the running total
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TENSOR_NEAR(seen[1], full({3}, 9.0), 0, 0);
  w.remove_post_accumulate_grad_hook(id);
  (w * 4).sum().backward();
  EXPECT_EQ(seen.size(), 2u);
  Tensor y = w * 2;
  EXPECT_THROW(y.register_post_accumulate_grad_hook([](Tensor&) {}), AutogradError);  // not a leaf
}

TEST(Autograd, QueuedCallbacksRunAfterEveryGradientIsIn) {
  Tensor a = ones({2}, requires_grad()), b = ones({2}, requires_grad());
  std::vector<std::string> events;
  bool queued = false;
  auto hook = [&](Tensor&) {
    events.push_back("grad");
    if (!queued) {
      queued = true;
      autograd::queue_callback([&] {
        events.push_back(a.grad().defined() && b.grad().defined() ? "callback after both" : "callback too early");
        autograd::queue_callback([&] { events.push_back("follow-up"); });  // a callback may queue another
      });
    }
  };
  a.register_post_accumulate_grad_hook(hook);
  b.register_post_accumulate_grad_hook(hook);
  (a * b).sum().backward();
  EXPECT_EQ(events, (std::vector<std::string>{"grad", "grad", "callback after both", "follow-up"}));
  EXPECT_THROW(autograd::queue_callback([] {}), AutogradError);  // no backward running
}

}  // namespace
}  // namespace ember
