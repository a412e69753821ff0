// gemm(): handles the cases every kernel shares (empty sizes, K == 0), asks plan_gemm() how to
// run the rest, and carries the plan out: the threads' bands, C^T's scratch, the kernel's call.
#include "ember/kernels/gemm.h"

#include <omp.h>

#include <atomic>
#include <span>
#include <type_traits>
#include <vector>

#include "ember/core/parallel.h"
#include "ember/kernels/gemm_kernels.h"
#include "ember/kernels/gemm_plan.h"

namespace ember::kernels {

namespace {
std::atomic<GemmKernel> g_kernel{GemmKernel::Auto};

template <class T>
const std::vector<detail::BlockedConfig<T>>& tile_configs(GemmKernel kernel) {
  static const std::vector<detail::BlockedConfig<T>> portable{detail::portable_config<T>()};
  if (kernel == GemmKernel::Blocked) return portable;
  if constexpr (std::is_same_v<T, float>)
    return kernel == GemmKernel::Avx512 ? detail::avx512_configs_f32() : detail::avx2_configs_f32();
  else
    return kernel == GemmKernel::Avx512 ? detail::avx512_configs_f64() : detail::avx2_configs_f64();
}

// The configs' tile shapes, for the planner; each list is built on first use (the AVX-512 one
// only on a CPU that has it).
template <class T>
std::span<const TileShape> tile_shapes(GemmKernel kernel) {
  auto shapes = [](GemmKernel k) {
    std::vector<TileShape> out;
    for (const auto& c : tile_configs<T>(k)) out.push_back(c.shape);
    return out;
  };
  switch (kernel) {
    case GemmKernel::Avx512: {
      static const auto s = shapes(GemmKernel::Avx512);
      return s;
    }
    case GemmKernel::Avx2: {
      static const auto s = shapes(GemmKernel::Avx2);
      return s;
    }
    default: {
      static const auto s = shapes(GemmKernel::Blocked);
      return s;
    }
  }
}

// Runs body(m, n, A, B, C) on the plan's bands of C, one per thread, each a whole number of
// grains; without a Rows or Columns split, once on all of C.
template <class T, class Body>
void for_each_band(const GemmPlan& plan, int64_t M, int64_t N, const MatrixRef<T>& A, const MatrixRef<T>& B,
                   const OutRef<T>& C, const Body& body) {
  if (plan.split != GemmSplit::Rows && plan.split != GemmSplit::Columns) return body(M, N, A, B, C);
  const bool rows = plan.split == GemmSplit::Rows;
  const int64_t extent = rows ? M : N, grain = rows ? plan.row_grain : plan.col_grain;
  const int64_t pieces = (extent + grain - 1) / grain;
#pragma omp parallel num_threads(plan.threads)
  {
    const int me = omp_get_thread_num(), team = omp_get_num_threads();
    const int64_t lo = std::min(extent, pieces * me / team * grain),
                  hi = std::min(extent, pieces * (me + 1) / team * grain);
    if (lo < hi) {
      if (rows)
        body(hi - lo, N, A.at(lo, 0), B, C.at(lo, 0));
      else
        body(M, hi - lo, A, B.at(0, lo), C.at(0, lo));
    }
  }
}

template <class T>
void run_blocked(const detail::BlockedConfig<T>& cfg, const GemmPlan& plan, int64_t M, int64_t N, int64_t K,
                 const MatrixRef<T>& A, const MatrixRef<T>& B, const OutRef<T>& C, T alpha, T beta) {
  if (plan.c_transposed) {  // C^T = op(B)^T op(A)^T into a scratch, copied back transposed
    thread_local std::vector<T> ct;
    ct.resize(static_cast<size_t>(M * N));
    GemmPlan as_computed = plan;
    as_computed.c_transposed = false;
    run_blocked(cfg, as_computed, N, M, K, B.transposed(), A.transposed(), OutRef<T>{ct.data(), M}, alpha, T(0));
    detail::transpose_into(N, M, ct.data(), M, C.data, C.ld, beta);
    return;
  }
  for_each_band(plan, M, N, A, B, C,
                [&](int64_t m, int64_t n, const MatrixRef<T>& a, const MatrixRef<T>& b, const OutRef<T>& c) {
                  detail::gemm_blocked(cfg, plan, m, n, K, a, b, c, alpha, beta);
                });
}

template <class T>
void gemm_dispatch(int64_t M, int64_t N, int64_t K, const T* A_data, int64_t lda, bool trans_a, const T* B_data,
                   int64_t ldb, bool trans_b, T* C_data, int64_t ldc, T alpha, T beta) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) C_data[m * ldc + n] = beta == T(0) ? T(0) : beta * C_data[m * ldc + n];
    return;
  }
  GemmKernel k = g_kernel.load();
  if (k == GemmKernel::Reference)
    return gemm_reference(M, N, K, A_data, lda, trans_a, B_data, ldb, trans_b, C_data, ldc, alpha, beta);
  const bool unpacked = k == GemmKernel::Auto && cpu_has_avx512();
  if (k == GemmKernel::Auto) k = GemmKernel::Avx512;
  if (k == GemmKernel::Avx512 && !cpu_has_avx512()) k = GemmKernel::Avx2;
  if (k == GemmKernel::Avx2 && !cpu_has_avx2()) k = GemmKernel::Blocked;
  const int threads = omp_in_parallel() ? 1 : get_num_threads();
  const GemmPlan plan = plan_gemm({M, N, K, trans_a, trans_b, sizeof(T)}, tile_shapes<T>(k), unpacked, threads);

  const MatrixRef<T> A{A_data, lda, trans_a}, B{B_data, ldb, trans_b};
  const OutRef<T> C{C_data, ldc};
  // The unpacked kernels run on the plan's bands as they are.
  using Kernel = void (*)(int64_t, int64_t, int64_t, const MatrixRef<T>&, const MatrixRef<T>&, const OutRef<T>&, T, T);
  auto on_bands = [&](Kernel kernel) {
    for_each_band(plan, M, N, A, B, C,
                  [&](int64_t m, int64_t n, const MatrixRef<T>& a, const MatrixRef<T>& b, const OutRef<T>& c) {
                    kernel(m, n, K, a, b, c, alpha, beta);
                  });
  };
  switch (plan.path) {
    case GemmPath::Unpacked:
      return on_bands(&detail::gemm_unpacked_avx512);
    case GemmPath::Dots:
      return on_bands(&detail::gemm_dots_avx512);
    case GemmPath::GroupedDots:
      if constexpr (std::is_same_v<T, float>) return on_bands(&detail::gemm_grouped_dots_avx512);
      [[fallthrough]];  // (planned for floats only)
    case GemmPath::Blocked:
      return run_blocked(tile_configs<T>(k)[static_cast<size_t>(plan.tile)], plan, M, N, K, A, B, C, alpha, beta);
  }
}
}  // namespace

void set_gemm_kernel(GemmKernel kernel) { g_kernel.store(kernel); }
GemmKernel gemm_kernel() { return g_kernel.load(); }

bool cpu_has_avx512() {
  static const bool has = __builtin_cpu_supports("avx512f") != 0;
  return has;
}

bool cpu_has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
  return has;
}

void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, bool trans_a, const float* B, int64_t ldb,
          bool trans_b, float* C, int64_t ldc, float alpha, float beta) {
  gemm_dispatch(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
}

void gemm(int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, bool trans_a, const double* B, int64_t ldb,
          bool trans_b, double* C, int64_t ldc, double alpha, double beta) {
  gemm_dispatch(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
}

}  // namespace ember::kernels
