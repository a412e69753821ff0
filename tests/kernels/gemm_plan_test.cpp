// plan_gemm's decisions, on the AVX-512 float tiles (12 x 32 and 16 x 16) and a 1 MiB L2 unless a
// test says otherwise, so that they hold on any machine the tests run on.
#include "ember/kernels/gemm_plan.h"

#include <gtest/gtest.h>

#include <vector>

namespace ember::kernels {
namespace {

const std::vector<TileShape> kTiles = {{12, 32, 1.0, 1024, 9.0 / 16, true}, {16, 16, 0.9, 256, 1.0 / 8, true}};
const CacheSizes kL2{1 << 20, 32 << 20};

GemmPlan plan(int64_t M, int64_t N, int64_t K, bool ta = false, bool tb = false, int threads = 1,
              CacheSizes caches = kL2, bool unpacked = true) {
  return plan_gemm({M, N, K, ta, tb, 4}, kTiles, unpacked, threads, caches);
}

TEST(GemmPlan, SmallProductsAndThinShapesRunUnpacked) {
  EXPECT_EQ(plan(4, 4, 4).path, GemmPath::Unpacked);            // a few multiply-adds
  EXPECT_EQ(plan(5, 10, 784).path, GemmPath::Unpacked);         // the course's first product
  EXPECT_EQ(plan(2000, 1, 2000).path, GemmPath::Unpacked);      // a matrix-vector product
  EXPECT_EQ(plan(2000, 2000, 4).path, GemmPath::Unpacked);      // an outer product
  EXPECT_EQ(plan(6, 6272, 25).path, GemmPath::Unpacked);        // a few rows
  EXPECT_EQ(plan(64, 40, 100, false, true).path, GemmPath::Unpacked);  // B^T copied to rows (K short)
}

TEST(GemmPlan, RowsOfBothOperandsAlongKRunAsDotProducts) {
  EXPECT_EQ(plan(6, 25, 6272, false, true).path, GemmPath::Dots);   // a convolution's weight gradient
  EXPECT_EQ(plan(16, 150, 800, false, true).path, GemmPath::Dots);  // the tiles would fit only 84%
  EXPECT_EQ(plan(40, 3, 300, false, true).path, GemmPath::Dots);    // at most 4 columns, K long
  EXPECT_NE(plan(6, 25, 6272, true, true).path, GemmPath::Dots);    // A transposed: not along K
}

// A narrow C (N <= 16) with K short of dots_min_k: 4 steps of K per broadcast, floats only.
TEST(GemmPlan, NarrowOutputsWithShortKRunAsGroupedDots) {
  EXPECT_EQ(plan(64, 10, 100, false, true).path, GemmPath::GroupedDots);  // the output layer's h @ W2^T
  EXPECT_EQ(plan(40, 3, 50, false, true).path, GemmPath::GroupedDots);
  EXPECT_NE(plan(64, 17, 100, false, true).path, GemmPath::GroupedDots);  // wider than one vector
  EXPECT_EQ(plan(64, 10, 300, false, true).path, GemmPath::Dots);         // K long
  EXPECT_EQ(plan(64, 10, 100, true, true).path, GemmPath::Unpacked);      // A transposed: not along K
  EXPECT_EQ(plan_gemm({64, 10, 100, false, true, 8}, kTiles, true, 1, kL2).path, GemmPath::Unpacked);  // doubles
}

TEST(GemmPlan, BStaysInPlaceWhileItFitsInL2AndItsStripsFitC) {
  EXPECT_EQ(plan(64, 64, 64).path, GemmPath::Unpacked);
  EXPECT_EQ(plan(512, 512, 512).path, GemmPath::Unpacked);    // B: 1 MiB, the whole L2
  EXPECT_EQ(plan(640, 640, 640).path, GemmPath::Blocked);     // B: 1.6 MiB
  EXPECT_EQ(plan(64, 784, 100).path, GemmPath::Unpacked);     // dx = g @ W1
  EXPECT_EQ(plan(100, 784, 64, true).path, GemmPath::Unpacked);  // dW1 = g^T @ x
  // The cache size is the machine's: half the L2 and 512^3 is blocked; twice it and 640^3 is not.
  EXPECT_EQ(plan(512, 512, 512, false, false, 1, {512 << 10, 32 << 20}).path, GemmPath::Blocked);
  EXPECT_EQ(plan(640, 640, 640, false, false, 1, {2 << 20}).path, GemmPath::Unpacked);
  // N = 100 fills 78% of the strips' lanes; C^T's 12 x 32 tiles, 93%.
  EXPECT_EQ(plan(64, 100, 784, false, true).path, GemmPath::Blocked);
}

TEST(GemmPlan, TallSkinnyProductsReadAInPlaceWithLongKBlocks) {
  const GemmPlan p = plan(50000, 50, 784);
  EXPECT_EQ(p.path, GemmPath::Blocked);
  EXPECT_TRUE(p.a_in_place);
  EXPECT_FALSE(p.b_in_place);
  EXPECT_EQ(p.kc, 784);  // one K block: B's packed block (784 x 64) is far below a quarter of the L2
  // Long K: the blocks grow with the L2 while A is read by rows, not when it is transposed.
  const CacheSizes l2_2mib{2 << 20, 32 << 20};
  EXPECT_EQ(plan(784, 50, 50000, false, false, 1, l2_2mib).kc, 2000);  // 25 blocks of B's 64 columns in 512 KiB
  const GemmPlan t = plan(784, 50, 50000, true, false, 1, l2_2mib);
  EXPECT_TRUE(t.a_in_place);
  EXPECT_EQ(t.kc, 1021);  // the tile's 1024, evened out over 49 blocks
}

TEST(GemmPlan, CTransposedWhenItsTilesFitClearlyBetter) {
  const GemmPlan p = plan(64, 100, 784, false, true);
  EXPECT_TRUE(p.c_transposed);
  EXPECT_EQ(p.tile, 0);  // 12 x 32 over C^T (100 x 64): 93% useful
  EXPECT_NEAR(p.fit, 100.0 * 64 / (108 * 64), 1e-12);
  EXPECT_FALSE(plan(64, 100, 100, false, true).c_transposed);  // K too short to pay for the copy back
}

TEST(GemmPlan, BlocksFollowTheL2AndKIsCutIntoEqualBlocks) {
  GemmPlan p = plan(1024, 1024, 1024);
  EXPECT_EQ(p.tile, 0);
  EXPECT_EQ(p.mc, 144);  // 9/16 of 1 MiB holds 144 rows of 1024 floats
  EXPECT_EQ(p.kc, 1024);
  EXPECT_EQ(p.nc, 1024);  // never wider than N
  p = plan(1024, 1024, 1024, false, false, 1, {2 << 20});
  EXPECT_EQ(p.mc, 288);
  p = plan(1024, 1024, 2100);
  EXPECT_EQ(p.kc, 700);  // 3 x 700, not 2 x 1024 + 52
  EXPECT_TRUE(plan(60, 1000, 300, true).b_in_place);      // few row panels, B by rows
  EXPECT_FALSE(plan(60, 1000, 300, true, true).b_in_place);  // B transposed: packed
}

TEST(GemmPlan, WithoutTheUnpackedPathsEverythingIsBlocked) {
  for (const auto& [M, N, K] : {std::tuple{4, 4, 4}, {6, 25, 6272}, {64, 64, 64}})
    EXPECT_EQ(plan(M, N, K, false, true, 1, kL2, false).path, GemmPath::Blocked);
}

// The path, tile and blocks never depend on the thread count: every element is then summed in
// the same order on one thread or many.
TEST(GemmPlan, ThreadsOnlySplitTheWork) {
  for (const auto& [M, N, K, ta, tb] : {std::tuple{1024, 1024, 1024, false, false},
                                        {64, 100, 784, false, true},
                                        {64, 784, 100, false, false},
                                        {50000, 50, 784, false, false},
                                        {256, 256, 256, true, true},
                                        {16, 150, 800, false, true}}) {
    SCOPED_TRACE(::testing::Message() << M << " x " << N << " x " << K);
    const GemmPlan one = plan(M, N, K, ta, tb, 1), two = plan(M, N, K, ta, tb, 2);
    EXPECT_EQ(one.threads, 1);
    EXPECT_EQ(one.split, GemmSplit::None);
    EXPECT_EQ(two.threads, 2);
    EXPECT_NE(two.split, GemmSplit::None);
    EXPECT_EQ(one.path, two.path);
    EXPECT_EQ(one.tile, two.tile);
    EXPECT_EQ(one.c_transposed, two.c_transposed);
    EXPECT_EQ(one.mc, two.mc);
    EXPECT_EQ(one.nc, two.nc);
    EXPECT_EQ(one.kc, two.kc);
    EXPECT_EQ(one.a_in_place, two.a_in_place);
    EXPECT_EQ(one.b_in_place, two.b_in_place);
  }
  EXPECT_EQ(plan(64, 10, 100, false, true, 2).threads, 1);        // too little work to share
  EXPECT_EQ(plan(1024, 1024, 1024, false, false, 2).split, GemmSplit::SharedB);  // an mc block of rows each
  EXPECT_EQ(plan(64, 784, 100, false, false, 2).split, GemmSplit::Columns);      // fewer rows than columns
  EXPECT_EQ(plan(512, 256, 256, false, false, 2).split, GemmSplit::Rows);
}

TEST(GemmPlan, CacheSizesComeFromTheMachine) {
  EXPECT_GT(cache_sizes().l2, 0);
  EXPECT_GT(cache_sizes().l3, cache_sizes().l2);
  EXPECT_LE(cache_sizes().l3, int64_t{32} << 20);
}

TEST(GemmPlan, UsableCachesTrustTheL2AndBoundTheL3) {
  constexpr int64_t MiB = 1 << 20;
  const CacheSizes zen = usable_caches(1 * MiB, 32 * MiB);
  EXPECT_EQ(zen.l2, 1 * MiB);
  EXPECT_EQ(zen.l3, 32 * MiB);
  const CacheSizes guest = usable_caches(2 * MiB, 480 * MiB);  // a VM told its host's whole L3
  EXPECT_EQ(guest.l2, 2 * MiB);
  EXPECT_EQ(guest.l3, 32 * MiB);
  EXPECT_EQ(usable_caches(512 * 1024, 8 * MiB).l3, 8 * MiB);  // a smaller L3 counts as it is
  const CacheSizes unknown = usable_caches(0, -1);              // sysconf says 0 or -1 where it does not know
  EXPECT_EQ(unknown.l2, 1 * MiB);
  EXPECT_EQ(unknown.l3, 32 * MiB);
}

}  // namespace
}  // namespace ember::kernels
