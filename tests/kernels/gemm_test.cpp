// Every GEMM kernel against a float64 triple loop, on sizes at and around each tile and block
// edge (portable mr = 4, nr = 8; AVX2 6 x 16 (6 x 8 for double); AVX-512 12 x 32 and 16 x 16
// (12 x 16 and 16 x 8 for double); kc = 1024 / 256, mc = 144 / 128), the unpacked small-product
// path (Auto, every layout), C computed as C^T, A read in place (narrow N), B read in place (few
// rows), odd K, leading dimensions wider than the matrix, transposed operands and alpha/beta.
#include <gtest/gtest.h>

#include <cfloat>
#include <random>
#include <tuple>

#include "support/tensor_expect.h"

namespace ember {
namespace {

using kernels::GemmKernel;

struct Case {
  int64_t M, N, K;
  bool trans_a, trans_b;
  int64_t pad;  // extra leading-dimension columns: lda = width + pad
};

template <class T>
std::vector<T> random_vector(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> dist(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(dist(rng));
  return v;
}

template <class T>
void check_kernel(GemmKernel kernel, const Case& c, T alpha, T beta) {
  std::mt19937 rng(static_cast<unsigned>(c.M * 131 + c.N * 17 + c.K));
  const int64_t a_rows = c.trans_a ? c.K : c.M, a_cols = c.trans_a ? c.M : c.K;
  const int64_t b_rows = c.trans_b ? c.N : c.K, b_cols = c.trans_b ? c.K : c.N;
  const int64_t lda = a_cols + c.pad, ldb = b_cols + c.pad, ldc = c.N + c.pad;
  auto A = random_vector<T>(a_rows * lda, rng), B = random_vector<T>(b_rows * ldb, rng);
  auto C = random_vector<T>(c.M * ldc, rng);
  std::vector<double> Ad(A.begin(), A.end()), Bd(B.begin(), B.end()), Cd(C.begin(), C.end());

  kernels::gemm_reference<double>(c.M, c.N, c.K, Ad.data(), lda, c.trans_a, Bd.data(), ldb, c.trans_b, Cd.data(),
                                  ldc, alpha, beta);
  kernels::set_gemm_kernel(kernel);
  kernels::gemm(c.M, c.N, c.K, A.data(), lda, c.trans_a, B.data(), ldb, c.trans_b, C.data(), ldc, alpha, beta);
  kernels::set_gemm_kernel(GemmKernel::Auto);

  // |a|, |b| <= 1 so each dot product is a sum of K terms of size <= 1; rounding in T adds at
  // most about K * eps(T) to it (K products, K additions, error growing linearly), plus the
  // beta * C term.
  const double eps = std::is_same_v<T, float> ? FLT_EPSILON : DBL_EPSILON;
  const double tol = 2 * (c.K + 2) * eps;
  for (int64_t m = 0; m < c.M; ++m)
    for (int64_t n = 0; n < c.N; ++n)
      ASSERT_NEAR(C[m * ldc + n], Cd[m * ldc + n], tol) << "at (" << m << ", " << n << ")";
  // Padding columns of C are never written.
  for (int64_t m = 0; m < c.M; ++m)
    for (int64_t n = c.N; n < ldc; ++n) ASSERT_EQ(C[m * ldc + n], static_cast<T>(Cd[m * ldc + n]));
}

std::vector<Case> edge_cases() {
  std::vector<Case> cases;
  for (int64_t M : {1, 3, 4, 5, 11, 12, 13, 24, 143, 145})
    for (int64_t N : {1, 7, 8, 9, 31, 32, 33})
      cases.push_back({M, N, 17, false, false, 0});
  for (int64_t K : {1, 2, 255, 256, 257, 513}) cases.push_back({13, 33, K, false, false, 0});
  // 23 x 63 runs on 12 x 32 tiles (94% of them useful), whose K blocks are 1024 long.
  for (int64_t K : {1023, 1024, 1025, 2049}) cases.push_back({23, 63, K, false, false, 0});
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      cases.push_back({13, 33, 19, ta, tb, 0});
      cases.push_back({25, 70, 300, ta, tb, 5});  // lda > width, two K blocks
    }
  // The small path: tiles of 8 rows and one tile of the 1-7 rows left; one or two vectors of
  // columns; dot products (B transposed, N <= 4) and B^T copied to rows.
  for (int64_t M : {1, 2, 3, 4, 5, 6, 7, 15})
    for (int64_t N : {1, 4, 5, 17, 40})
      for (bool ta : {false, true})
        for (bool tb : {false, true}) cases.push_back({M, N, 23, ta, tb, 2});
  // Grouped dot products (B transposed, A by rows, N <= 16, K < 256): 1 to 4 vectors of 4 columns,
  // K ending inside a group of 4 steps, tiles of up to 12, 8 or 6 rows.
  for (int64_t N : {1, 4, 8, 10, 13, 16})
    for (int64_t K : {1, 2, 4, 7, 100, 255})
      for (int64_t M : {1, 9, 64}) cases.push_back({M, N, K, false, true, 1});
  // At most 6 rows and N past 64: strips 4 vectors wide, then the rest in strips of 2 and 1.
  for (int64_t N : {64, 150, 6272})
    for (bool ta : {false, true})
      for (bool tb : {false, true}) cases.push_back({6, N, 25, ta, tb, 3});
  cases.push_back({1, 129, 30, false, false, 0});
  // At most 8 rows with B transposed and K long: dot products in 4 x 4 tiles and their edges of
  // 1-3 rows by 1-3 columns, with K ending mid-vector (a convolution's weight gradient: 6 x 25
  // over 784 pixels).
  for (int64_t M : {1, 4, 6, 7, 8})
    for (int64_t N : {3, 4, 6, 7, 25})
      for (int64_t K : {256, 263, 784}) cases.push_back({M, N, K, false, true, 1});
  cases.push_back({300, 300, 200, false, true, 3});   // several M blocks, threads engaged
  cases.push_back({64, 100, 784, false, true, 0});    // the MLP training shapes
  cases.push_back({784, 100, 64, true, false, 0});
  cases.push_back({64, 784, 100, false, false, 0});
  cases.push_back({64, 10, 100, false, true, 0});     // the output layer, small path
  cases.push_back({10, 100, 64, true, false, 0});
  cases.push_back({5, 10, 784, false, false, 0});     // the course's first product
  cases.push_back({289, 300, 200, false, false, 1});  // rows split across threads
  cases.push_back({200, 40, 300, false, false, 1});   // fewer rows than an mc block each, M > N: a share of row panels each
  cases.push_back({200, 40, 300, true, true, 2});
  // A read in place (N <= 2 tiles wide): several M and K blocks, a partial last sliver, both layouts of A.
  cases.push_back({301, 50, 300, false, false, 3});
  cases.push_back({301, 50, 300, true, true, 3});
  cases.push_back({1001, 40, 600, false, true, 0});   // ... and split across threads
  cases.push_back({1001, 40, 600, true, false, 2});
  cases.push_back({130, 20, 2100, false, false, 1});  // ... with K blocks longer than kc (2 x 1050)
  cases.push_back({130, 20, 2100, true, true, 1});
  // B read in place (at most 24 row panels, B not transposed), with a partial last panel packed:
  // the K = 17 cases above with N = 33, split across threads with lda, ldb wider than the matrix,
  // and in the threads' shared loop nest (288 rows: an mc block each).
  cases.push_back({60, 1000, 300, false, false, 3});
  cases.push_back({60, 1000, 300, true, false, 3});
  cases.push_back({288, 100, 70, false, false, 1});
  return cases;
}

class GemmKernels : public ::testing::TestWithParam<GemmKernel> {
 protected:
  void SetUp() override {
    if (GetParam() == GemmKernel::Avx512 && !kernels::cpu_has_avx512())
      GTEST_SKIP() << "this CPU has no AVX-512F; the AVX-512 kernel cannot run here";
    if (GetParam() == GemmKernel::Avx2 && !kernels::cpu_has_avx2())
      GTEST_SKIP() << "this CPU has no AVX2 and FMA; the AVX2 kernel cannot run here";
  }
};

TEST_P(GemmKernels, FloatMatchesReferenceAtTileEdges) {
  for (const Case& c : edge_cases()) {
    SCOPED_TRACE(::testing::Message() << "M=" << c.M << " N=" << c.N << " K=" << c.K << " ta=" << c.trans_a
                                      << " tb=" << c.trans_b << " pad=" << c.pad);
    check_kernel<float>(GetParam(), c, 1.0f, 0.0f);
  }
}

TEST_P(GemmKernels, DoubleMatchesReferenceAtTileEdges) {
  for (const Case& c : edge_cases()) {
    SCOPED_TRACE(::testing::Message() << "M=" << c.M << " N=" << c.N << " K=" << c.K);
    check_kernel<double>(GetParam(), c, 1.0, 0.0);
  }
}

TEST_P(GemmKernels, AlphaAndBetaScaleAndAccumulate) {
  check_kernel<float>(GetParam(), {13, 33, 300, false, true, 2}, 0.5f, 2.0f);
  check_kernel<double>(GetParam(), {13, 17, 300, true, false, 2}, -1.5, 1.0);
  // Shapes the AVX-512 kernel computes as C^T and copies back (C's padding must stay untouched).
  check_kernel<float>(GetParam(), {64, 100, 784, false, true, 3}, 0.5f, 2.0f);
  check_kernel<double>(GetParam(), {40, 100, 300, true, false, 1}, -1.5, 1.0);
  check_kernel<float>(GetParam(), {20, 10, 37, false, true, 2}, 0.5f, 2.0f);  // grouped dot products
}

TEST_P(GemmKernels, BetaZeroNeverReadsC) {
  const int64_t M = 13, N = 33, K = 5;
  std::vector<float> A(M * K, 1.0f), B(K * N, 1.0f), C(M * N, std::numeric_limits<float>::quiet_NaN());
  kernels::set_gemm_kernel(GetParam());
  kernels::gemm(M, N, K, A.data(), K, false, B.data(), N, false, C.data(), N, 1.0f, 0.0f);
  kernels::set_gemm_kernel(GemmKernel::Auto);
  for (float c : C) ASSERT_EQ(c, 5.0f);
}

INSTANTIATE_TEST_SUITE_P(Kernels, GemmKernels,
                         ::testing::Values(GemmKernel::Reference, GemmKernel::Blocked, GemmKernel::Avx2,
                                           GemmKernel::Avx512, GemmKernel::Auto),
                         [](const auto& info) {
                           switch (info.param) {
                             case GemmKernel::Reference: return std::string("Reference");
                             case GemmKernel::Blocked: return std::string("Blocked");
                             case GemmKernel::Avx2: return std::string("Avx2");
                             case GemmKernel::Avx512: return std::string("Avx512");
                             default: return std::string("Auto");  // includes the small unpacked path
                           }
                         });

TEST(Gemm, EmptyAndZeroK) {
  std::vector<float> C(6, 3.0f);
  kernels::gemm(2, 3, 0, static_cast<const float*>(nullptr), 0, false, nullptr, 3, false, C.data(), 3, 1.0f, 2.0f);
  for (float c : C) EXPECT_EQ(c, 6.0f);  // K = 0: C = beta * C
  kernels::gemm(0, 3, 4, static_cast<const float*>(nullptr), 4, false, nullptr, 3, false, nullptr, 3);  // M = 0
}

// Threads split rows (M of 300: an mc block each; M of 200 > N of 40: a share of row panels
// each) or column panels (M of 64 < N), on the blocked and the unpacked paths; either way every
// element is summed in the same order, so the results are bit-identical.
TEST(Gemm, SameResultOnOneAndTwoThreads) {
  for (const auto& [a, b] : {std::pair{randn({300, 257}), randn({257, 290})},
                             std::pair{randn({200, 300}), randn({300, 40})},
                             std::pair{randn({300, 201}).t(), randn({300, 40})},
                             std::pair{randn({64, 784}), randn({100, 784}).t()},
                             std::pair{randn({784, 100}).t(), randn({784, 97})},
                             // unpacked: rows split; columns split, B^T copied per band; dot products
                             std::pair{randn({256, 200}), randn({200, 256})},
                             std::pair{randn({64, 100}), randn({784, 100}).t()},
                             std::pair{randn({16, 800}), randn({150, 800}).t()}}) {
    const int threads = get_num_threads();
    set_num_threads(1);
    Tensor one = a.mm(b);
    set_num_threads(2);
    Tensor two = a.mm(b);
    set_num_threads(threads);
    EXPECT_TENSOR_EQ(one, two);
  }
}

}  // namespace
}  // namespace ember
