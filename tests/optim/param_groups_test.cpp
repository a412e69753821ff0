// Parameter groups as libtorch's (OptimizerParamGroup, per-group options, add_param_group),
// their state in checkpoints, and the options of Adagrad and LAMB.
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

using optim::OptimizerParamGroup;

TEST(ParamGroups, EachGroupHasItsOwnOptionsAndTheRestTakeTheDefaults) {
  Tensor a = ones({2}, requires_grad()), b = ones({3}, requires_grad()), c = ones({1}, requires_grad());
  optim::SGD opt({OptimizerParamGroup({a}), OptimizerParamGroup({b}, std::make_unique<optim::SGDOptions>(0.5))},
                 optim::SGDOptions(0.1).momentum(0.9));
  ASSERT_EQ(opt.param_groups().size(), 2u);
  EXPECT_DOUBLE_EQ(opt.param_groups()[0].options().get_lr(), 0.1);
  EXPECT_DOUBLE_EQ(static_cast<optim::SGDOptions&>(opt.param_groups()[0].options()).momentum(), 0.9);
  EXPECT_DOUBLE_EQ(static_cast<optim::SGDOptions&>(opt.param_groups()[1].options()).momentum(), 0.0);
  opt.add_param_group(OptimizerParamGroup({c}));
  EXPECT_EQ(opt.parameters().size(), 3u);
  EXPECT_DOUBLE_EQ(opt.param_groups()[2].options().get_lr(), 0.1);

  // One step of plain SGD on sum(p) (gradient 1) moves each group by its own rate.
  static_cast<optim::SGDOptions&>(opt.param_groups()[0].options()).momentum(0).lr(0.25);
  (a.sum() + b.sum() + c.sum()).backward();
  opt.step();
  EXPECT_TENSOR_NEAR(a.detach(), full({2}, 0.75), 0, 1e-7);
  EXPECT_TENSOR_NEAR(b.detach(), full({3}, 0.5), 0, 1e-7);
  EXPECT_TENSOR_NEAR(c.detach(), full({1}, 0.9), 0, 1e-7);
}

TEST(ParamGroups, BadGroupsAreRefused) {
  Tensor a = ones({2}, requires_grad());
  optim::SGD opt({a}, optim::SGDOptions(0.1));
  EXPECT_THROW_MSG(opt.add_param_group(OptimizerParamGroup({a})), ValueError,
                   "[SGD] some parameters appear in more than one parameter group");
  EXPECT_THROW_MSG(opt.add_param_group(OptimizerParamGroup({ones({1}, requires_grad())},
                                                           std::make_unique<optim::AdamOptions>(0.1))),
                   TypeError, "[SGD] a param group has options of another optimiser; SGD needs SGDOptions");
  EXPECT_THROW_MSG(opt.add_param_group(OptimizerParamGroup({ones({1}, requires_grad())},
                                                           std::make_unique<optim::SGDOptions>(-1.0))),
                   ValueError, "[SGD] invalid learning rate: -1");
  EXPECT_THROW_MSG(opt.param_groups()[0].options().get("beta1"), ValueError,
                   "[optim] no option 'beta1'; these options have lr, momentum, dampening, weight_decay");
  OptimizerParamGroup bare({a});
  EXPECT_FALSE(bare.has_options());
  EXPECT_THROW_MSG(bare.options(), ValueError, "this group has no options yet");
}

TEST(ParamGroups, SchedulesMoveEachGroupFromItsOwnRateAndMomentumEverywhere) {
  Tensor a = ones({2}, requires_grad()), b = ones({2}, requires_grad());
  optim::SGD opt({OptimizerParamGroup({a}), OptimizerParamGroup({b}, std::make_unique<optim::SGDOptions>(
                                                                        optim::SGDOptions(0.01).momentum(0.9)))},
                 optim::SGDOptions(0.1).momentum(0.9));
  optim::StepLR sched(opt, 1, 0.5);
  sched.step();
  EXPECT_DOUBLE_EQ(opt.param_groups()[0].options().get_lr(), 0.05);
  EXPECT_DOUBLE_EQ(opt.param_groups()[1].options().get_lr(), 0.005);
  EXPECT_EQ(sched.base_lrs(), (std::vector<double>{0.1, 0.01}));
  opt.set_momentum(0.8);
  EXPECT_DOUBLE_EQ(opt.param_groups()[1].options().get("momentum"), 0.8);
  EXPECT_EQ(opt.momentum(), 0.8);
  EXPECT_FALSE(optim::Adagrad({a}).momentum().has_value());
  EXPECT_DOUBLE_EQ(*optim::Adam({a}).momentum(), 0.9);  // beta1
}

