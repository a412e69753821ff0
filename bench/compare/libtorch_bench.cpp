// The libtorch C++ frontend on the workloads of train_step_bench.cpp, for compare.py's
// "libtorch" column: the same MLP and LeNet steps and the course's fc forward/backward, written
// as a libtorch user would. Built only where Debian's libtorch-dev is installed.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cmath>

namespace {

void time_steps(benchmark::State& state, torch::nn::Sequential& model, const torch::Tensor& x, const torch::Tensor& y) {
  torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  auto step = [&] {
    const auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);
    opt.zero_grad();
    loss.backward();
    opt.step();
    return loss.item<double>();
  };
  const double first = step();
  for (int i = 0; i < 4; ++i) step();
  if (!(step() < first)) state.SkipWithError("the loss did not decrease");
  for (auto _ : state) benchmark::DoNotOptimize(step());
}

void BM_LibtorchMlpStep(benchmark::State& state) {
  torch::manual_seed(0);
  torch::nn::Sequential model(torch::nn::Linear(784, 100), torch::nn::ReLU(), torch::nn::Linear(100, 10));
  time_steps(state, model, torch::randn({64, 784}), torch::randint(0, 10, {64}));
}

void BM_LibtorchCnnStep(benchmark::State& state) {
  namespace nn = torch::nn;
  torch::manual_seed(0);
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Conv2d(6, 16, 5), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(400, 120),
                       nn::ReLU(), nn::Linear(120, 84), nn::ReLU(), nn::Linear(84, 10));
  time_steps(state, model, torch::randn({64, 1, 28, 28}), torch::randint(0, 10, {64}));
}

struct FcData {
  torch::Tensor x, y, w1, b1, w2, b2;
};

const FcData& fc_data() {
  static const FcData d = [] {
    torch::manual_seed(1);
    FcData f;
    f.x = torch::randn({50000, 784});
    f.y = torch::randn({50000});
    f.w1 = (torch::randn({784, 50}) * std::sqrt(2.0 / 784)).requires_grad_();
    f.b1 = torch::zeros({50}, torch::requires_grad());
    f.w2 = (torch::randn({50, 1}) * std::sqrt(2.0 / 50)).requires_grad_();
    f.b2 = torch::zeros({1}, torch::requires_grad());
    return f;
  }();
  return d;
}

torch::Tensor fc_loss(const FcData& d) {
  const auto out = (d.x.matmul(d.w1) + d.b1).relu().matmul(d.w2) + d.b2;
  return (out.squeeze(-1) - d.y).pow(2).mean();
}

void BM_LibtorchFcForward(benchmark::State& state) {
  const FcData& d = fc_data();
  torch::NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(fc_loss(d).item<float>());
}

void BM_LibtorchFcBackward(benchmark::State& state) {
  const FcData& d = fc_data();
  for (auto _ : state) {
    state.PauseTiming();
    const auto loss = fc_loss(d);
    state.ResumeTiming();
    loss.backward();
  }
}

}  // namespace

// libtorch reads no OMP_NUM_THREADS of ours: compare.py passes --threads through this variable.
static const int kThreads = [] {
  if (const char* t = std::getenv("OMP_NUM_THREADS")) torch::set_num_threads(std::atoi(t));
  return 0;
}();

BENCHMARK(BM_LibtorchMlpStep)->UseRealTime();
BENCHMARK(BM_LibtorchCnnStep)->UseRealTime();
BENCHMARK(BM_LibtorchFcForward)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LibtorchFcBackward)->UseRealTime()->Unit(benchmark::kMillisecond);
