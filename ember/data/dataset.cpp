#include "ember/data/dataset.h"

#include <chrono>
#include <cstring>

#include "ember/core/parallel.h"
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

Example parallel_get_batch(const Dataset& dataset, const std::vector<int64_t>& indices) {
  const auto n = static_cast<int64_t>(indices.size());
  EMBER_CHECK(n > 0, ValueError, "[get_batch] no indices");
  // Item 0 first: its shape makes the batch, and its time says whether the rest are worth a
  // second core (decoding a small PNG takes ~15 us; cropping and flipping one in memory ~2 us,
  // for which waking a second thread cost more than it saved).
  const auto start = std::chrono::steady_clock::now();
  const Example first = dataset.get(indices[0]);
  const double first_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  std::vector<int64_t> shape = first.data.sizes();
  shape.insert(shape.begin(), n);
  Tensor data = empty(shape, first.data.dtype());
  const auto item_bytes = static_cast<size_t>(first.data.numel() * first.data.element_size());
  char* out = static_cast<char*>(data.data_ptr());
  std::vector<Tensor> ys(indices.size());
  // Each item straight into its slot of the batch: no list of items to stack afterwards.
  auto put = [&](int64_t i, const Example& e) {
    EMBER_CHECK(e.data.sizes() == first.data.sizes() && e.data.dtype() == first.data.dtype(), ShapeError, "[get_batch] ",
                dataset.describe(indices[static_cast<size_t>(i)]), " is ", shape_str(e.data.sizes()), " but ",
                dataset.describe(indices[0]), " is ", shape_str(first.data.sizes()),
                ": examples of one batch must have one shape (resize the images to one size)");
    const Tensor x = e.data.contiguous();
    std::memcpy(out + static_cast<size_t>(i) * item_bytes, x.data_ptr(), item_bytes);
    ys[static_cast<size_t>(i)] = e.target;
  };
  put(0, first);
  auto get_item = [&](int64_t i) { put(i, dataset.get(indices[static_cast<size_t>(i)])); };
  if (first_us >= kParallelItemMicros) {
    parallel_for_each(1, n, get_item);
  } else {
    for (int64_t i = 1; i < n; ++i) get_item(i);
  }
  return {data, stack(ys)};
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

Subset::Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices)
    : dataset_(std::move(dataset)), indices_(std::move(indices)) {
  EMBER_CHECK(dataset_ != nullptr, ValueError, "[Subset] dataset is null");
  for (int64_t i : indices_)
    EMBER_CHECK(i >= 0 && i < dataset_->size(), IndexError, "[Subset] index ", i, " is out of range for ", dataset_->size(),
                " examples");
}

int64_t Subset::map(int64_t index) const {
  EMBER_CHECK(index >= 0 && index < size(), IndexError, "[Subset] index ", index, " is out of range for ", size(), " examples");
  return indices_[static_cast<size_t>(index)];
}

Example Subset::get(int64_t index) const { return dataset_->get(map(index)); }

Example Subset::get_batch(const std::vector<int64_t>& indices) const {
  std::vector<int64_t> mapped;
  mapped.reserve(indices.size());
  for (int64_t i : indices) mapped.push_back(map(i));
  return dataset_->get_batch(mapped);
}

std::string Subset::describe(int64_t index) const { return dataset_->describe(map(index)); }

}  // namespace ember::data
