// Splitting a data set at random, seeded (as torch.utils.data.random_split): a held-out
// validation set from the training data, the same for the same seed on any machine.
//   auto [train, valid] = data::train_valid_split(dataset, /*valid_fraction=*/0.1, /*seed=*/0);
#pragma once

#include <memory>
#include <vector>

#include "ember/data/dataset.h"

namespace ember::data {

/// The indices 0 .. n-1 shuffled with `seed` and cut into consecutive parts of `lengths`
/// (which must sum to n): disjoint, together complete, each sorted ascending (int64 tensors).
std::vector<Tensor> random_split_indices(int64_t n, const std::vector<int64_t>& lengths, uint64_t seed);

/// The examples of `dataset` in parts of `lengths`, each a TensorDataset of copied rows.
std::vector<std::shared_ptr<TensorDataset>> random_split(const TensorDataset& dataset, const std::vector<int64_t>& lengths,
                                                         uint64_t seed);

struct TrainValidSplit {
  std::shared_ptr<TensorDataset> train, valid;  // valid is empty (0 rows) for a fraction of 0
};
/// round(valid_fraction * size) examples held out for validation, the rest for training.
TrainValidSplit train_valid_split(const TensorDataset& dataset, double valid_fraction, uint64_t seed);

}  // namespace ember::data
