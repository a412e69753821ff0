// Elementwise ops and reductions on 1M floats: contiguous, strided (a transposed view) and
// broadcast operands, and sums along each dim. Results are checked once before timing.
#include <benchmark/benchmark.h>

#include <ember/ember.h>

namespace ember::bench {
namespace {

void BM_AddContiguous(benchmark::State& state) {
  const Tensor a = randn({1024, 1024}), b = randn({1024, 1024});
  if (!allclose((a + b)[5], a[5] + b[5])) state.SkipWithError("wrong result");
  for (auto _ : state) benchmark::DoNotOptimize((a + b).data_ptr());
  state.SetBytesProcessed(state.iterations() * 3 * a.numel() * 4);
}

void BM_AddStrided(benchmark::State& state) {
  const Tensor a = randn({1024, 1024}).t(), b = randn({1024, 1024});
  if (!allclose((a + b).contiguous(), a.contiguous() + b)) state.SkipWithError("wrong result");
  for (auto _ : state) benchmark::DoNotOptimize((a + b).data_ptr());
  state.SetBytesProcessed(state.iterations() * 3 * a.numel() * 4);
}

void BM_AddBroadcast(benchmark::State& state) {
  const Tensor a = randn({1024, 1024}), b = randn({1024});
  if (!allclose((a + b)[3], a[3] + b)) state.SkipWithError("wrong result");
  for (auto _ : state) benchmark::DoNotOptimize((a + b).data_ptr());
  state.SetBytesProcessed(state.iterations() * 2 * a.numel() * 4);
}

void BM_Exp(benchmark::State& state) {
  const Tensor a = randn({1024, 1024});
  for (auto _ : state) benchmark::DoNotOptimize(a.exp().data_ptr());
  state.SetBytesProcessed(state.iterations() * 2 * a.numel() * 4);
}

void BM_SumAll(benchmark::State& state) {
  const Tensor a = randn({1024, 1024});
  for (auto _ : state) benchmark::DoNotOptimize(a.sum().data_ptr());
  state.SetBytesProcessed(state.iterations() * a.numel() * 4);
}

void BM_SumDim(benchmark::State& state) {
  const Tensor a = randn({1024, 1024});
  const int64_t dim = state.range(0);
  if (!allclose(a.sum(dim)[7], dim == 0 ? a.select(1, 7).sum() : a[7].sum(), 1e-4, 1e-3)) state.SkipWithError("wrong result");
  for (auto _ : state) benchmark::DoNotOptimize(a.sum(dim).data_ptr());
  state.SetBytesProcessed(state.iterations() * a.numel() * 4);
}

}  // namespace

BENCHMARK(BM_AddContiguous)->UseRealTime();
BENCHMARK(BM_AddStrided)->UseRealTime();
BENCHMARK(BM_AddBroadcast)->UseRealTime();
BENCHMARK(BM_Exp)->UseRealTime();
BENCHMARK(BM_SumAll)->UseRealTime();
BENCHMARK(BM_SumDim)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace ember::bench
