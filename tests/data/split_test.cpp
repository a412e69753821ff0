// Seeded random splits: disjoint, complete, the same for the same seed.
#include <gtest/gtest.h>

#include <set>

#include "support/tensor_expect.h"

namespace ember {
namespace {

std::set<int64_t> as_set(const Tensor& t) {
  const Tensor c = t.contiguous();
  return {c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()};
}

TEST(RandomSplit, PartsAreDisjointCompleteAndSeeded) {
  const auto parts = data::random_split_indices(100, {70, 20, 10}, 3);
  ASSERT_EQ(parts.size(), 3u);
  std::set<int64_t> all;
  size_t total = 0;
  for (const Tensor& p : parts) {
    const std::set<int64_t> s = as_set(p);
    EXPECT_EQ(s.size(), static_cast<size_t>(p.numel()));  // no repeats within a part
    total += s.size();
    all.insert(s.begin(), s.end());
  }
  EXPECT_EQ(total, 100u);
  EXPECT_EQ(all.size(), 100u);  // disjoint and together complete
  EXPECT_EQ(*all.begin(), 0);
  EXPECT_EQ(*all.rbegin(), 99);
  EXPECT_TENSOR_EQ(data::random_split_indices(100, {70, 20, 10}, 3)[1], parts[1]);
  EXPECT_FALSE(equal(data::random_split_indices(100, {70, 20, 10}, 4)[1], parts[1]));
  // Not simply the first 70: the held-out rows come from everywhere.
  EXPECT_GT(*as_set(parts[1]).rbegin(), 70);
  EXPECT_LT(*as_set(parts[1]).begin(), 70);
  EXPECT_THROW_MSG(data::random_split_indices(10, {5, 4}, 0), ValueError,
                   "[random_split] the lengths sum to 9 but the data set has 10 examples");
}

TEST(RandomSplit, TrainValidSplitCopiesTheRows) {
  const Tensor x = arange(20).to(kFloat32).reshape({10, 2}), y = arange(10);
  data::TensorDataset ds(x, y);
  const auto split = data::train_valid_split(ds, 0.3, 0);
  EXPECT_EQ(split.train->size(), 7);
  EXPECT_EQ(split.valid->size(), 3);
  std::set<int64_t> seen = as_set(split.train->targets());
  for (int64_t v : as_set(split.valid->targets())) EXPECT_TRUE(seen.insert(v).second) << v << " is in both";
  EXPECT_EQ(seen.size(), 10u);
  // Each row still pairs its data with its target.
  const Tensor t = split.valid->targets();
  for (int64_t i = 0; i < 3; ++i) EXPECT_EQ(split.valid->data()[i][0].item<double>(), 2.0 * t[i].item<double>());
  EXPECT_EQ(data::train_valid_split(ds, 0, 0).valid->size(), 0);
  EXPECT_THROW_MSG(data::train_valid_split(ds, 1.0, 0), ValueError, "valid_fraction must be in [0, 1); got 1");
}

}  // namespace
}  // namespace ember
