// The vectorised float32 <-> 16-bit conversions (kernels/convert_16bit.h) give the scalar rules'
// bits (core/reduced_float.h) for every 16-bit pattern and for float32 values covering ties,
// overflow, subnormals, zeros, infinities and NaNs with payloads, at lengths that leave tails.
#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "ember/kernels/convert_16bit.h"

namespace ember {
namespace {

std::vector<float> awkward_floats() {
  std::vector<uint32_t> bits = {0x0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001,
                                0xFFBFFFFF, 0x7FC12345, 0x00000001, 0x807FFFFF, 0x7F7FFFFF, 0x477FEFFF, 0x477FF000,
                                0x477FF001, 0x33000000, 0x33000001, 0x33400000, 0x38800000, 0x387FFFFF};
  for (uint32_t e = 0; e < 256; ++e)  // around each exponent: the bfloat16 and float16 ties
    for (uint32_t m : {0x0u, 0x7FFFu, 0x8000u, 0x8001u, 0x18000u, 0xFFFu, 0x1000u, 0x1001u, 0x3000u, 0x7FFFFFu})
      for (uint32_t s : {0x0u, 0x80000000u}) bits.push_back(s | (e << 23) | m);
  std::mt19937 rng(1);
  for (int i = 0; i < 100000; ++i) bits.push_back(static_cast<uint32_t>(rng()));
  std::vector<float> out;
  for (uint32_t b : bits) out.push_back(std::bit_cast<float>(b));
  out.resize(out.size() / 16 * 16 + 7);  // a tail for the scalar code
  return out;
}

TEST(Convert16Bit, Float32ToBothFormatsGivesTheScalarBits) {
  const std::vector<float> f = awkward_floats();
  const int64_t n = static_cast<int64_t>(f.size());
  std::vector<BFloat16> b(f.size());
  std::vector<Half> h(f.size());
  kernels::to_bfloat16(f.data(), b.data(), n);
  kernels::to_half(f.data(), h.data(), n);
  for (size_t i = 0; i < f.size(); ++i) {
    ASSERT_EQ(b[i].x, BFloat16(f[i]).x) << std::hex << std::bit_cast<uint32_t>(f[i]);
    ASSERT_EQ(h[i].x, Half(f[i]).x) << std::hex << std::bit_cast<uint32_t>(f[i]);
  }
}

TEST(Convert16Bit, EveryPatternWidensToTheScalarBits) {
  std::vector<BFloat16> b(65536 + 5);
  std::vector<Half> h(65536 + 5);
  for (uint32_t i = 0; i < b.size(); ++i) {
    b[i] = BFloat16::from_bits(static_cast<uint16_t>(i));
    h[i] = Half::from_bits(static_cast<uint16_t>(i));
  }
  std::vector<float> fb(b.size()), fh(h.size());
  kernels::from_bfloat16(b.data(), fb.data(), static_cast<int64_t>(b.size()));
  kernels::from_half(h.data(), fh.data(), static_cast<int64_t>(h.size()));
  for (size_t i = 0; i < b.size(); ++i) {
    ASSERT_EQ(std::bit_cast<uint32_t>(fb[i]), std::bit_cast<uint32_t>(static_cast<float>(b[i]))) << std::hex << i;
    ASSERT_EQ(std::bit_cast<uint32_t>(fh[i]), std::bit_cast<uint32_t>(static_cast<float>(h[i]))) << std::hex << i;
  }
}

TEST(Convert16Bit, TensorConversionsTakeTheVectorPathAndStridedOnesAgree) {
  const Tensor x = randn({300, 17}) * 1000;
  EXPECT_TRUE(equal(x.to(kHalf), x.t().contiguous().t().to(kHalf)));  // contiguous vs strided source
  EXPECT_TRUE(equal(x.to(kBFloat16).to(kFloat32), x.t().to(kBFloat16).to(kFloat32).t()));
}

}  // namespace
}  // namespace ember
