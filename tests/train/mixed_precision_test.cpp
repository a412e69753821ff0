// The MixedPrecision callback (train/mixed_precision.h): autocast only around training batches'
// forward and loss, float32 parameters and gradients, and float16's dynamic loss scaling: an
// overflowing step is skipped with the scale halved, clean steps grow it, and training recovers.
#include <gtest/gtest.h>

#include <cmath>

#include "support/tensor_expect.h"

namespace ember {
namespace {

struct Training {
  std::shared_ptr<nn::SequentialImpl> model;
  std::shared_ptr<optim::SGD> opt;
  std::unique_ptr<train::Learner> learn;
};

// Four separable classes, an MLP, SGD.
Training make_setup(double lr) {
  manual_seed(5);
  const Tensor centers = randn({4, 6}) * 3, y = randint(0, 4, {256});
  const Tensor x = centers.index_select(0, y) + randn({256, 6});
  auto ds = std::make_shared<data::TensorDataset>(x, y);
  Training s;
  s.model = nn::Sequential(nn::Linear(6, 16), nn::ReLU(), nn::Linear(16, 4)).ptr();
  s.opt = std::make_shared<optim::SGD>(s.model->parameters(), optim::SGDOptions(lr).momentum(0.9));
  s.learn = std::make_unique<train::Learner>(
      s.model, std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(32)),
      std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(256)),
      [](const Tensor& o, const Tensor& t) { return cross_entropy_loss(o, t); }, s.opt);
  s.learn->add_metric(std::make_shared<train::Accuracy>());
  return s;
}

struct Peek : train::Callback {
  std::vector<ScalarType> output_dtypes;
  std::vector<bool> autocast_in_backward;
  int order() const override { return 30; }
  void after_pred(train::Learner& l) override { output_dtypes.push_back(l.state().output.dtype()); }
  void before_backward(train::Learner&) override { autocast_in_backward.push_back(autocast::is_cpu_enabled()); }
};

TEST(MixedPrecision, Bf16AutocastsTrainingBatchesOnlyAndParametersStayFloat32) {
  Training s = make_setup(0.05);
  auto mp = std::make_shared<train::MixedPrecision>(kBFloat16);
  auto peek = std::make_shared<Peek>();
  s.learn->add_callback(mp);
  s.learn->add_callback(peek);
  s.learn->fit(3);
  ASSERT_EQ(peek->output_dtypes.size(), 3u * (8 + 1));  // 8 training and 1 validation batch per epoch
  for (size_t i = 0; i < peek->output_dtypes.size(); ++i)
    EXPECT_EQ(peek->output_dtypes[i], i % 9 == 8 ? kFloat32 : kBFloat16) << "batch " << i;
  for (bool on : peek->autocast_in_backward) EXPECT_FALSE(on);
  EXPECT_FALSE(autocast::is_cpu_enabled());
  for (const Tensor& p : s.model->parameters()) EXPECT_EQ(p.dtype(), kFloat32);
  EXPECT_EQ(mp->scale(), 1.0);  // bfloat16: no scaling
  EXPECT_GT(s.learn->history().back().metric("accuracy"), 0.9);
}

TEST(MixedPrecision, Float16OverflowSkipsTheStepHalvesTheScaleAndRecovers) {
  Training s = make_setup(0.05);
  // 2^40 times any gradient overflows float16 (largest 65504): the first steps must be skipped.
  auto mp = std::make_shared<train::MixedPrecision>(kHalf, std::ldexp(1.0, 40), 1000);
  s.learn->add_callback(mp);
  const Tensor before = s.model->parameters()[0].detach().clone();
  struct FirstStep : train::Callback {
    Tensor weight;
    Tensor at_first_step;
    void after_batch(train::Learner& l) override {
      if (!at_first_step.defined()) at_first_step = weight.detach().clone();
    }
  };
  auto first = std::make_shared<FirstStep>();
  first->weight = s.model->parameters()[0];
  s.learn->add_callback(first);
  s.learn->fit(6);
  EXPECT_TENSOR_EQ(first->at_first_step, before);  // the overflowing first step did not move the weights
  EXPECT_GT(mp->skipped_steps(), 10);              // halving from 2^40 down to where float16 holds
  EXPECT_LT(mp->scale(), std::ldexp(1.0, 30));
  EXPECT_GT(s.learn->history().back().metric("accuracy"), 0.9);  // and then it trained
}

TEST(MixedPrecision, CleanStepsGrowTheScale) {
  Training s = make_setup(0.01);
  auto mp = std::make_shared<train::MixedPrecision>(kHalf, 1.0, 4);
  s.learn->add_callback(mp);
  s.learn->fit(1);  // 8 clean steps, growth every 4
  EXPECT_EQ(mp->skipped_steps(), 0);
  EXPECT_EQ(mp->scale(), 4.0);
}

TEST(MixedPrecision, RejectsBadOptions) {
  EXPECT_THROW_MSG((train::MixedPrecision{kFloat32}), ValueError, "kBFloat16 or kHalf");
  EXPECT_THROW_MSG((train::MixedPrecision{kHalf, 0.0}), ValueError, "init_scale");
  EXPECT_THROW_MSG((train::MixedPrecision{kHalf, 1.0, 0}), ValueError, "growth_interval");
}

}  // namespace
}  // namespace ember
