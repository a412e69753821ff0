// The caching allocator: freed blocks come back for the next tensor of the same size, the limit
// bounds what it keeps, and a training step after the first allocates nothing from the system.
#include <gtest/gtest.h>

#include <thread>

#include <ember/ember.h>

namespace ember {
namespace {

// Restores the default limit (and an empty cache) whatever a test did.
class Allocator : public ::testing::Test {
 protected:
  void SetUp() override { limit_ = allocator_stats().cache_limit; }
  void TearDown() override {
    set_allocator_cache_limit(limit_);
    empty_cache();
  }
  std::size_t limit_ = 0;
};

TEST_F(Allocator, FreedBlockIsReusedForTheSameSize) {
  empty_cache();
  const void* first = nullptr;
  {
    const Tensor t = empty({1000, 37});
    first = t.data_ptr();
  }
  EXPECT_GE(allocator_stats().cached_bytes, 1000u * 37 * 4);
  const AllocatorStats before = allocator_stats();
  const Tensor again = empty({37, 1000});  // another shape, the same number of bytes
  const AllocatorStats after = allocator_stats();
  EXPECT_EQ(again.data_ptr(), first);
  EXPECT_EQ(after.cache_hits, before.cache_hits + 1);
  EXPECT_EQ(after.system_allocations, before.system_allocations);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(again.data_ptr()) % 64, 0u);
}

TEST_F(Allocator, ADifferentSizeComesFromTheSystem) {
  empty_cache();
  { const Tensor t = empty({4096}); }
  const AllocatorStats before = allocator_stats();
  const Tensor other = empty({4097});
  EXPECT_EQ(allocator_stats().system_allocations, before.system_allocations + 1);
  EXPECT_EQ(allocator_stats().cache_hits, before.cache_hits);
}

TEST_F(Allocator, LimitBoundsTheCacheAndZeroTurnsItOff) {
  set_allocator_cache_limit(1 << 20);
  { const Tensor big = empty({1 << 19}); }  // 2 MiB: over the limit, so back to the system
  EXPECT_EQ(allocator_stats().cached_bytes, 0u);
  { const Tensor small = empty({1000}); }
  EXPECT_EQ(allocator_stats().cached_bytes, 4032u);  // 4000 bytes rounded up to 64
  set_allocator_cache_limit(0);                        // lowering the limit empties the cache
  EXPECT_EQ(allocator_stats().cached_bytes, 0u);
  { const Tensor small = empty({1000}); }
  EXPECT_EQ(allocator_stats().cached_bytes, 0u);
}

TEST_F(Allocator, LargeBlocksAreAlignedAndRoundedToHugePages) {
  empty_cache();
  constexpr std::uintptr_t kTwoMiB = 2u << 20;
  const void* first = nullptr;
  {
    const Tensor big = zeros({(8 << 20) / 4 + 1});  // just over 8 MiB: 10 MiB of 2 MiB pages
    first = big.data_ptr();
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % kTwoMiB, 0u);
    EXPECT_EQ(big.sum().item<float>(), 0.0f);
  }
  EXPECT_GE(allocator_stats().cached_bytes, 10u << 20);  // and the sum's 64-byte block
  EXPECT_LT(allocator_stats().cached_bytes, (10u << 20) + 1024);
  const Tensor same_pages = empty({(10 << 20) / 4});  // another size that rounds to the same block
  EXPECT_EQ(same_pages.data_ptr(), first);
  const Tensor below = empty({(8 << 20) / 4 - 16});  // under 8 MiB: an ordinary 64-byte-aligned block
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(below.data_ptr()) % 64, 0u);
}

TEST_F(Allocator, EmptyCacheReleasesEverything) {
  { const Tensor a = empty({100}), b = empty({200}); }
  EXPECT_GT(allocator_stats().cached_bytes, 0u);
  empty_cache();
  EXPECT_EQ(allocator_stats().cached_bytes, 0u);
}

TEST_F(Allocator, TensorsFreedOnAnotherThreadAreCached) {
  empty_cache();
  Tensor t = ones({5000});
  std::thread([moved = std::move(t)]() mutable { moved = Tensor(); }).join();
  EXPECT_EQ(allocator_stats().cached_bytes, 20032u);
  const Tensor again = zeros({5000});
  EXPECT_EQ(again.sum().item<float>(), 0.0f);  // a reused block still starts as asked
}

TEST_F(Allocator, TrainingStepsAfterTheFirstAllocateNothingFromTheSystem) {
  manual_seed(0);
  nn::Sequential model(nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10));
  optim::SGD opt(model->parameters(), optim::SGDOptions(0.05).momentum(0.9));
  const Tensor x = randn({64, 784}), y = randint(0, 10, {64});
  auto step = [&] {
    const Tensor loss = cross_entropy_loss(model(x), y);
    opt.zero_grad();
    loss.backward();
    opt.step();
  };
  step();  // the first step creates gradients and momentum buffers
  step();
  const AllocatorStats before = allocator_stats();
  for (int i = 0; i < 5; ++i) step();
  const AllocatorStats after = allocator_stats();
  EXPECT_EQ(after.system_allocations, before.system_allocations);
  EXPECT_GT(after.cache_hits, before.cache_hits + 5 * 10);  // every step's buffers came from the cache
}

}  // namespace
}  // namespace ember
