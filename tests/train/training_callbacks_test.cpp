// MixUp, BatchTransform, gradient clipping (the function and the callback), randperm, and the
// errors of cross_entropy's options.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Randperm, IsAPermutationAndFollowsTheSeed) {
  manual_seed(7);
  const Tensor p = randperm(50);
  EXPECT_EQ(p.dtype(), kInt64);
  std::vector<int64_t> v(p.data_ptr<int64_t>(), p.data_ptr<int64_t>() + 50);
  std::vector<int64_t> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 50; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_FALSE(std::is_sorted(v.begin(), v.end()));
  manual_seed(7);
  EXPECT_TENSOR_EQ(randperm(50), p);
  EXPECT_EQ(randperm(0).numel(), 0);
}

// Records the input each batch saw, and the loss.
struct Peek : train::Callback {
  std::vector<Tensor> inputs;
  std::vector<double> losses;
  int order() const override { return 30; }  // after MixUp (20)
  void after_pred(train::Learner& l) override { inputs.push_back(l.state().input.clone()); }
  void after_loss(train::Learner& l) override { losses.push_back(l.state().loss.item<double>()); }
};

TEST(BatchTransform, ChangesEveryBatchOrTrainingBatchesOnly) {
  const Tensor x = randn({8, 12}), y = randint(0, 2, {8});
  auto ds = std::make_shared<data::TensorDataset>(x, y);
  for (bool training_only : {false, true}) {
    SCOPED_TRACE(training_only);
    auto model = nn::Sequential(nn::Flatten(), nn::Linear(12, 2)).ptr();
    auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.0));
    train::Learner learn(model, std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(8)),
                         std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(8)),
                         [](const Tensor& o, const Tensor& t) { return cross_entropy_loss(o, t); }, opt);
    // The course's use: batches of flat rows seen as images (and doubled, to tell them apart).
    learn.add_callback(std::make_shared<train::BatchTransform>(
        [](const Tensor& b) { return b.view({-1, 1, 3, 4}) * 2.0; }, training_only));
    auto peek = std::make_shared<Peek>();
    learn.add_callback(peek);
    learn.fit(1);
    ASSERT_EQ(peek->inputs.size(), 2u);
    EXPECT_TENSOR_EQ(peek->inputs[0], x.view({-1, 1, 3, 4}) * 2.0);
    EXPECT_TENSOR_EQ(peek->inputs[1], training_only ? x : x.view({-1, 1, 3, 4}) * 2.0);
  }
  EXPECT_THROW_MSG(train::BatchTransform(nullptr), ValueError, "the function is empty");
}

TEST(MixUp, BlendsTrainingBatchesAndTheirLossesOnly) {
  manual_seed(0);
  const Tensor x = randn({8, 3}), y = randint(0, 2, {8});
  auto ds = std::make_shared<data::TensorDataset>(x, y);
  auto model = nn::Linear(3, 2).ptr();
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.0));
  train::Learner learn(model, std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(8)),
                       std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(8)),
                       [](const Tensor& o, const Tensor& t) { return cross_entropy_loss(o, t); }, opt);
  auto mixup = std::make_shared<train::MixUp>(0.4);
  auto peek = std::make_shared<Peek>();
  learn.add_callback(mixup);
  learn.add_callback(peek);
  learn.fit(1);
  ASSERT_EQ(peek->inputs.size(), 2u);  // one training, one validation batch
  const Tensor l = mixup->lambda();
  EXPECT_TRUE(allclose((l >= 0.5).to(kFloat32), ones({8}))) << l;
  EXPECT_FALSE(allclose(peek->inputs[0], x));  // mixed
  EXPECT_TENSOR_EQ(peek->inputs[1], x);         // validation untouched
  // Each mixed row is l x_i + (1 - l) x_j for some row j: recover j and check the loss blend.
  const Tensor mixed = peek->inputs[0];
  std::vector<int64_t> partner(8, -1);
  for (int64_t i = 0; i < 8; ++i)
    for (int64_t j = 0; j < 8; ++j) {
      const double li = l[i].item<double>();
      if (allclose(mixed[i], x[i] * li + x[j] * (1 - li), 1e-5, 1e-6)) partner[i] = j;
    }
  for (int64_t j : partner) EXPECT_GE(j, 0);
  NoGradGuard no_grad;
  const Tensor out = model->forward(mixed);
  const Tensor a = cross_entropy_loss(out, y, Reduction::None);
  const Tensor b = cross_entropy_loss(out, y.index_select(0, tensor(partner, kInt64)), Reduction::None);
  EXPECT_NEAR(peek->losses[0], (a * l + b * (1 - l)).mean().item<double>(), 1e-6);
  EXPECT_NEAR(peek->losses[1], cross_entropy_loss(model->forward(x), y).item<double>(), 1e-6);
  EXPECT_THROW_MSG(train::MixUp(0), ValueError, "[MixUp] alpha must be positive; got 0");
}

