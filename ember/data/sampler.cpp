#include "ember/data/sampler.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "ember/core/error.h"

namespace ember::data {

std::vector<int64_t> epoch_order(int64_t n, bool shuffle, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  if (shuffle) {
    std::mt19937_64 rng(seed * 1000003 + static_cast<uint64_t>(epoch));
    std::shuffle(order.begin(), order.end(), rng);
  }
  return order;
}

DistributedSampler::DistributedSampler(int64_t dataset_size, int64_t num_replicas, int64_t rank, bool shuffle,
                                       uint64_t seed, bool drop_last)
    : dataset_size_(dataset_size), num_replicas_(num_replicas), rank_(rank), shuffle_(shuffle), seed_(seed) {
  EMBER_CHECK(num_replicas > 0, ValueError, "[DistributedSampler] num_replicas must be positive; got ", num_replicas);
  EMBER_CHECK(rank >= 0 && rank < num_replicas, ValueError, "[DistributedSampler] rank must be in [0, ", num_replicas,
              "); got ", rank);
  EMBER_CHECK(dataset_size >= 0, ValueError, "[DistributedSampler] dataset_size must be non-negative; got ", dataset_size);
  per_rank_ = drop_last ? dataset_size / num_replicas : (dataset_size + num_replicas - 1) / num_replicas;
  EMBER_CHECK(per_rank_ > 0 || dataset_size == 0, ValueError, "[DistributedSampler] ", dataset_size,
              " examples with drop_last leave none for each of ", num_replicas, " ranks");
}

std::vector<int64_t> DistributedSampler::indices(int64_t epoch) const {
  std::vector<int64_t> order = epoch_order(dataset_size_, shuffle_, seed_, epoch);
  const int64_t total = per_rank_ * num_replicas_;
  for (int64_t i = dataset_size_; i < total; ++i) order.push_back(order[static_cast<size_t>(i % dataset_size_)]);
  std::vector<int64_t> mine;
  mine.reserve(static_cast<size_t>(per_rank_));
  for (int64_t i = rank_; i < total; i += num_replicas_) mine.push_back(order[static_cast<size_t>(i)]);
  return mine;
}

}  // namespace ember::data
