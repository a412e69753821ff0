// kernels::exp_run and sum_exp_shifted (the exponentials of softmax and cross-entropy) against
// double-precision std::exp: within 2 ulp over the whole float range, the ends of the range
// (overflow to inf, underflow through the subnormals to 0), NaN, every tail length, in place.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "ember/kernels/exp.h"

namespace ember {
namespace {

// Distance in units in the last place between two finite floats of the same sign.
int64_t ulps(float a, float b) {
  return std::abs(static_cast<int64_t>(std::bit_cast<int32_t>(a)) - static_cast<int64_t>(std::bit_cast<int32_t>(b)));
}

float exact_exp(float x) { return static_cast<float>(std::exp(static_cast<double>(x))); }

TEST(ExpKernel, WithinTwoUlpAcrossTheRange) {
  std::vector<float> x;
  for (float v = -110.0f; v <= 95.0f; v += 0.00731f) x.push_back(v);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> small(-1e-3f, 1e-3f);
  for (int i = 0; i < 1000; ++i) x.push_back(small(rng));
  std::vector<float> y(x.size());
  kernels::exp_run(x.data(), y.data(), static_cast<int64_t>(x.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    const float want = exact_exp(x[i]);
    if (std::isinf(want)) {
      ASSERT_TRUE(std::isinf(y[i]) && y[i] > 0) << "e^" << x[i] << " gave " << y[i];
      continue;
    }
    ASSERT_GE(y[i], 0.0f) << "e^" << x[i];
    ASSERT_LE(ulps(y[i], want), 2) << "e^" << x[i] << " = " << want << ", got " << y[i];
  }
}

TEST(ExpKernel, SpecialValues) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> x = {0.0f, -0.0f, inf, -inf, nan, 88.7f, 89.0f, 1000.0f, -103.0f, -104.0f, -1000.0f, 1.0f};
  std::vector<float> y(x.size());
  kernels::exp_run(x.data(), y.data(), static_cast<int64_t>(x.size()));
  EXPECT_EQ(y[0], 1.0f);
  EXPECT_EQ(y[1], 1.0f);
  EXPECT_EQ(y[2], inf);
  EXPECT_EQ(y[3], 0.0f);
  EXPECT_TRUE(std::isnan(y[4]));
  EXPECT_LE(ulps(y[5], exact_exp(88.7f)), 2);
  EXPECT_EQ(y[6], inf);
  EXPECT_EQ(y[7], inf);
  EXPECT_LE(ulps(y[8], exact_exp(-103.0f)), 2);  // a subnormal result
  EXPECT_EQ(y[9], 0.0f);
  EXPECT_EQ(y[10], 0.0f);
  EXPECT_LE(ulps(y[11], exact_exp(1.0f)), 1);
}

TEST(ExpKernel, EveryTailLengthInPlaceAndNothingPastTheRun) {
  for (int64_t n = 0; n <= 40; ++n) {
    std::vector<float> x(static_cast<size_t>(n + 4));
    for (size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>(i) - 3.0f;
    const std::vector<float> before = x;
    kernels::exp_run(x.data() + 1, x.data() + 1, n);  // in place, from an unaligned start
    EXPECT_EQ(x[0], before[0]);
    for (int64_t i = 0; i < n; ++i)
      ASSERT_LE(ulps(x[static_cast<size_t>(1 + i)], exact_exp(before[static_cast<size_t>(1 + i)])), 2) << n;
    for (size_t i = static_cast<size_t>(n + 1); i < x.size(); ++i) ASSERT_EQ(x[i], before[i]) << "n = " << n;
  }
}

TEST(ExpKernel, SumOfShiftedExponentials) {
  std::mt19937 rng(11);
  std::normal_distribution<float> logit(0.0f, 4.0f);
  for (int64_t n = 0; n <= 50; ++n) {
    std::vector<float> x(static_cast<size_t>(n));
    float m = -std::numeric_limits<float>::infinity();
    for (float& v : x) v = logit(rng), m = std::max(m, v);
    if (n == 0) m = 0;
    double want = 0;
    for (float v : x) want += std::exp(static_cast<double>(v) - m);
    const double got = kernels::sum_exp_shifted(x.data(), n, m);
    ASSERT_NEAR(got, want, 1e-6 * std::max(want, 1.0)) << "n = " << n;
  }
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> with_inf = {1.0f, -inf, 2.0f};
  EXPECT_NEAR(kernels::sum_exp_shifted(with_inf.data(), 3, 2.0f), std::exp(-1.0) + 1.0, 1e-6);
}

TEST(ExpKernel, DoubleVersionsAreStdExp) {
  const std::vector<double> x = {-2.5, 0.0, 1.0, 700.0};
  std::vector<double> y(x.size());
  kernels::exp_run(x.data(), y.data(), 4);
  for (size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], std::exp(x[i]));
  EXPECT_EQ(kernels::sum_exp_shifted(x.data(), 3, 1.0), std::exp(-3.5) + std::exp(-1.0) + 1.0);
}

}  // namespace
}  // namespace ember
