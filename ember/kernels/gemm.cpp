// gemm(): picks the kernel (reference, portable blocked, AVX-512 blocked) and handles the cases
// every kernel shares: empty sizes and K == 0 (C = beta * C).
#include "ember/kernels/gemm.h"

#include <atomic>
#include <type_traits>
#include <utility>
#include <vector>

namespace ember::kernels {

namespace {
std::atomic<GemmKernel> g_kernel{GemmKernel::Auto};

template <class T>
const std::vector<detail::BlockedConfig<T>>& tile_configs(GemmKernel kernel) {
  if constexpr (std::is_same_v<T, float>)
    return kernel == GemmKernel::Avx512 ? detail::avx512_configs_f32() : detail::avx2_configs_f32();
  else
    return kernel == GemmKernel::Avx512 ? detail::avx512_configs_f64() : detail::avx2_configs_f64();
}

// A vectorised blocked kernel (AVX2 or AVX-512): picks the tile shape, and the orientation (C or
// C^T), that waste the least work on padding.
template <class T>
void gemm_tiled(GemmKernel kernel, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, bool trans_a, const T* B,
                int64_t ldb, bool trans_b, T* C, int64_t ldc, T alpha, T beta) {
  const auto& configs = tile_configs<T>(kernel);
  // Work that lands in C (the rest is tile padding) times the tile's speed: N = 100 runs
  // faster on 16 x 16 tiles (89% useful) than on 12 x 32 (69% useful). The score counts whole
  // tiles, though edge tiles run smaller kernels (gemm_tile.h): counting those as they run chose
  // slower tiles for LeNet's 16 x 150 x 800 (62 -> 53 GFLOP/s) and 16 x 800 x 150 (108 -> 102).
  auto best = [&](int64_t rows, int64_t cols) {
    auto score = [&](const detail::BlockedConfig<T>& c) {
      const double padded = static_cast<double>((rows + c.mr - 1) / c.mr * c.mr) * ((cols + c.nr - 1) / c.nr * c.nr);
      return c.speed * static_cast<double>(rows * cols) / padded;
    };
    const auto* cfg = &configs.front();
    for (const auto& c : configs)
      if (score(c) > score(*cfg)) cfg = &c;
    return std::pair{cfg, score(*cfg)};
  };
  const auto [cfg, fit] = best(M, N);
  // C = op(A) op(B) is also C^T = op(B)^T op(A)^T: the same product with the operands swapped
  // and their transpose flags flipped. When C^T fits the tiles clearly better (the training
  // step's 64 x 100 x 784: 93% of 12 x 32 tiles useful instead of 89% of the slower 16 x 16
  // ones; 126 -> 108 us) it is computed into a scratch and copied back transposed. Only for
  // long K, where that copy is cheap beside the product, and operands that fit in L2 (which
  // operand is packed changes with the orientation, and the score does not weigh packing).
  constexpr int64_t kTransposeMinK = 256, kTransposeMaxBytes = 1 << 20;
  const auto [cfg_t, fit_t] = best(N, M);
  if (fit_t > 1.05 * fit && K >= kTransposeMinK && (M + N) * K * static_cast<int64_t>(sizeof(T)) <= kTransposeMaxBytes) {
    thread_local std::vector<T> ct;
    ct.resize(static_cast<size_t>(M * N));
    detail::gemm_blocked(*cfg_t, N, M, K, B, ldb, !trans_b, A, lda, !trans_a, ct.data(), M, alpha, T(0));
    detail::transpose_into(N, M, ct.data(), M, C, ldc, beta);
    return;
  }
  return detail::gemm_blocked(*cfg, M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
}

template <class T>
void gemm_dispatch(int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, bool trans_a,
                   const T* B, int64_t ldb, bool trans_b, T* C, int64_t ldc, T alpha, T beta) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) C[m * ldc + n] = beta == T(0) ? T(0) : beta * C[m * ldc + n];
    return;
  }
  GemmKernel k = g_kernel.load();
  // Below about 40^3 multiply-adds packing costs more than it saves, and so it does when C is
  // at most one vector wide (a matrix-vector product, N = 1, would fill 1 of 32 tile columns;
  // the unpacked path reads A exactly once) or when K is tiny (an outer product: each packed
  // value would be used once or twice).
  constexpr int64_t kSmall = 64 * 1024;
  constexpr int64_t kOneVector = 16, kTinyK = 8;
  if (k == GemmKernel::Auto && cpu_has_avx512() && (M * N * K <= kSmall || N <= kOneVector || K <= kTinyK || M <= 8))
    return detail::gemm_small_avx512(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
  if (k == GemmKernel::Auto) k = GemmKernel::Avx512;
  if (k == GemmKernel::Avx512 && !cpu_has_avx512()) k = GemmKernel::Avx2;
  if (k == GemmKernel::Avx2 && !cpu_has_avx2()) k = GemmKernel::Blocked;
  switch (k) {
    case GemmKernel::Reference:
      return gemm_reference(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
    case GemmKernel::Avx2:
    case GemmKernel::Avx512:
      return gemm_tiled(k, M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
    default:
      return detail::gemm_blocked(detail::portable_config<T>(), M, N, K, A, lda, trans_a, B, ldb,
                                  trans_b, C, ldc, alpha, beta);
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

void gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, bool trans_a,
          const float* B, int64_t ldb, bool trans_b, float* C, int64_t ldc, float alpha, float beta) {
  gemm_dispatch(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
}

void gemm(int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, bool trans_a,
          const double* B, int64_t ldb, bool trans_b, double* C, int64_t ldc, double alpha,
          double beta) {
  gemm_dispatch(M, N, K, A, lda, trans_a, B, ldb, trans_b, C, ldc, alpha, beta);
}

}  // namespace ember::kernels
