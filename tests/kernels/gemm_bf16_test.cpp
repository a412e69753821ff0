// The bfloat16 GEMM (kernels/gemm_bf16.h) against a float64 triple loop on the same bfloat16
// values, at and around its tile and block edges (12 x 32 and 8 x 48 tiles, 96-row A blocks, 512-k and
// 1536-column B blocks; odd K needs a zero partner), with transposed operands, leading dimensions
// wider than the matrix and alpha / beta; on the AMX path, the AVX512_BF16 path and the float32
// fallback.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "ember/kernels/gemm_bf16.h"

namespace ember {
namespace {

using kernels::GemmKernel;

struct Case {
  int64_t M, N, K;
  bool trans_a, trans_b;
  int64_t pad;
};

std::vector<BFloat16> random_bf16(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<BFloat16> v(static_cast<size_t>(n));
  for (auto& x : v) x = BFloat16(dist(rng));
  return v;
}

// Which entry point runs the product: gemm_bf16() under a forced kernel, or the AMX path itself.
enum class Path { Dispatch, Amx };

void check(GemmKernel kernel, const Case& c, float alpha, float beta, Path path = Path::Dispatch) {
  std::mt19937 rng(static_cast<unsigned>(c.M * 131 + c.N * 17 + c.K));
  const int64_t a_rows = c.trans_a ? c.K : c.M, a_cols = c.trans_a ? c.M : c.K;
  const int64_t b_rows = c.trans_b ? c.N : c.K, b_cols = c.trans_b ? c.K : c.N;
  const int64_t lda = a_cols + c.pad, ldb = b_cols + c.pad, ldc = c.N + c.pad;
  const auto A = random_bf16(a_rows * lda, rng), B = random_bf16(b_rows * ldb, rng);
  std::vector<float> C(static_cast<size_t>(c.M * ldc));
  for (auto& x : C) x = std::uniform_real_distribution<float>(-1, 1)(rng);
  const std::vector<float> before = C;

  kernels::set_gemm_kernel(kernel);
  if (path == Path::Amx)
    kernels::detail::gemm_bf16_amx(c.M, c.N, c.K, A.data(), lda, c.trans_a, B.data(), ldb, c.trans_b, C.data(), ldc,
                                   alpha, beta);
  else
    kernels::gemm_bf16(c.M, c.N, c.K, A.data(), lda, c.trans_a, B.data(), ldb, c.trans_b, C.data(), ldc, alpha, beta);
  kernels::set_gemm_kernel(GemmKernel::Auto);

  for (int64_t m = 0; m < c.M; ++m)
    for (int64_t n = 0; n < ldc; ++n) {
      const size_t at = static_cast<size_t>(m * ldc + n);
      if (n >= c.N) {  // the padding columns are never written
        ASSERT_EQ(C[at], before[at]);
        continue;
      }
      double want = 0, magnitude = 0;
      for (int64_t k = 0; k < c.K; ++k) {
        const double a = c.trans_a ? A[static_cast<size_t>(k * lda + m)] : A[static_cast<size_t>(m * lda + k)];
        const double b = c.trans_b ? B[static_cast<size_t>(n * ldb + k)] : B[static_cast<size_t>(k * ldb + n)];
        want += a * b;
        magnitude += std::fabs(a * b);
      }
      want = alpha * want + (beta == 0 ? 0.0 : beta * before[at]);
      // Products of bfloat16 values are exact in float32; the K sums each round by at most
      // 2^-24 of the running magnitude, plus the final alpha / beta step.
      const double tol = (static_cast<double>(c.K) + 2) * 0x1p-24 * (magnitude + std::fabs(want)) + 1e-6;
      ASSERT_NEAR(C[at], want, tol) << "M=" << c.M << " N=" << c.N << " K=" << c.K << " ta=" << c.trans_a
                                    << " tb=" << c.trans_b << " at (" << m << ", " << n << ")";
    }
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {1, 1, 1, false, false, 0},     {12, 32, 2, false, false, 0},   {13, 33, 3, false, false, 0},
      {11, 31, 7, true, false, 3},    {25, 65, 64, false, true, 1},   {24, 64, 511, true, true, 0},
      {97, 17, 512, false, false, 2}, {96, 96, 513, false, true, 0},  {130, 40, 1025, true, false, 0},
      {64, 100, 784, false, true, 0}, {7, 1600, 33, false, false, 5}, {200, 3, 300, true, true, 0},
      {2, 1537, 20, false, false, 0},
      // 8 x 48 tiles (M a multiple of 8, not of 12): a convolution's 16 outputs, edges of both.
      {16, 144, 300, false, true, 0}, {40, 97, 65, true, false, 1},  {8, 1600, 1030, false, false, 0},
  };
  return all;
}

TEST(GemmBf16, MatchesTheFloat64LoopOnTheAvx512Bf16Path) {
  if (!kernels::cpu_has_avx512_bf16()) GTEST_SKIP() << "this CPU has no AVX512_BF16; the fallback test covers it";
  for (const Case& c : cases()) check(GemmKernel::Avx512, c, 1.0f, 0.0f);  // Avx512: vdpbf16ps, never AMX
}

// The AMX path on every case, small ones included (gemm_bf16 sends those to AVX512_BF16), and at
// its own edges: 32-row blocks, 16-column panels in pairs, 32-k steps, 128-row A blocks, 512-column
// B blocks and 1024-k blocks.
TEST(GemmBf16, MatchesTheFloat64LoopOnTheAmxPath) {
  if (!kernels::cpu_has_amx_bf16())
    GTEST_SKIP() << "this CPU (or its kernel) offers no AMX tiles; the AVX512_BF16 and fallback tests cover gemm_bf16";
  for (const Case& c : cases()) check(GemmKernel::Auto, c, 1.0f, 0.0f, Path::Amx);
  for (const Case& c : std::vector<Case>{{32, 32, 32, false, false, 0},  {33, 17, 31, true, false, 2},
                                         {31, 48, 64, false, true, 1},   {129, 513, 1025, false, false, 0},
                                         {160, 40, 2049, true, true, 3}, {1, 600, 100, false, false, 0}})
    check(GemmKernel::Auto, c, 1.0f, 0.0f, Path::Amx);
  check(GemmKernel::Auto, {45, 70, 1100, false, false, 1}, 0.5f, 1.0f, Path::Amx);  // beta over two K blocks
  check(GemmKernel::Auto, {13, 33, 9, true, true, 0}, -2.0f, 0.25f, Path::Amx);
}

TEST(GemmBf16, MatchesTheFloat64LoopOnTheFloat32Fallback) {
  for (const Case& c : cases()) check(GemmKernel::Reference, c, 1.0f, 0.0f);
}

TEST(GemmBf16, AlphaAndBetaScaleAndAccumulate) {
  for (GemmKernel k : {GemmKernel::Auto, GemmKernel::Avx512, GemmKernel::Reference}) {
    check(k, {13, 33, 600, false, false, 1}, 0.5f, 1.0f);
    check(k, {13, 33, 9, true, true, 0}, -2.0f, 0.25f);
    check(k, {5, 6, 0, false, false, 0}, 1.0f, 0.5f);  // K = 0: C = beta * C
  }
}

TEST(GemmBf16, OneAndTwoThreadsGiveIdenticalResults) {
  std::mt19937 rng(3);
  const int64_t M = 300, N = 200, K = 700;
  const auto A = random_bf16(M * K, rng), B = random_bf16(K * N, rng);
  auto run = [&](int threads) {
    const int before = get_num_threads();
    set_num_threads(threads);
    std::vector<float> C(static_cast<size_t>(M * N));
    kernels::gemm_bf16(M, N, K, A.data(), K, false, B.data(), N, false, C.data(), N);
    set_num_threads(before);
    return C;
  };
  EXPECT_EQ(run(1), run(2));
}

}  // namespace
}  // namespace ember
