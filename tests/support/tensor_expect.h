// EXPECT_TENSOR_NEAR(actual, expected, rtol, atol): same shape, and every element within
// atol + rtol * |expected|; on failure reports both shapes, the first bad index and max |diff|.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include <ember/ember.h>

namespace ember::testing {

inline ::testing::AssertionResult tensors_near(const char* a_expr, const char* b_expr, const char*, const char*,
                                               const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  if (!actual.defined() || !expected.defined())
    return ::testing::AssertionFailure() << a_expr << " or " << b_expr << " is undefined";
  if (actual.sizes() != expected.sizes())
    return ::testing::AssertionFailure() << a_expr << " has shape " << shape_str(actual.sizes()) << " but "
                                         << b_expr << " has shape " << shape_str(expected.sizes());
  const Tensor a = actual.detach().to(kFloat64).contiguous(), b = expected.detach().to(kFloat64).contiguous();
  const double* pa = a.data_ptr<double>();
  const double* pb = b.data_ptr<double>();
  int64_t first_bad = -1;
  double max_diff = 0;
  for (int64_t i = 0; i < a.numel(); ++i) {
    const double diff = std::fabs(pa[i] - pb[i]);
    const bool both_nan = std::isnan(pa[i]) && std::isnan(pb[i]);
    const bool same_inf = std::isinf(pa[i]) && pa[i] == pb[i];
    if (both_nan || same_inf) continue;
    if (!(diff <= atol + rtol * std::fabs(pb[i]))) {
      if (first_bad < 0) first_bad = i;
      max_diff = std::max(max_diff, std::isnan(diff) ? INFINITY : diff);
    }
  }
  if (first_bad < 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << a_expr << " and " << b_expr << " (shape " << shape_str(a.sizes())
                                       << ") differ: first at flat index " << first_bad << " (" << pa[first_bad]
                                       << " vs " << pb[first_bad] << "), max |diff| " << max_diff << " (rtol "
                                       << rtol << ", atol " << atol << ")";
}

}  // namespace ember::testing

#define EXPECT_TENSOR_NEAR(actual, expected, rtol, atol) \
  EXPECT_PRED_FORMAT4(::ember::testing::tensors_near, actual, expected, rtol, atol)
#define EXPECT_TENSOR_EQ(actual, expected) EXPECT_TENSOR_NEAR(actual, expected, 0.0, 0.0)

/// Expects `statement` to throw ErrorClass with a message containing `substring`.
#define EXPECT_THROW_MSG(statement, ErrorClass, substring)                                    \
  EXPECT_THAT([&] { statement; }, ::testing::ThrowsMessage<ErrorClass>(::testing::HasSubstr(substring)))
