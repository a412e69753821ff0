// Dataset: anything with a size and numbered examples (an input and a target). get_batch has a
// default that stacks get(i); datasets held in memory override it with one index_select.
// Data knows nothing of nn or training.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::data {

struct Example {
  Tensor data;
  Tensor target;
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  virtual Example get(int64_t index) const = 0;
  /// Examples at `indices`, stacked along a new first dim.
  virtual Example get_batch(const std::vector<int64_t>& indices) const;
  /// Told by the DataLoader before each epoch, for datasets whose examples change with it
  /// (random augmentation); the default ignores it. Const: it changes what is drawn, not what
  /// the dataset holds (as PyTorch's sampler.set_epoch).
  virtual void set_epoch(int64_t /*epoch*/) const {}
  /// How errors name example `index`: its file for datasets read from files, else "example N".
  virtual std::string describe(int64_t index) const { return "example " + std::to_string(index); }
};

/// get(i) of each index on every thread of ember's pool (each writes its own slot), then stacked:
/// get_batch for datasets whose get() can be slow (decoding, augmenting) and is safe to call from
/// several threads at once. The items go to the pool only when the first took at least
/// kParallelItemMicros; the result is the same either way. The first error of any item is
/// rethrown.
Example parallel_get_batch(const Dataset& dataset, const std::vector<int64_t>& indices);
inline constexpr double kParallelItemMicros = 8.0;

/// Examples are rows of two tensors that share their first dim.
class TensorDataset : public Dataset {
 public:
  TensorDataset(Tensor data, Tensor targets);
  int64_t size() const override { return data_.size(0); }
  Example get(int64_t index) const override;
  Example get_batch(const std::vector<int64_t>& indices) const override;
  const Tensor& data() const { return data_; }
  const Tensor& targets() const { return targets_; }

 private:
  Tensor data_, targets_;
};

/// The examples of `dataset` at `indices`, in that order (torch.utils.data.Subset).
class Subset : public Dataset {
 public:
  Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices);
  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  Example get(int64_t index) const override;
  Example get_batch(const std::vector<int64_t>& indices) const override;
  void set_epoch(int64_t epoch) const override { dataset_->set_epoch(epoch); }
  std::string describe(int64_t index) const override;
  const std::vector<int64_t>& indices() const { return indices_; }

 private:
  int64_t map(int64_t index) const;
  std::shared_ptr<const Dataset> dataset_;
  std::vector<int64_t> indices_;
};

}  // namespace ember::data
