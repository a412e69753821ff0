// GEMM benchmarks: every rung of the kernel ladder on the shapes of bench_shapes.h, with a
// GFLOP/s counter and the percentage of the measured FMA peak (per core, times the threads).
// Each benchmark first checks its result against float64 dot products (validate, then time).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include <ember/ember.h>

#include "bench_shapes.h"

namespace ember::bench {

double measured_peak_gflops();
double bf16_peak_gflops();  // peak.cpp: AMX's or vdpbf16ps's

namespace {

double peak_per_core() {
  static const double peak = kernels::cpu_has_avx512() ? measured_peak_gflops() : 0;
  return peak;
}

struct Operands {
  std::vector<float> A, B, C;
  int64_t M, N, K, lda, ldb;
  bool ta, tb;
};

Operands make(const benchmark::State& state) {
  Operands o;
  o.M = state.range(0), o.N = state.range(1), o.K = state.range(2), o.ta = state.range(3), o.tb = state.range(4);
  o.lda = o.ta ? o.M : o.K;
  o.ldb = o.tb ? o.K : o.N;
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> dist(-1, 1);
  o.A.resize(o.M * o.K);
  o.B.resize(o.K * o.N);
  o.C.resize(o.M * o.N);
  for (auto& x : o.A) x = dist(rng);
  for (auto& x : o.B) x = dist(rng);
  return o;
}

void run(Operands& o) {
  kernels::gemm(o.M, o.N, o.K, o.A.data(), o.lda, o.ta, o.B.data(), o.ldb, o.tb, o.C.data(), o.N);
}

// Validate against the triple loop, then time.
void BM_Gemm(benchmark::State& state, kernels::GemmKernel kernel) {
  Operands o = make(state);
  if (kernel == kernels::GemmKernel::Reference && o.M * o.N * o.K > 256 * 256 * 256) {
    state.SkipWithError("the triple loop is only timed up to 256^3");
    return;
  }
  kernels::set_gemm_kernel(kernel);
  run(o);
  // Validate 256 random entries against a float64 dot product (a full triple loop would take
  // longer than the benchmark at 2048^3).
  std::mt19937 pick(1);
  for (int s = 0; s < 256; ++s) {
    const int64_t i = static_cast<int64_t>(pick() % o.M), j = static_cast<int64_t>(pick() % o.N);
    double expected = 0;
    for (int64_t k = 0; k < o.K; ++k)
      expected += static_cast<double>(o.ta ? o.A[k * o.lda + i] : o.A[i * o.lda + k]) *
                  (o.tb ? o.B[j * o.ldb + k] : o.B[k * o.ldb + j]);
    if (std::fabs(expected - o.C[i * o.N + j]) > 1e-4 * (1 + static_cast<double>(o.K))) {
      state.SkipWithError("result differs from a float64 dot product");
      kernels::set_gemm_kernel(kernels::GemmKernel::Auto);
      return;
    }
  }
  for (auto _ : state) {
    run(o);
    benchmark::ClobberMemory();
  }
  kernels::set_gemm_kernel(kernels::GemmKernel::Auto);
  const double flops = 2.0 * o.M * o.N * o.K;
  state.counters["GFLOPS"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = get_num_threads();
  if (peak_per_core() > 0)
    state.counters["pct_peak"] = benchmark::Counter(flops * 1e-9 * 100 / (peak_per_core() * get_num_threads()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// The bfloat16 GEMM (kernels/gemm_bf16.h), float32 output, against the measured vdpbf16ps peak.
void BM_GemmBf16(benchmark::State& state) {
  Operands o = make(state);
  std::vector<BFloat16> A(o.A.begin(), o.A.end()), B(o.B.begin(), o.B.end());
  auto product = [&] {
    kernels::gemm_bf16(o.M, o.N, o.K, A.data(), o.lda, o.ta, B.data(), o.ldb, o.tb, o.C.data(), o.N);
  };
  product();
  std::mt19937 pick(1);
  for (int s = 0; s < 256; ++s) {  // validate against float64 dot products of the bfloat16 values
    const int64_t i = static_cast<int64_t>(pick() % o.M), j = static_cast<int64_t>(pick() % o.N);
    double expected = 0;
    for (int64_t k = 0; k < o.K; ++k)
      expected += static_cast<double>(o.ta ? A[k * o.lda + i] : A[i * o.lda + k]) *
                  static_cast<double>(o.tb ? B[j * o.ldb + k] : B[k * o.ldb + j]);
    if (std::fabs(expected - o.C[i * o.N + j]) > 1e-4 * (1 + static_cast<double>(o.K))) {
      state.SkipWithError("result differs from a float64 dot product");
      return;
    }
  }
  for (auto _ : state) {
    product();
    benchmark::ClobberMemory();
  }
  const double flops = 2.0 * o.M * o.N * o.K;
  const double peak = bf16_peak_gflops();
  state.counters["GFLOPS"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["threads"] = get_num_threads();
  if (peak > 0)
    state.counters["pct_peak"] = benchmark::Counter(flops * 1e-9 * 100 / (peak * get_num_threads()),
                                                    benchmark::Counter::kIsIterationInvariantRate);
}

// The bfloat16 shapes: squares, the MLP's first layer, a ResNet-sized convolution product.
void bf16_shapes(benchmark::internal::Benchmark* b) {
  for (int n : {512, 1024, 2048}) b->Args({n, n, n, 0, 0});
  b->Args({64, 100, 784, 0, 1});
  b->Args({1024, 256, 1152, 0, 0});
  b->ArgNames({"M", "N", "K", "ta", "tb"});
}

}  // namespace

BENCHMARK(BM_GemmBf16)->Apply(bf16_shapes)->UseRealTime();
BENCHMARK_CAPTURE(BM_Gemm, auto, kernels::GemmKernel::Auto)->Apply(gemm_shapes)->UseRealTime();
BENCHMARK_CAPTURE(BM_Gemm, avx512, kernels::GemmKernel::Avx512)->Apply(gemm_shapes)->UseRealTime();
BENCHMARK_CAPTURE(BM_Gemm, avx2, kernels::GemmKernel::Avx2)->Apply(gemm_shapes)->UseRealTime();
BENCHMARK_CAPTURE(BM_Gemm, blocked, kernels::GemmKernel::Blocked)->Apply(gemm_shapes)->UseRealTime();
BENCHMARK_CAPTURE(BM_Gemm, reference, kernels::GemmKernel::Reference)->Apply(gemm_shapes)->UseRealTime();

}  // namespace ember::bench
