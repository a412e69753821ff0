// What one small op costs beyond its arithmetic: dispatch, allocation, the autograd record. Every
// tensor is 4 x 4, so the time is almost all overhead. One source, built against ember
// (op_overhead_ember) and, where libtorch-dev is installed, against libtorch (op_overhead_libtorch,
// with EMBER_PEER_LIBTORCH defined); compare.py prints them side by side.
#include <benchmark/benchmark.h>

#include "peer_namespace.h"

namespace {

struct Small {
  T::Tensor a = T::randn({4, 4}), b = T::randn({4, 4}), c = T::randn({4, 4});
};

void BM_OpAdd(benchmark::State& state) {
  Small s;
  for (auto _ : state) benchmark::DoNotOptimize(s.a + s.b);
}

void BM_OpRelu(benchmark::State& state) {
  Small s;
  for (auto _ : state) benchmark::DoNotOptimize(s.a.relu());
}

void BM_OpMatmul(benchmark::State& state) {
  Small s;
  for (auto _ : state) benchmark::DoNotOptimize(s.a.matmul(s.b));
}

void BM_OpChain(benchmark::State& state) {  // four ops: mul, add, relu, sum
  Small s;
  for (auto _ : state) benchmark::DoNotOptimize((s.a * s.b + s.c).relu().sum());
}

void BM_OpForwardBackward(benchmark::State& state) {  // a 4-4 linear layer with relu, and its backward
  Small s;
  const T::Tensor w = T::randn({4, 4}).requires_grad_(), bias = T::randn({4}).requires_grad_();
  for (auto _ : state) (s.a.matmul(w) + bias).relu().sum().backward();
}

}  // namespace

// libtorch reads no OMP_NUM_THREADS of ours: compare.py passes the thread count through it.
static const int kThreads = [] {
  if (const char* t = std::getenv("OMP_NUM_THREADS")) T::set_num_threads(std::atoi(t));
  return 0;
}();

BENCHMARK(BM_OpAdd);
BENCHMARK(BM_OpRelu);
BENCHMARK(BM_OpMatmul);
BENCHMARK(BM_OpChain);
BENCHMARK(BM_OpForwardBackward);
