// kernels::accumulate (out += in over a contiguous run) against the plain loop, at every length
// that leaves a different tail for the vector code, from unaligned starts, and leaving the values
// past the run untouched.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "ember/kernels/accumulate.h"

namespace ember {
namespace {

TEST(Accumulate, AddsEveryValueOfTheRunAndNothingPastIt) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> value(-4, 4);
  for (int64_t n = 0; n <= 50; ++n)
    for (int64_t offset : {0, 1, 3}) {
      std::vector<float> out(static_cast<size_t>(n + offset + 20)), in(out.size());
      for (size_t i = 0; i < out.size(); ++i) out[i] = value(rng), in[i] = value(rng);
      std::vector<float> want = out;
      for (int64_t i = 0; i < n; ++i) want[static_cast<size_t>(offset + i)] += in[static_cast<size_t>(offset + i)];
      kernels::accumulate(out.data() + offset, in.data() + offset, n);
      ASSERT_EQ(out, want) << "n = " << n << ", offset " << offset;
    }
}

TEST(Accumulate, AnEmptyOrNegativeRunTouchesNothing) {
  std::vector<float> out(20, 1.0f), in(20, 2.0f);
  for (int64_t n : {0, -1, -17}) kernels::accumulate(out.data() + 2, in.data() + 2, n);
  EXPECT_EQ(out, std::vector<float>(20, 1.0f));
}

TEST(Accumulate, Float64AddsToo) {
  std::vector<double> out = {1, 2, 3}, in = {0.5, 0.25, 0.125};
  kernels::accumulate(out.data(), in.data(), 2);
  EXPECT_EQ(out, (std::vector<double>{1.5, 2.25, 3}));
}

}  // namespace
}  // namespace ember
