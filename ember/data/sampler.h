// Samplers: which examples of a data set an epoch visits, and in which order. The DataLoader
// shuffles by itself (epoch_order); a Sampler given in its options replaces that, as in PyTorch.
// DistributedSampler gives each of N processes its share of one shuffled order: rank r takes
// every N-th index from r, so the r-th share of each batch of B/N examples together make the
// very batch of B that one process would draw with the same seed.
#pragma once

#include <cstdint>
#include <vector>

namespace ember::data {

/// The order of n examples in `epoch`: 0..n-1, or a shuffle drawn from (seed, epoch) alone, so
/// epoch k's order does not depend on how earlier epochs ran.
std::vector<int64_t> epoch_order(int64_t n, bool shuffle, uint64_t seed, int64_t epoch);

class Sampler {
 public:
  virtual ~Sampler() = default;
  /// The indices epoch `epoch` (0-based) visits, in the order they are batched.
  virtual std::vector<int64_t> indices(int64_t epoch) const = 0;
  /// How many indices each epoch has.
  virtual int64_t size() const = 0;
};

/// PyTorch's DistributedSampler for a data set of `dataset_size` examples: the epoch's order
/// (epoch_order, shuffled or not) padded by its first indices to a multiple of num_replicas (or,
/// with drop_last, cut to one), then every num_replicas-th index from `rank`. Every rank gets the
/// same number of indices, hence the same number of batches; the shares are disjoint apart from
/// the padding, which repeats at most num_replicas - 1 examples.
class DistributedSampler : public Sampler {
 public:
  DistributedSampler(int64_t dataset_size, int64_t num_replicas, int64_t rank, bool shuffle = true, uint64_t seed = 0,
                     bool drop_last = false);
  std::vector<int64_t> indices(int64_t epoch) const override;
  int64_t size() const override { return per_rank_; }
  int64_t num_replicas() const { return num_replicas_; }
  int64_t rank() const { return rank_; }

 private:
  int64_t dataset_size_, num_replicas_, rank_;
  bool shuffle_;
  uint64_t seed_;
  int64_t per_rank_;
};

}  // namespace ember::data
