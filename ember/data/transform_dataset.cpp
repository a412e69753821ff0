#include "ember/data/transform_dataset.h"

#include "ember/core/error.h"

namespace ember::data {

TransformDataset::TransformDataset(std::shared_ptr<const Dataset> dataset, transforms::TransformPtr transform, uint64_t seed)
    : dataset_(std::move(dataset)), transform_(std::move(transform)), seed_(seed) {
  EMBER_CHECK(dataset_ != nullptr, ValueError, "[TransformDataset] dataset is null");
  EMBER_CHECK(transform_ != nullptr, ValueError, "[TransformDataset] transform is null");
}

void TransformDataset::set_epoch(int64_t epoch) const {
  epoch_ = epoch;
  dataset_->set_epoch(epoch);
}

Example TransformDataset::get(int64_t index) const {
  Example e = dataset_->get(index);
  ItemRandom rng(seed_, static_cast<uint64_t>(epoch_.load()), static_cast<uint64_t>(index));
  try {
    e.data = (*transform_)(e.data, rng);
  } catch (const Error& err) {
    // The transform cannot know which file its image came from; the dataset can.
    rethrow_with_prefix(err, describe(index) + ": ");
  }
  return e;
}

}  // namespace ember::data
