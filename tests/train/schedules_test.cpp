// The course's schedule functions, combine_scheds, ParamScheduler and the Recorder; one-cycle
// built from them against optim::OneCycleLR (itself checked against torch's OneCycleLR).
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(Schedules, TheCoursesFunctionsGoFromStartToEnd) {
  EXPECT_DOUBLE_EQ(train::sched_lin(1, 3)(0.25), 1.5);
  EXPECT_DOUBLE_EQ(train::sched_cos(1, 3)(0), 1);
  EXPECT_DOUBLE_EQ(train::sched_cos(1, 3)(0.5), 2);
  EXPECT_DOUBLE_EQ(train::sched_cos(1, 3)(1), 3);
  EXPECT_DOUBLE_EQ(train::sched_no(1, 3)(0.7), 1);
  EXPECT_DOUBLE_EQ(train::sched_exp(1, 100)(0.5), 10);
  EXPECT_THROW_MSG(train::sched_exp(0, 1), ValueError, "[sched_exp] start and end must be positive");
}

TEST(Schedules, CombineSchedsRunsEachPhaseOverItsFraction) {
  const train::Schedule s = train::combine_scheds({0.3, 0.7}, {train::sched_lin(0, 1), train::sched_lin(1, 0)});
  EXPECT_DOUBLE_EQ(s(0), 0);
  EXPECT_DOUBLE_EQ(s(0.15), 0.5);
  EXPECT_DOUBLE_EQ(s(0.3), 1);
  EXPECT_NEAR(s(0.65), 0.5, 1e-12);
  EXPECT_NEAR(s(1), 0, 1e-12);
  EXPECT_THROW_MSG(train::combine_scheds({0.5, 0.6}, {train::sched_no(1, 1), train::sched_no(1, 1)}), ValueError,
                   "[combine_scheds] the fractions must sum to 1; they sum to 1.1");
  EXPECT_THROW_MSG(train::combine_scheds({1.0}, {}), ValueError, "needs one fraction per schedule");
  EXPECT_THROW_MSG(train::combine_scheds({1.5, -0.5}, {train::sched_no(1, 1), train::sched_no(1, 1)}), ValueError,
                   "every fraction must be positive; got -0.5");
}

// One epoch of `batches` batches of a tiny regression through the Learner with `callbacks`.
std::unique_ptr<train::Learner> tiny_learner(std::shared_ptr<optim::Optimizer>* opt, int64_t batches,
                                             std::vector<std::shared_ptr<nn::Module>>* layers = nullptr) {
  manual_seed(0);
  auto ds = std::make_shared<data::TensorDataset>(randn({4 * batches, 3}), randn({4 * batches}));
  auto model = nn::Sequential(nn::Linear(3, 4), nn::ReLU(), nn::Linear(4, 1)).ptr();
  if (layers) *layers = {model->children()[0], model->children()[2]};
  *opt = std::make_shared<optim::SGD>(
      std::vector<optim::OptimizerParamGroup>{model->children()[0]->parameters(), model->children()[2]->parameters()},
      optim::SGDOptions(0.01).momentum(0.9));
  return std::make_unique<train::Learner>(model, std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(4)),
                                          nullptr,
                                          [](const Tensor& o, const Tensor& y) { return mse_loss(o.squeeze(1), y); }, *opt);
}

TEST(Schedules, OneCycleFromTheCoursesPiecesMatchesOneCycleLRStepForStep) {
  constexpr int64_t kSteps = 10;
  std::shared_ptr<optim::Optimizer> opt;
  auto learn = tiny_learner(&opt, kSteps);
  const train::OneCycleSchedules cycle = train::one_cycle(0.1, kSteps);
  learn->add_callback(std::make_shared<train::ParamScheduler>("lr", cycle.lr));
  learn->add_callback(std::make_shared<train::ParamScheduler>("momentum", cycle.momentum));
  auto rec = std::make_shared<train::Recorder>();
  learn->add_callback(rec);
  learn->fit(1);

  Tensor w = ones({1}, requires_grad());
  optim::SGD reference({w}, optim::SGDOptions(0.1).momentum(0.9));
  optim::OneCycleLR torch_schedule(reference, optim::OneCycleLROptions(0.1, kSteps));
  ASSERT_EQ(rec->lrs(0).size(), static_cast<size_t>(kSteps));
  for (int64_t t = 0; t < kSteps; ++t) {
    SCOPED_TRACE("step " + std::to_string(t));
    EXPECT_NEAR(rec->lrs(0)[t], reference.lr(), 1e-12);
    EXPECT_NEAR(rec->lrs(1)[t], reference.lr(), 1e-12);  // one schedule for both groups
    EXPECT_NEAR(rec->moms()[t], *reference.momentum(), 1e-12);
    if (t + 1 < kSteps) torch_schedule.step();
  }
  EXPECT_EQ(rec->losses().size(), static_cast<size_t>(kSteps));
}

