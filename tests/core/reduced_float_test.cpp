// bfloat16 and float16 conversions (core/reduced_float.h): every 16-bit pattern against the
// formats' definitions, and float32 -> 16-bit rounding against PyTorch's, value by value
// (tests/reference/fixtures/reduced_float.txt, from tools/gen_reduced_float_fixtures.py).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ember {
namespace {

uint32_t bits_of(float f) { return std::bit_cast<uint32_t>(f); }

TEST(BFloat16, EveryPatternWidensToItsTopHalfAndRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = BFloat16::from_bits(static_cast<uint16_t>(h));
    ASSERT_EQ(bits_of(f), h << 16);
    const uint16_t back = BFloat16(f).x;
    if (std::isnan(f))
      ASSERT_TRUE(std::isnan(static_cast<float>(BFloat16::from_bits(back)))) << std::hex << h;
    else
      ASSERT_EQ(back, h) << std::hex << h;
  }
}

TEST(Half, EveryPatternWidensToItsDefinedValueAndRoundTrips) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const int sign = h >> 15, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF;
    const float f = Half::from_bits(static_cast<uint16_t>(h));
    if (exponent == 0x1F) {
      ASSERT_TRUE(mantissa ? std::isnan(f) : std::isinf(f)) << std::hex << h;
      ASSERT_EQ(std::signbit(f), sign == 1) << std::hex << h;
    } else {
      // (-1)^s * m * 2^-24 for subnormals, (-1)^s * (1024 + m) * 2^(e - 25) for normals.
      const double want = (sign ? -1.0 : 1.0) *
                          (exponent == 0 ? std::ldexp(mantissa, -24) : std::ldexp(1024 + mantissa, exponent - 25));
      ASSERT_EQ(static_cast<double>(f), want) << std::hex << h;
      ASSERT_EQ(std::signbit(f), sign == 1) << std::hex << h;  // -0 stays -0
    }
    const uint16_t back = Half(f).x;
    if (std::isnan(f))
      ASSERT_EQ(back, sign ? 0xFE00 : 0x7E00) << std::hex << h;
    else
      ASSERT_EQ(back, h) << std::hex << h;
  }
}

TEST(BFloat16, TiesRoundToEven) {
  // Between 1 (0x3F80) and its successor 1 + 2^-7 (0x3F81), 1 + 2^-8 is the tie: to 1 (even).
  EXPECT_EQ(BFloat16(1.0f + 0x1p-8f).x, 0x3F80);
  // Between 0x3F81 and 0x3F82, the tie goes up to the even 0x3F82.
  EXPECT_EQ(BFloat16(1.0f + 3 * 0x1p-8f).x, 0x3F82);
  EXPECT_EQ(BFloat16(1.0f + 0x1p-8f + 0x1p-20f).x, 0x3F81);  // past the tie: up
  EXPECT_EQ(BFloat16(3.4028235e38f).x, 0x7F80);             // float32's largest rounds to infinity
}

TEST(Half, TiesOverflowAndSubnormalsRoundAsIeee) {
  EXPECT_EQ(Half(1.0f + 0x1p-11f).x, 0x3C00);      // tie: to 1 (even)
  EXPECT_EQ(Half(1.0f + 3 * 0x1p-11f).x, 0x3C02);  // tie: up to even
  EXPECT_EQ(Half(65504.0f).x, 0x7BFF);              // the largest finite
  EXPECT_EQ(Half(65519.0f).x, 0x7BFF);              // below the tie with 65536
  EXPECT_EQ(Half(65520.0f).x, 0x7C00);              // the tie goes to the even: infinity
  EXPECT_EQ(Half(0x1p-24f).x, 0x0001);              // the smallest subnormal
  EXPECT_EQ(Half(0x1p-25f).x, 0x0000);              // half of it: a tie, to even zero
  EXPECT_EQ(Half(0x1.8p-24f).x, 0x0002);            // 1.5 units: a tie, to even 2
  EXPECT_EQ(Half(-0x1p-26f).x, 0x8000);             // -0
}

TEST(ReducedFloat, Float32RoundsAsPyTorchDoes) {
  std::ifstream in(EMBER_FIXTURE_DIR "/reduced_float.txt");
  ASSERT_TRUE(in) << "missing fixture " EMBER_FIXTURE_DIR "/reduced_float.txt";
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    uint32_t f32 = 0, bf = 0, hf = 0;
    fields >> std::hex >> f32 >> bf >> hf;
    const float f = std::bit_cast<float>(f32);
    if (std::isnan(f)) {
      // PyTorch's own bfloat16 NaN differs between its scalar (0x7FC0) and vector (0xFFFF)
      // paths: only NaN-ness is the rule there. Its float16 NaN keeps the sign.
      EXPECT_TRUE(std::isnan(static_cast<float>(BFloat16(f)))) << line;
      EXPECT_EQ(Half(f).x, hf) << line;
    } else {
      EXPECT_EQ(BFloat16(f).x, bf) << line;
      EXPECT_EQ(Half(f).x, hf) << line;
    }
    ++checked;
  }
  EXPECT_GT(checked, 5000);
}

}  // namespace
}  // namespace ember
