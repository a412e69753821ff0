#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(DistributedSampler, SharesAreDisjointAndCompleteWhenTheyDivide) {
  std::set<int64_t> seen;
  for (int64_t rank = 0; rank < 4; ++rank) {
    data::DistributedSampler sampler(100, 4, rank, true, 3);
    EXPECT_EQ(sampler.size(), 25);
    for (int64_t i : sampler.indices(0)) EXPECT_TRUE(seen.insert(i).second) << i << " twice";
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), 99);
}

TEST(DistributedSampler, PadsWithTheFirstIndicesSoEveryRankHasAsMany) {
  std::vector<int64_t> all;
  for (int64_t rank = 0; rank < 3; ++rank) {
    data::DistributedSampler sampler(10, 3, rank, false);
    EXPECT_EQ(sampler.size(), 4);
    const auto mine = sampler.indices(0);
    EXPECT_EQ(static_cast<int64_t>(mine.size()), 4);
    all.insert(all.end(), mine.begin(), mine.end());
  }
  std::sort(all.begin(), all.end());
  // 0..9 once each, and 0 and 1 again (the padding repeats the order's first two).
  EXPECT_EQ(all, (std::vector<int64_t>{0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(data::DistributedSampler(10, 3, 0, false).indices(0), (std::vector<int64_t>{0, 3, 6, 9}));
  EXPECT_EQ(data::DistributedSampler(10, 3, 2, false).indices(0), (std::vector<int64_t>{2, 5, 8, 1}));
}

TEST(DistributedSampler, DropLastCutsToAMultipleOfTheRanks) {
  data::DistributedSampler sampler(10, 3, 1, false, 0, /*drop_last=*/true);
  EXPECT_EQ(sampler.size(), 3);
  EXPECT_EQ(sampler.indices(0), (std::vector<int64_t>{1, 4, 7}));
}

TEST(DistributedSampler, TheRanksBatchesTogetherAreOneProcesssBatches) {
  // One process, batch 8, seed 5; two ranks, batch 4 each: batch b of rank 0 and of rank 1
  // together hold the examples of the one process's batch b.
  auto set = std::make_shared<data::TensorDataset>(arange(40, kFloat32).unsqueeze(1), arange(40));
  data::DataLoader whole(set, data::DataLoaderOptions(8).shuffle(true).seed(5));
  std::vector<std::set<int64_t>> expected;
  for (const auto& batch : whole) {
    std::set<int64_t> b;
    for (int64_t i = 0; i < batch.target.size(0); ++i) b.insert(batch.target[i].item<int64_t>());
    expected.push_back(b);
  }
  std::vector<std::set<int64_t>> got(expected.size());
  for (int64_t rank = 0; rank < 2; ++rank) {
    data::DataLoader part(set, data::DataLoaderOptions(4).sampler(std::make_shared<data::DistributedSampler>(40, 2, rank, true, 5)));
    EXPECT_EQ(part.size(), whole.size());
    size_t b = 0;
    for (const auto& batch : part) {
      for (int64_t i = 0; i < batch.target.size(0); ++i) got[b].insert(batch.target[i].item<int64_t>());
      ++b;
    }
  }
  EXPECT_EQ(got, expected);
}

TEST(DistributedSampler, ShufflesAnewEachEpochAndTheSameForTheSameSeed) {
  data::DistributedSampler a(50, 2, 0, true, 9), b(50, 2, 0, true, 9), c(50, 2, 0, true, 10);
  EXPECT_EQ(a.indices(0), b.indices(0));
  EXPECT_NE(a.indices(0), a.indices(1));
  EXPECT_NE(a.indices(0), c.indices(0));
}

TEST(DistributedSampler, RefusesBadArguments) {
  EXPECT_THROW(data::DistributedSampler(10, 0, 0), ValueError);
  EXPECT_THROW(data::DistributedSampler(10, 2, 2), ValueError);
  EXPECT_THROW(data::DistributedSampler(10, 2, -1), ValueError);
  EXPECT_THROW(data::DistributedSampler(1, 2, 0, true, 0, true), ValueError);
  auto set = std::make_shared<data::TensorDataset>(zeros({4, 1}), arange(4));
  EXPECT_THROW(data::DataLoader(set, data::DataLoaderOptions(2).shuffle(true).sampler(std::make_shared<data::DistributedSampler>(4, 2, 0))),
               ValueError);
}

}  // namespace
}  // namespace ember
