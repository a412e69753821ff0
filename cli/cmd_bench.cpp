// ember bench matmul: the course's matmul ladder in C++, each rung timed on the same product and
// checked against the triple loop first: triple loop, row times column, broadcasting, einsum,
// blocked kernel (portable), AVX-512 kernel, and the AVX-512 kernel on every thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

#include "args.h"
#include "commands.h"
#include "model_spec.h"

namespace ember::cli {

namespace {

struct Rung {
  const char* name;
  std::function<Tensor(const Tensor&, const Tensor&)> run;
  int threads;  // 0: all
};

Tensor with_kernel(kernels::GemmKernel k, const Tensor& a, const Tensor& b) {
  kernels::set_gemm_kernel(k);
  Tensor c = a.mm(b);
  kernels::set_gemm_kernel(kernels::GemmKernel::Auto);
  return c;
}

std::vector<Rung> ladder() {
  using kernels::GemmKernel;
  return {
      {"triple loop", [](const Tensor& a, const Tensor& b) { return with_kernel(GemmKernel::Reference, a, b); }, 1},
      {"row x column (ops)",
       [](const Tensor& a, const Tensor& b) {
         Tensor c = zeros({a.size(0), b.size(1)});
         for (int64_t i = 0; i < a.size(0); ++i)
           for (int64_t j = 0; j < b.size(1); ++j) c[i][j].copy_((a[i] * b.select(1, j)).sum());
         return c;
       },
       1},
      {"broadcasting",
       [](const Tensor& a, const Tensor& b) {
         Tensor c = zeros({a.size(0), b.size(1)});
         for (int64_t i = 0; i < a.size(0); ++i) c[i].copy_((a[i].unsqueeze(-1) * b).sum(0));
         return c;
       },
       1},
      {"einsum", [](const Tensor& a, const Tensor& b) { return einsum("ik,kj->ij", {a, b}); }, 1},
      {"blocked (portable)", [](const Tensor& a, const Tensor& b) { return with_kernel(GemmKernel::Blocked, a, b); }, 1},
      {"AVX2 micro-kernel", [](const Tensor& a, const Tensor& b) { return with_kernel(GemmKernel::Avx2, a, b); }, 1},
      {"AVX-512 micro-kernel", [](const Tensor& a, const Tensor& b) { return with_kernel(GemmKernel::Avx512, a, b); }, 1},
      {"AVX-512, all threads", [](const Tensor& a, const Tensor& b) { return with_kernel(GemmKernel::Avx512, a, b); }, 0},
  };
}

// Median seconds of `repeats` runs (at least one; fewer when one run is slow).
double time_median(const std::function<void()>& fn, int repeats) {
  std::vector<double> runs;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    runs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (runs.back() > 2.0) break;
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

void run_ladder(int64_t M, int64_t K, int64_t N, int repeats, double max_seconds) {
  std::printf("\n(%lld x %lld) @ (%lld x %lld), float32, median of up to %d runs\n", static_cast<long long>(M),
              static_cast<long long>(K), static_cast<long long>(K), static_cast<long long>(N), repeats);
  std::printf("%-24s %8s %12s %10s %14s\n", "step", "threads", "time", "GFLOP/s", "vs triple loop");
  manual_seed(0);
  const Tensor a = randn({M, K}), b = randn({K, N});
  const Tensor expected = with_kernel(kernels::GemmKernel::Reference, a, b);
  const int all = get_num_threads();
  double base = 0;
  NoGradGuard no_grad;
  for (const Rung& rung : ladder()) {
    const int threads = rung.threads ? rung.threads : all;
    set_num_threads(threads);
    // Estimate from one run; skip rungs that would take too long at this size.
    const auto start = std::chrono::steady_clock::now();
    const Tensor got = rung.run(a, b);
    const double once = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EMBER_CHECK(allclose(got, expected, 1e-3, 1e-3 * std::sqrt(static_cast<double>(K))), ValueError,
                "[bench] step '", rung.name, "' gives a wrong product");
    const double t = once > max_seconds ? once : time_median([&] { rung.run(a, b); }, repeats);
    if (base == 0) base = t;
    const double gflops = 2.0 * M * N * K / t / 1e9;
    std::printf("%-24s %8d %10.3f ms %10.2f %13.2fx\n", rung.name, threads, t * 1e3, gflops, base / t);
  }
  set_num_threads(all);
}

}  // namespace

int cmd_bench(const std::vector<std::string>& argv) {
  Args args("bench", "Benchmarks. 'ember bench matmul' times the course's matmul ladder (triple loop, row x column,\n"
                     "broadcasting, einsum, blocked, AVX2, AVX-512, threaded) on (5 x 784) @ (784 x 10) and on squares,\n"
                     "after checking every step against the triple loop. For the side-by-side comparison with\n"
                     "OpenBLAS and PyTorch, run bench/compare/compare.py.");
  args.option("size", "N", "512", "side of the square product")
      .option("repeats", "R", "5", "runs per step (the median is shown)");
  if (!args.parse(argv)) return 0;
  if (args.positional().size() != 1 || args.positional()[0] != "matmul")
    throw UsageError("ember bench takes one benchmark name: matmul (see 'ember bench --help')");
  const int64_t size = args.get_int("size", 1, 8192);
  const int repeats = static_cast<int>(args.get_int("repeats", 1, 1000));
  if (!kernels::cpu_has_avx2()) std::printf("note: this CPU has no AVX2; the AVX2 step runs the portable kernel\n");
  if (!kernels::cpu_has_avx512())
    std::printf("note: this CPU has no AVX-512; the AVX-512 steps run the %s kernel\n",
                kernels::cpu_has_avx2() ? "AVX2" : "portable");
  run_ladder(5, 784, 10, repeats, 5.0);
  run_ladder(size, size, size, repeats, 5.0);
  return 0;
}

}  // namespace ember::cli