TEST(GradientClipping, ClipsTheTotalNormAndReturnsItBeforeClipping) {
  Tensor a = zeros({2}, requires_grad()), b = zeros({1}, requires_grad()), none = zeros({1}, requires_grad());
  a.set_grad(tensor({3.0f, 0.0f}));
  b.set_grad(tensor({4.0f}));
  EXPECT_NEAR(nn::utils::clip_grad_norm_({a, b, none}, 1.0), 5.0, 1e-6);
  EXPECT_TENSOR_NEAR(a.grad(), tensor({0.6f, 0.0f}), 1e-5, 1e-6);
  EXPECT_TENSOR_NEAR(b.grad(), tensor({0.8f}), 1e-5, 1e-6);
  EXPECT_FALSE(none.grad().defined());
  b.set_grad(tensor({NAN}));
  EXPECT_THROW_MSG(nn::utils::clip_grad_norm_({a, b}, 1.0, 2.0, /*error_if_nonfinite=*/true), ValueError,
                   "[clip_grad_norm_] the total norm of order 2 of the gradients is nan");
  EXPECT_THROW_MSG(nn::utils::clip_grad_norm_(a, -1.0), ValueError, "max_norm must be non-negative");
  EXPECT_THROW_MSG(nn::utils::clip_grad_value_(a, -1.0), ValueError, "clip_value must be non-negative");
}

TEST(GradientClipping, TheCallbackClipsEveryBatchBeforeTheStep) {
  manual_seed(0);
  auto ds = std::make_shared<data::TensorDataset>(randn({16, 3}) * 100, randn({16}) * 100);
  auto model = nn::Linear(3, 1).ptr();
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.0));
  train::Learner learn(model, std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(4)), nullptr,
                       [](const Tensor& o, const Tensor& t) { return mse_loss(o.squeeze(1), t); }, opt);
  auto clip = std::make_shared<train::GradientClipping>(0.5);
  struct Norm : train::Callback {
    std::vector<double> norms;
    int order() const override { return 5; }  // after the clipping (0), in before_step
    void before_step(train::Learner& l) override {
      double sq = 0;
      for (const Tensor& p : l.model().parameters()) sq += (p.grad() * p.grad()).sum().item<double>();
      norms.push_back(std::sqrt(sq));
    }
  };
  auto norm = std::make_shared<Norm>();
  learn.add_callback(clip);
  learn.add_callback(norm);
  learn.fit(1);
  ASSERT_EQ(norm->norms.size(), 4u);
  for (double n : norm->norms) EXPECT_NEAR(n, 0.5, 1e-4);
  EXPECT_GT(clip->last_norm(), 0.5);
}

TEST(CrossEntropyOptions, BadOptionsAreClearErrors) {
  const Tensor x = randn({3, 4});
  const Tensor y = tensor({0, 3, 1}, kInt64);
  namespace F = nn::functional;
  EXPECT_THROW_MSG(F::cross_entropy(x, y, F::CrossEntropyFuncOptions().weight(ones({3}))), ShapeError,
                   "[cross_entropy_loss] weight must have shape (4) for 4 classes; got (3)");
  EXPECT_THROW_MSG(F::cross_entropy(x, y, F::CrossEntropyFuncOptions().label_smoothing(1.5)), ValueError,
                   "label_smoothing must be in [0, 1]; got 1.5");
  EXPECT_THROW_MSG(F::cross_entropy(x, tensor({0, 4, 1}, kInt64), F::CrossEntropyFuncOptions().label_smoothing(0.1)),
                   IndexError, "[cross_entropy_loss] target 4 at position 1 is out of bounds for 4 classes");
  EXPECT_THROW_MSG(F::cross_entropy(x, tensor({0, 1}, kInt64), F::CrossEntropyFuncOptions().ignore_index(1)), ShapeError,
                   "[cross_entropy_loss] target (2) does not match input (3, 4)");
  // Every target ignored: the mean is 0/0, as PyTorch's.
  EXPECT_TRUE(std::isnan(F::cross_entropy(x, tensor({1, 1, 1}, kInt64), F::CrossEntropyFuncOptions().ignore_index(1))
                             .item<double>()));
  // The options' defaults give the plain loss.
  EXPECT_TENSOR_EQ(nn::CrossEntropyLoss()(x, y), cross_entropy_loss(x, y));
}

}  // namespace
}  // namespace ember
