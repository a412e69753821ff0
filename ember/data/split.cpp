#include "ember/data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "ember/ops/creation.h"

namespace ember::data {

std::vector<Tensor> random_split_indices(int64_t n, const std::vector<int64_t>& lengths, uint64_t seed) {
  int64_t total = 0;
  for (int64_t l : lengths) {
    EMBER_CHECK(l >= 0, ValueError, "[random_split] lengths must be non-negative; got ", l);
    total += l;
  }
  EMBER_CHECK(total == n, ValueError, "[random_split] the lengths sum to ", total, " but the data set has ", n,
              " examples");
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  // Fisher-Yates with mt19937_64's raw output (std::shuffle's use of the engine is not
  // specified, so its order could differ between standard libraries).
  std::mt19937_64 rng(seed);
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[rng() % static_cast<uint64_t>(i + 1)]);
  std::vector<Tensor> parts;
  auto begin = order.begin();
  for (int64_t l : lengths) {
    std::vector<int64_t> part(begin, begin + l);
    std::sort(part.begin(), part.end());
    parts.push_back(tensor(part, kInt64));
    begin += l;
  }
  return parts;
}

std::vector<std::shared_ptr<TensorDataset>> random_split(const TensorDataset& dataset, const std::vector<int64_t>& lengths,
                                                         uint64_t seed) {
  std::vector<std::shared_ptr<TensorDataset>> out;
  for (const Tensor& idx : random_split_indices(dataset.size(), lengths, seed))
    out.push_back(std::make_shared<TensorDataset>(dataset.data().index_select(0, idx), dataset.targets().index_select(0, idx)));
  return out;
}

TrainValidSplit train_valid_split(const TensorDataset& dataset, double valid_fraction, uint64_t seed) {
  EMBER_CHECK(valid_fraction >= 0 && valid_fraction < 1, ValueError, "[train_valid_split] valid_fraction must be in [0, 1); got ",
              valid_fraction);
  const int64_t n = dataset.size();
  const auto valid = static_cast<int64_t>(std::llround(valid_fraction * static_cast<double>(n)));
  const auto parts = random_split(dataset, {n - valid, valid}, seed);
  return {parts[0], parts[1]};
}

}  // namespace ember::data
