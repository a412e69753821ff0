// Whole training steps: the MLP 784-100-10 and the LeNet-5 CNN of `ember train --model cnn`
// (batch 64: forward, cross-entropy, backward, SGD momentum step) and the course's fully connected forward and backward on 50,000 x 784 inputs
// (lin 784 -> 50, relu, lin 50 -> 1, mse), the workloads of bench/compare/torch_bench.py.
#include <benchmark/benchmark.h>

#include <cmath>

#include <ember/ember.h>

namespace ember::bench {
namespace {

// Times SGD steps of `model` on one batch, after checking that a few steps lower its loss.
// With bf16 true the forward runs under autocast (bfloat16 products, float32 weights), as
// torch_bench.py's torch.autocast("cpu", dtype=torch.bfloat16) rows.
void time_steps(benchmark::State& state, nn::Sequential& model, const Tensor& x, const Tensor& y, bool bf16 = false) {
  optim::SGD opt(model->parameters(), optim::SGDOptions(0.05).momentum(0.9));
  auto step = [&] {
    const Tensor loss = [&] {
      autocast::AutocastGuard autocast(kBFloat16, bf16);
      return cross_entropy_loss(model(x), y);
    }();
    opt.zero_grad();
    loss.backward();
    opt.step();
    return loss.item<double>();
  };
  const double first = step();  // validate: a few steps on one batch must lower its loss
  for (int i = 0; i < 4; ++i) step();
  if (!(step() < first)) state.SkipWithError("the loss did not decrease");
  for (auto _ : state) benchmark::DoNotOptimize(step());
}

// Argument: 1 with the caching allocator (the default), 0 with every buffer from the system.
void BM_MlpStep(benchmark::State& state) {
  const std::size_t default_limit = allocator_stats().cache_limit;
  if (state.range(0) == 0) set_allocator_cache_limit(0);
  manual_seed(0);
  nn::Sequential model(nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10));
  time_steps(state, model, randn({64, 784}), randint(0, 10, {64}));
  set_allocator_cache_limit(default_limit);
}

// LeNet-5 as cli/model_spec.cpp builds it for 28 x 28 images (the Flatten/Unflatten pair
// there only reshapes).
void BM_CnnStep(benchmark::State& state) {
  manual_seed(0);
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Conv2d(6, 16, 5), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(400, 120),
                       nn::ReLU(), nn::Linear(120, 84), nn::ReLU(), nn::Linear(84, 10));
  time_steps(state, model, randn({64, 1, 28, 28}), randint(0, 10, {64}));
}

// The ResNet benchmark: ResNet-20 (ember::models) on a batch of 128 28 x 28 grey images,
// and the course's BatchNorm CNN on a batch of 256; torch_bench.py times the same twins.
// Argument bf16: 0 in float32, 1 under bfloat16 autocast.
void BM_ResNet20Step(benchmark::State& state) {
  manual_seed(0);
  nn::Sequential model(models::ResNet(models::ResNetOptions().in_channels(1)));
  time_steps(state, model, randn({128, 1, 28, 28}), randint(0, 10, {128}), state.range(0) != 0);
}

void BM_BnCnnStep(benchmark::State& state) {
  manual_seed(0);
  nn::Sequential model = models::bn_cnn(1, 10);
  time_steps(state, model, randn({256, 1, 28, 28}), randint(0, 10, {256}), state.range(0) != 0);
}

// Inference with eval-mode BatchNorm as it is and folded into the convolutions
// (nn::utils::fold_batchnorm): xresnet18 on a batch of 128 28 x 28 grey images.
void BM_XResNet18Eval(benchmark::State& state) {
  manual_seed(0);
  nn::Sequential model = models::xresnet18(1, 10);
  model->eval();
  if (state.range(0)) nn::utils::fold_batchnorm(*model);
  const Tensor x = randn({128, 1, 28, 28});
  NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(model(x).data_ptr());
}

struct FcData {
  Tensor x, y, w1, b1, w2, b2;
};

const FcData& fc_data() {
  static const FcData d = [] {
    manual_seed(1);
    FcData f;
    f.x = randn({50000, 784});
    f.y = randn({50000});
    f.w1 = (randn({784, 50}) * std::sqrt(2.0 / 784)).requires_grad_();
    f.b1 = zeros({50}, requires_grad());
    f.w2 = (randn({50, 1}) * std::sqrt(2.0 / 50)).requires_grad_();
    f.b2 = zeros({1}, requires_grad());
    return f;
  }();
  return d;
}

Tensor fc_loss(const FcData& d) {
  const Tensor out = (d.x.matmul(d.w1) + d.b1).relu().matmul(d.w2) + d.b2;
  return (out.squeeze(-1) - d.y).pow(2).mean();
}

void BM_FcForward(benchmark::State& state) {
  const FcData& d = fc_data();
  NoGradGuard no_grad;
  for (auto _ : state) benchmark::DoNotOptimize(fc_loss(d).item<float>());
}

void BM_FcBackward(benchmark::State& state) {
  const FcData& d = fc_data();
  for (auto _ : state) {
    state.PauseTiming();
    const Tensor loss = fc_loss(d);
    state.ResumeTiming();
    loss.backward();
  }
}

}  // namespace

BENCHMARK(BM_MlpStep)->ArgName("cache")->Arg(1)->Arg(0)->UseRealTime();
BENCHMARK(BM_CnnStep)->UseRealTime();
BENCHMARK(BM_ResNet20Step)->ArgName("bf16")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BnCnnStep)->ArgName("bf16")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_XResNet18Eval)->ArgName("fold")->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FcForward)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FcBackward)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace ember::bench
