// Optimisers and LR schedules against torch.optim: each case of tools/gen_fixtures.py trains
// y = x @ w^T + b on a fixed mse problem in float64 for 10 steps, and ember must follow the
// same parameter trajectory and learning rates.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "support/tensor_expect.h"

namespace ember {
namespace {

struct Trajectory {
  std::vector<double> lr;
  std::vector<Tensor> w, b;
};

struct OptimFixtures {
  Tensor x, y, w0, b0;
  std::map<std::string, Trajectory> cases;
};

Tensor read_values(std::istringstream& in, const Shape& shape) {
  std::vector<double> v(numel(shape));
  for (auto& d : v) in >> d;
  return tensor(v, kFloat64).reshape(shape);
}

const OptimFixtures& fixtures() {
  static const OptimFixtures f = [] {
    OptimFixtures out;
    std::ifstream file(std::string(EMBER_FIXTURE_DIR) + "/optim.txt");
    if (!file) throw IOError("cannot open optim.txt fixture");
    std::string line, current;
    while (std::getline(file, line)) {
      std::istringstream in(line);
      std::string tag;
      in >> tag;
      if (tag == "data") {
        std::string name;
        int64_t ndim;
        in >> name >> ndim;
        Shape shape(ndim);
        for (auto& d : shape) in >> d;
        Tensor t = read_values(in, shape);
        if (name == "x") out.x = t;
        if (name == "y") out.y = t;
        if (name == "w0") out.w0 = t;
        if (name == "b0") out.b0 = t;
      } else if (tag == "case") {
        in >> current;
      } else if (tag == "step") {
        int step;
        std::string lr_tag, w_tag, b_tag;
        double lr;
        in >> step >> lr_tag >> lr >> w_tag;
        Trajectory& t = out.cases[current];
        t.lr.push_back(lr);
        t.w.push_back(read_values(in, {3, 4}));
        in >> b_tag;
        t.b.push_back(read_values(in, {3}));
      }
    }
    return out;
  }();
  return f;
}

using OptimizerFactory = std::function<std::shared_ptr<optim::Optimizer>(std::vector<Tensor>)>;
using SchedulerFactory = std::function<std::shared_ptr<optim::LRScheduler>(optim::Optimizer&)>;

const std::map<std::string, std::pair<OptimizerFactory, SchedulerFactory>>& cases() {
  using namespace optim;
  auto sgd = [](SGDOptions o) { return [o](std::vector<Tensor> p) { return std::make_shared<SGD>(p, o); }; };
  auto adam = [](AdamOptions o) { return [o](std::vector<Tensor> p) { return std::make_shared<Adam>(p, o); }; };
  static const std::map<std::string, std::pair<OptimizerFactory, SchedulerFactory>> table = {
      {"sgd", {sgd(SGDOptions(0.1)), nullptr}},
      {"sgd_momentum", {sgd(SGDOptions(0.1).momentum(0.9)), nullptr}},
      {"sgd_nesterov_weight_decay", {sgd(SGDOptions(0.1).momentum(0.9).nesterov(true).weight_decay(0.01)), nullptr}},
      {"sgd_dampening", {sgd(SGDOptions(0.1).momentum(0.9).dampening(0.5)), nullptr}},
      {"adam", {adam(AdamOptions(0.01)), nullptr}},
      {"adam_weight_decay_betas", {adam(AdamOptions(0.01).betas({0.8, 0.99}).weight_decay(0.1)), nullptr}},
      {"adamw",
       {[](std::vector<Tensor> p) {
          AdamWOptions o(0.01);
          o.weight_decay(0.1);
          return std::make_shared<AdamW>(p, o);
        },
        nullptr}},
      {"rmsprop", {[](std::vector<Tensor> p) { return std::make_shared<RMSprop>(p, RMSpropOptions(0.01)); }, nullptr}},
      {"rmsprop_centered_momentum",
       {[](std::vector<Tensor> p) {
          return std::make_shared<RMSprop>(p, RMSpropOptions(0.01).alpha(0.9).momentum(0.9).centered(true).weight_decay(0.01));
        },
        nullptr}},
      {"step_lr", {sgd(SGDOptions(0.1).momentum(0.9)), [](Optimizer& o) { return std::make_shared<StepLR>(o, 3, 0.5); }}},
      {"cosine_lr",
       {sgd(SGDOptions(0.1).momentum(0.9)), [](Optimizer& o) { return std::make_shared<CosineAnnealingLR>(o, 10, 0.001); }}},
      {"linear_warmup", {sgd(SGDOptions(0.1)), [](Optimizer& o) { return std::make_shared<LinearLR>(o, 0.25, 1.0, 4); }}},
      {"onecycle_sgd",
       {sgd(SGDOptions(0.1).momentum(0.9)),
        [](Optimizer& o) { return std::make_shared<OneCycleLR>(o, OneCycleLROptions(0.1, 10)); }}},
      {"onecycle_adam",
       {adam(AdamOptions(0.01)), [](Optimizer& o) { return std::make_shared<OneCycleLR>(o, OneCycleLROptions(0.01, 10)); }}},
      {"adagrad", {[](std::vector<Tensor> p) { return std::make_shared<Adagrad>(p, AdagradOptions(0.1)); }, nullptr}},
      {"adagrad_decay_init",
       {[](std::vector<Tensor> p) {
          return std::make_shared<Adagrad>(
              p, AdagradOptions(0.1).lr_decay(0.05).weight_decay(0.01).initial_accumulator_value(0.5).eps(1e-8));
        },
        nullptr}},
      {"lamb", {[](std::vector<Tensor> p) { return std::make_shared<LAMB>(p, LAMBOptions(0.01)); }, nullptr}},
      {"lamb_weight_decay_betas",
       {[](std::vector<Tensor> p) {
          return std::make_shared<LAMB>(p, LAMBOptions(0.02).betas({0.8, 0.95}).weight_decay(0.1));
        },
        nullptr}},
      // Two parameter groups: w takes the defaults, b its own lr and momentum.
      {"sgd_param_groups",
       {[](std::vector<Tensor> p) {
          return std::make_shared<SGD>(
              std::vector<OptimizerParamGroup>{
                  OptimizerParamGroup({p[0]}),
                  OptimizerParamGroup({p[1]}, std::make_unique<SGDOptions>(SGDOptions(0.01).momentum(0.5)))},
              SGDOptions(0.1).momentum(0.9));
        },
        nullptr}},
      {"adam_param_groups_step_lr",
       {[](std::vector<Tensor> p) {
          return std::make_shared<Adam>(
              std::vector<OptimizerParamGroup>{OptimizerParamGroup({p[0]}, std::make_unique<AdamOptions>(0.02)),
                                               OptimizerParamGroup({p[1]})},
              AdamOptions(0.005));
        },
        [](Optimizer& o) { return std::make_shared<StepLR>(o, 3, 0.5); }}},
  };
  return table;
}

class OptimReference : public ::testing::TestWithParam<std::string> {};

TEST_P(OptimReference, ProducesPyTorchTrajectory) {
  const OptimFixtures& f = fixtures();
  const Trajectory& expected = f.cases.at(GetParam());
  ASSERT_EQ(expected.w.size(), 10u);
  const auto& [make_optimizer, make_scheduler] = cases().at(GetParam());
  Tensor w = f.w0.clone().requires_grad_(), b = f.b0.clone().requires_grad_();
  auto opt = make_optimizer({w, b});
  auto sched = make_scheduler ? make_scheduler(*opt) : nullptr;
  for (int step = 0; step < 10; ++step) {
    SCOPED_TRACE("step " + std::to_string(step + 1));
    EXPECT_NEAR(opt->lr(), expected.lr[step], 1e-12);
    opt->zero_grad();
    mse_loss(f.x.matmul(w.t()) + b, f.y).backward();
    opt->step();
    if (sched) sched->step();
    EXPECT_TENSOR_NEAR(w, expected.w[step], 1e-9, 1e-12);
    EXPECT_TENSOR_NEAR(b, expected.b[step], 1e-9, 1e-12);
  }
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& [name, c] : cases()) out.push_back(name);
  return out;
}
INSTANTIATE_TEST_SUITE_P(Torch, OptimReference, ::testing::ValuesIn(names()), [](const auto& info) { return info.param; });

TEST(OptimReferenceTable, CoversEveryFixture) {
  for (const auto& [name, t] : fixtures().cases) EXPECT_TRUE(cases().count(name)) << "no C++ twin for " << name;
  EXPECT_EQ(fixtures().cases.size(), cases().size());
}

TEST(Optim, OptionsAreValidatedInTheConstructor) {
  std::vector<Tensor> p{ones({2}, requires_grad())};
  EXPECT_THROW_MSG(optim::SGD(p, optim::SGDOptions(-1)), ValueError, "[SGD] invalid learning rate: -1");
  EXPECT_THROW_MSG(optim::SGD(p, optim::SGDOptions(0.1).nesterov(true)), ValueError,
                   "Nesterov momentum requires a momentum and zero dampening");
  EXPECT_THROW_MSG(optim::Adam(p, optim::AdamOptions(0.1).betas({1.0, 0.9})), ValueError, "[Adam] invalid beta parameter at index 0: 1");
  EXPECT_THROW_MSG(optim::RMSprop(p, optim::RMSpropOptions(0.1).eps(-1)), ValueError, "[RMSprop] invalid epsilon value");
  EXPECT_THROW_MSG(optim::SGD({ones({2, 2}).t()}, optim::SGDOptions(0.1)), ValueError, "is not contiguous");
  optim::SGD sgd(p, optim::SGDOptions(0.1));
  EXPECT_THROW_MSG(optim::OneCycleLR(sgd, optim::OneCycleLROptions(0.1, 10).pct_start(1.5)), ValueError, "[OneCycleLR] pct_start must be in (0, 1)");
  EXPECT_THROW_MSG(optim::StepLR(sgd, 0), ValueError, "[StepLR] step_size must be positive");
}

// Large parameters are updated on both cores; every element's update is independent, so the
// result must not depend on the thread count (checked against one thread, bit for bit).
TEST(Optim, LargeParametersGiveTheSameResultOnOneAndTwoThreads) {
  using Factory = std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;
  const std::vector<Factory> factories = {
      [](auto p) { return std::make_unique<optim::SGD>(p, optim::SGDOptions(0.1).momentum(0.9).nesterov(true)); },
      [](auto p) { return std::make_unique<optim::Adam>(p, optim::AdamOptions(0.01).weight_decay(0.1)); },
      [](auto p) { return std::make_unique<optim::AdamW>(p, optim::AdamWOptions(0.01)); },
      [](auto p) { return std::make_unique<optim::RMSprop>(p, optim::RMSpropOptions(0.01).centered(true).momentum(0.5)); },
  };
  manual_seed(3);
  const Tensor start = randn({300, 400}), target = randn({300, 400});
  const int threads = get_num_threads();
  for (const Factory& make : factories) {
    std::vector<Tensor> results;
    for (int t : {1, 2}) {
      set_num_threads(t);
      Tensor w = start.clone().requires_grad_();
      auto opt = make({w});
      for (int step = 0; step < 3; ++step) {
        opt->zero_grad();
        (w - target).pow(2).sum().backward();
        opt->step();
      }
      results.push_back(w.detach());
    }
    set_num_threads(threads);
    EXPECT_FALSE(equal(results[0], start));  // the optimiser moved the weights
    EXPECT_TENSOR_EQ(results[0], results[1]);
  }
}

TEST(Optim, ParametersWithoutGradientsAreSkipped) {
  Tensor a = ones({2}, requires_grad()), b = ones({2}, requires_grad());
  optim::SGD opt({a, b}, optim::SGDOptions(0.5));
  (a * 2).sum().backward();
  opt.step();
  EXPECT_TENSOR_EQ(a.detach(), zeros({2}));
  EXPECT_TENSOR_EQ(b.detach(), ones({2}));
}

TEST(Optim, OneCycleRefusesToStepPastItsEnd) {
  Tensor a = ones({2}, requires_grad());
  optim::SGD opt({a}, optim::SGDOptions(0.1).momentum(0.9));
  optim::OneCycleLR sched(opt, optim::OneCycleLROptions(0.1, 3));
  sched.step();
  sched.step();
  sched.step();
  EXPECT_THROW_MSG(sched.step(), ValueError, "[OneCycleLR] tried to step 4 times; the schedule has total_steps = 3");
}

TEST(Optim, StateRoundTripsForCheckpoints) {
  auto run = [](optim::Optimizer& opt, Tensor& w, int steps) {
    for (int i = 0; i < steps; ++i) {
      opt.zero_grad();
      (w * w * w).sum().backward();
      opt.step();
    }
  };
  Tensor w1 = tensor({1.0, -2.0}, requires_grad()), w2 = w1.detach().clone().requires_grad_();
  optim::Adam a1({w1}, optim::AdamOptions(0.1)), a2({w2}, optim::AdamOptions(0.1));
  run(a1, w1, 3);
  { NoGradGuard g; w2.copy_(w1); }
  a2.load_state(a1.state());
  run(a1, w1, 2);
  run(a2, w2, 2);
  EXPECT_TENSOR_EQ(w1, w2);
}

}  // namespace
}  // namespace ember
