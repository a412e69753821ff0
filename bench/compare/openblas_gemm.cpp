// The peer for GEMM only: OpenBLAS's cblas_sgemm on the same shapes as gemm_bench.cpp
// (libopenblas-dev; run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset so it picks its own
// kernel for this CPU, and OPENBLAS_NUM_THREADS set to the thread count being compared).
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <random>
#include <vector>

#include "../bench_shapes.h"

namespace {

void BM_OpenBlasGemm(benchmark::State& state) {
  const int M = static_cast<int>(state.range(0)), N = static_cast<int>(state.range(1)), K = static_cast<int>(state.range(2));
  const bool ta = state.range(3), tb = state.range(4);
  std::mt19937 rng(0);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> A(M * K), B(K * N), C(M * N);
  for (auto& x : A) x = dist(rng);
  for (auto& x : B) x = dist(rng);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A.data(),
                ta ? M : K, B.data(), tb ? K : N, 0.0f, C.data(), N);
    benchmark::ClobberMemory();
  }
  state.counters["GFLOPS"] = benchmark::Counter(2.0 * M * N * K * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

BENCHMARK(BM_OpenBlasGemm)->Apply(ember::bench::gemm_shapes)->UseRealTime();
