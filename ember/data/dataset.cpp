#include "ember/data/dataset.h"

#include "ember/ops/creation.h"
#include "ember/ops/shape_ops.h"

namespace ember::data {

Example Dataset::get_batch(const std::vector<int64_t>& indices) const {
  std::vector<Tensor> xs, ys;
  for (int64_t i : indices) {
    Example e = get(i);
    xs.push_back(e.data);
    ys.push_back(e.target);
  }
  return {stack(xs), stack(ys)};
}

TensorDataset::TensorDataset(Tensor data, Tensor targets) : data_(std::move(data)), targets_(std::move(targets)) {
  EMBER_CHECK(data_.dim() >= 1 && targets_.dim() >= 1 && data_.size(0) == targets_.size(0), ShapeError,
              "[TensorDataset] data ", shape_str(data_.sizes()), " and targets ", shape_str(targets_.sizes()),
              " must have the same first dim");
}

Example TensorDataset::get(int64_t index) const {
  EMBER_CHECK(index >= 0 && index < size(), IndexError, "[TensorDataset] index ", index, " is out of range for ",
              size(), " examples");
  return {data_[index], targets_[index]};
}

Example TensorDataset::get_batch(const std::vector<int64_t>& indices) const {
  const Tensor idx = tensor(indices);
  return {data_.index_select(0, idx), targets_.index_select(0, idx)};
}

}  // namespace ember::data