TEST(Schedules, ParamSchedulerGivesEachGroupItsOwnSchedule) {
  std::shared_ptr<optim::Optimizer> opt;
  auto learn = tiny_learner(&opt, 4);
  // Discriminative rates: the body at a tenth of the head's, both annealed linearly.
  learn->add_callback(std::make_shared<train::ParamScheduler>(
      "lr", std::vector<train::Schedule>{train::sched_lin(0.01, 0.0), train::sched_lin(0.1, 0.0)}));
  auto rec = std::make_shared<train::Recorder>();
  learn->add_callback(rec);
  learn->fit(2);  // 8 batches: positions 0, 1/8, ..., 7/8
  ASSERT_EQ(rec->lrs(0).size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_NEAR(rec->lrs(0)[i], 0.01 * (1 - i / 8.0), 1e-12);
    EXPECT_NEAR(rec->lrs(1)[i], 0.1 * (1 - i / 8.0), 1e-12);
  }
  EXPECT_THROW_MSG(rec->lrs(2), IndexError, "[Recorder] no parameter group 2; 2 recorded");

  std::shared_ptr<optim::Optimizer> opt2;
  auto bad = tiny_learner(&opt2, 2);
  bad->add_callback(std::make_shared<train::ParamScheduler>("beta1", train::sched_no(0.9, 0.9)));
  EXPECT_THROW_MSG(bad->fit(1), ValueError, "[optim] no option 'beta1'; these options have lr, momentum");
  auto three = tiny_learner(&opt2, 2);
  three->add_callback(std::make_shared<train::ParamScheduler>(
      "lr", std::vector<train::Schedule>(3, train::sched_no(0.1, 0.1))));
  EXPECT_THROW_MSG(three->fit(1), ValueError, "[ParamScheduler] 3 schedules for 'lr' but the optimiser has 2 parameter groups");
}

TEST(LRFinder, SweepsUpUntilTheLossBlowsUpAndLeavesEverythingAsItWas) {
  std::shared_ptr<optim::Optimizer> opt;
  auto learn = tiny_learner(&opt, 25);
  learn->fit(1);  // some optimiser state and history to keep
  auto rec = std::make_shared<train::Recorder>();
  learn->add_callback(rec);
  const NamedTensors before = state_dict(learn->model());
  std::vector<Tensor> weights;
  for (const auto& [n, t] : before) weights.push_back(t.detach().clone());
  std::vector<std::pair<std::string, Tensor>> opt_state;
  for (const auto& [n, t] : opt->state()) opt_state.emplace_back(n, t.clone());
  const int64_t data_epoch = learn->train_data().epoch();

  const train::LRFinderResult found = train::lr_find(*learn, train::LRFinderOptions().max_iter(60));
  ASSERT_GE(found.lrs.size(), 5u);
  EXPECT_LE(found.lrs.size(), 60u);
  EXPECT_NEAR(found.lrs[0], 1e-7, 1e-15);
  for (size_t i = 1; i < found.lrs.size(); ++i) EXPECT_GT(found.lrs[i], found.lrs[i - 1]);
  EXPECT_LT(found.lrs.size(), 60u) << "the loss should blow up before lr reaches 10";
  EXPECT_DOUBLE_EQ(found.suggested_lr, found.min_loss_lr / 10);
  EXPECT_GT(found.min_loss_lr, found.lrs.front());

  // Bit for bit: weights, optimiser state and options, history, data order, callbacks.
  const NamedTensors after = state_dict(learn->model());
  for (size_t i = 0; i < weights.size(); ++i) EXPECT_TENSOR_EQ(after[i].second, weights[i]);
  const auto state_after = opt->state();
  ASSERT_EQ(state_after.size(), opt_state.size());
  for (size_t i = 0; i < opt_state.size(); ++i) {
    EXPECT_EQ(state_after[i].first, opt_state[i].first);
    EXPECT_TENSOR_EQ(state_after[i].second, opt_state[i].second);
  }
  EXPECT_DOUBLE_EQ(opt->lr(), 0.01);
  EXPECT_EQ(learn->history().size(), 1u);
  EXPECT_EQ(learn->start_epoch(), 1);
  EXPECT_EQ(learn->train_data().epoch(), data_epoch);
  EXPECT_EQ(learn->callbacks().size(), 1u);
  EXPECT_TRUE(rec->losses().empty());  // the learner's own callbacks did not see the sweep
  EXPECT_THROW_MSG(train::lr_find(*learn, train::LRFinderOptions().min_lr(1).max_lr(0.5)), ValueError,
                   "[lr_find] needs 0 < min_lr < max_lr");
}

}  // namespace
}  // namespace ember
