// Dataset: anything with a size and numbered examples (an input and a target). get_batch has a
// default that stacks get(i); datasets held in memory override it with one index_select.
// Data knows nothing of nn or training.
#pragma once

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
};

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

}  // namespace ember::data
