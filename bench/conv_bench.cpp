// ResNet-20's 3x3 convolutions (batch 128 of 28 x 28 images: 16 channels at 28 x 28, 32 at 14,
// 64 at 7), each pass timed alone: forward, input gradient, weight gradient, with GFLOP/s and the
// percentage of the measured FMA peak (per core, times the threads), in float32 (bf16:0) or on
// bfloat16 tensors (bf16:1, against the measured vdpbf16ps peak). A pass is
// 2 * N * C_out * C_in * 9 * H * W flops.
#include <benchmark/benchmark.h>

#include <ember/ember.h>

namespace ember::bench {

double measured_peak_gflops();
double bf16_peak_gflops();  // peak.cpp: AMX's or vdpbf16ps's

namespace {

enum Pass { kForward, kInputGradient, kWeightGradient };

void BM_Conv3x3(benchmark::State& state) {
  const int64_t channels = state.range(0), side = state.range(1);
  const auto pass = static_cast<Pass>(state.range(2));
  const ScalarType dtype = state.range(3) ? kBFloat16 : kFloat32;
  manual_seed(0);
  Tensor x = randn({128, channels, side, side}).to(dtype).requires_grad_(pass == kInputGradient);
  Tensor w = (randn({channels, channels, 3, 3}) * 0.1).to(dtype).requires_grad_(pass == kWeightGradient);
  for (auto _ : state) {
    if (pass == kForward) {
      NoGradGuard no_grad;
      benchmark::DoNotOptimize(conv2d(x, w, {}, 1, 1).data_ptr());
      continue;
    }
    state.PauseTiming();
    const Tensor out = conv2d(x, w, {}, 1, 1);
    const Tensor g = ones(out.sizes(), dtype);
    state.ResumeTiming();
    out.backward(g);
    state.PauseTiming();
    (pass == kInputGradient ? x : w).set_grad(Tensor());
    state.ResumeTiming();
  }
  const double flops = 2.0 * 128 * channels * channels * 9 * side * side;
  state.counters["GFLOPS"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  static const double float32_peak = kernels::cpu_has_avx512() ? measured_peak_gflops() : 0;
  const double bf16_peak = bf16_peak_gflops();
  const double peak = dtype == kBFloat16 ? bf16_peak : float32_peak;
  if (peak > 0)
    state.counters["pct_peak"] = benchmark::Counter(flops * 1e-9 * 100 / (peak * get_num_threads()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_Conv3x3)
    ->ArgNames({"channels", "side", "pass", "bf16"})
    ->ArgsProduct({{16}, {28}, {kForward, kInputGradient, kWeightGradient}, {0, 1}})
    ->ArgsProduct({{32}, {14}, {kForward, kInputGradient, kWeightGradient}, {0, 1}})
    ->ArgsProduct({{64}, {7}, {kForward, kInputGradient, kWeightGradient}, {0, 1}})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace ember::bench