TEST(ParamGroups, CheckpointStateKeepsEveryGroupsOptions) {
  auto make = [](Tensor& w, Tensor& b) {
    return optim::Adam({OptimizerParamGroup({w}), OptimizerParamGroup({b}, std::make_unique<optim::AdamOptions>(0.5))},
                       optim::AdamOptions(0.1));
  };
  Tensor w1 = tensor({1.0, -2.0}, requires_grad()), b1 = tensor({0.5}, requires_grad());
  Tensor w2 = w1.detach().clone().requires_grad_(), b2 = b1.detach().clone().requires_grad_();
  optim::Adam a1 = make(w1, b1), a2 = make(w2, b2);
  auto run = [](optim::Optimizer& opt, Tensor& w, Tensor& b, int steps) {
    for (int i = 0; i < steps; ++i) {
      opt.zero_grad();
      ((w * w * w).sum() + (b * b).sum()).backward();
      opt.step();
    }
  };
  run(a1, w1, b1, 3);
  a1.param_groups()[1].options().set_lr(0.05);  // as a schedule would have left it
  {
    NoGradGuard g;
    w2.copy_(w1);
    b2.copy_(b1);
  }
  const auto state = a1.state();
  EXPECT_TRUE(std::any_of(state.begin(), state.end(), [](auto& e) { return e.first == "param_groups.1.lr"; }));
  a2.load_state(state);
  EXPECT_DOUBLE_EQ(a2.param_groups()[1].options().get_lr(), 0.05);
  run(a1, w1, b1, 2);
  run(a2, w2, b2, 2);
  EXPECT_TENSOR_EQ(w1, w2);
  EXPECT_TENSOR_EQ(b1, b2);

  auto with = [&](const std::string& key, Tensor t) {
    auto s = state;
    s.emplace_back(key, t);
    return s;
  };
  EXPECT_THROW_MSG(a2.load_state(with("param_groups.2.lr", tensor(0.1))), ValueError,
                   "[Adam] the state has parameter group 2 but the optimiser has 2 group(s)");
  EXPECT_THROW_MSG(a2.load_state(with("0.momentum_buffer", zeros({2}))), ValueError,
                   "[Adam] unknown state entry '0.momentum_buffer'");
  EXPECT_THROW_MSG(a2.load_state(with("x.step", tensor(1))), ValueError, "[Adam] unknown state entry 'x.step'");
  auto broken = state;
  std::erase_if(broken, [](auto& e) { return e.first == "1.exp_avg_sq"; });
  EXPECT_THROW_MSG(a2.load_state(broken), ValueError, "[Adam] state of parameter 1 is incomplete: it has no exp_avg_sq");
}

TEST(ParamGroups, AdagradAndLambCheckTheirOptions) {
  std::vector<Tensor> p{ones({2}, requires_grad())};
  EXPECT_THROW_MSG(optim::Adagrad(p, optim::AdagradOptions(0.1).lr_decay(-1)), ValueError,
                   "[Adagrad] invalid lr_decay value: -1");
  EXPECT_THROW_MSG(optim::Adagrad(p, optim::AdagradOptions(0.1).initial_accumulator_value(-1)), ValueError,
                   "[Adagrad] invalid initial_accumulator_value value: -1");
  EXPECT_THROW_MSG(optim::LAMB(p, optim::LAMBOptions(0.1).betas({0.9, 1.0})), ValueError,
                   "[LAMB] invalid beta parameter at index 1: 1");
  EXPECT_THROW_MSG(optim::LAMB(p, optim::LAMBOptions(0.1).max_trust_ratio(0)), ValueError,
                   "[LAMB] invalid max_trust_ratio value: 0");
}

TEST(ParamGroups, LambMovesAZeroTensorWithATrustRatioOfOne) {
  // ||p|| = 0 (a bias initialised to zero): the ratio would be 0 and the tensor would never
  // move; LAMB takes 1 instead, so the first step is lr times Adam's unit-size first step.
  Tensor b = zeros({3}, requires_grad());
  optim::LAMB opt({b}, optim::LAMBOptions(0.1));
  (b * tensor({1.0f, -2.0f, 3.0f})).sum().backward();
  opt.step();
  EXPECT_TENSOR_NEAR(b.detach(), tensor({-0.1f, 0.1f, -0.1f}), 1e-5, 1e-6);
}

}  // namespace
}  // namespace ember
