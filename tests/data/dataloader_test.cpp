#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "support/tensor_expect.h"

namespace ember {
namespace {

std::shared_ptr<data::TensorDataset> numbers(int64_t n) {
  return std::make_shared<data::TensorDataset>(arange(n, kFloat32).unsqueeze(1), arange(n));
}

std::vector<int64_t> epoch_targets(data::DataLoader& loader) {
  std::vector<int64_t> out;
  for (const auto& batch : loader)
    for (int64_t i = 0; i < batch.target.size(0); ++i) out.push_back(batch.target[i].item<int64_t>());
  return out;
}

TEST(DataLoader, BatchesCoverTheDatasetInOrder) {
  data::DataLoader loader(numbers(10), data::DataLoaderOptions(4));
  EXPECT_EQ(loader.size(), 3);
  std::vector<int64_t> sizes;
  for (const auto& batch : loader) {
    sizes.push_back(batch.data.size(0));
    EXPECT_EQ(batch.data.sizes()[1], 1);
  }
  EXPECT_EQ(sizes, (std::vector<int64_t>{4, 4, 2}));
  EXPECT_EQ(epoch_targets(loader), (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(DataLoader, DropLastDropsTheShortBatch) {
  data::DataLoader loader(numbers(10), data::DataLoaderOptions(4).drop_last(true));
  EXPECT_EQ(loader.size(), 2);
  EXPECT_EQ(epoch_targets(loader).size(), 8u);
}

TEST(DataLoader, ShuffleIsAPermutationNewEachEpochAndSeeded) {
  data::DataLoader a(numbers(100), data::DataLoaderOptions(7).shuffle(true).seed(3));  // no prefetch (default)
  data::DataLoader b(numbers(100), data::DataLoaderOptions(7).shuffle(true).seed(3).prefetch(2));
  data::DataLoader c(numbers(100), data::DataLoaderOptions(7).shuffle(true).seed(4));
  const auto a1 = epoch_targets(a), a2 = epoch_targets(a), b1 = epoch_targets(b), c1 = epoch_targets(c);
  EXPECT_EQ(std::set<int64_t>(a1.begin(), a1.end()).size(), 100u);
  EXPECT_NE(a1, a2);  // a new order every epoch
  EXPECT_EQ(a1, b1);  // same seed, same order, with or without a prefetching thread
  EXPECT_NE(a1, c1);
  b.set_epoch(1);
  EXPECT_EQ(epoch_targets(b), a2);  // epoch k's order can be reproduced directly (for resuming)
}

TEST(DataLoader, StoppingEarlyAndRestartingIsSafe) {
  data::DataLoader loader(numbers(1000), data::DataLoaderOptions(10).prefetch(3));
  for (int round = 0; round < 3; ++round) {
    int seen = 0;
    for (const auto& batch : loader) {
      (void)batch;
      if (++seen == 5) break;
    }
  }
  EXPECT_EQ(epoch_targets(loader).size(), 1000u);
}

// Example 7 cannot be read; records the thread that tried.
struct Failing : data::Dataset {
  int64_t size() const override { return 10; }
  data::Example get(int64_t i) const override {
    if (i == 7) {
      failed_on = std::this_thread::get_id();
      throw IOError("example 7 is unreadable");
    }
    return {tensor(static_cast<double>(i)), tensor(i)};
  }
  mutable std::atomic<std::thread::id> failed_on{};
};

TEST(DataLoader, ErrorsInTheBackgroundThreadReachTheCaller) {
  auto dataset = std::make_shared<Failing>();
  data::DataLoader loader(dataset, data::DataLoaderOptions(2).prefetch(2));
  EXPECT_THROW_MSG(epoch_targets(loader), IOError, "example 7 is unreadable");
  EXPECT_NE(dataset->failed_on.load(), std::this_thread::get_id()) << "the example was read on the caller's thread";
  // The thread is gone with its error: the next epoch starts a new one and fails the same way.
  EXPECT_THROW_MSG(epoch_targets(loader), IOError, "example 7 is unreadable");
}

TEST(DataLoader, ErrorsWithoutABackgroundThreadReachTheCallerToo) {
  auto dataset = std::make_shared<Failing>();
  data::DataLoader loader(dataset, data::DataLoaderOptions(2));
  EXPECT_THROW_MSG(epoch_targets(loader), IOError, "example 7 is unreadable");
  EXPECT_EQ(dataset->failed_on.load(), std::this_thread::get_id());
}

TEST(DataLoader, BadOptions) {
  EXPECT_THROW_MSG(data::DataLoader(numbers(3), data::DataLoaderOptions(0)), ValueError, "batch_size must be positive");
  EXPECT_THROW_MSG(data::TensorDataset(zeros({3, 2}), zeros({4})), ShapeError, "must have the same first dim");
}

}  // namespace
}  // namespace ember
