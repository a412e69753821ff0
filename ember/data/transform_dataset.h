// TransformDataset: another dataset's examples with a transform applied to each input, as
// torchvision's `transform=` argument: augmentation for training, resizing or normalising for
// anything. Each example draws from its own ItemRandom(seed, epoch, index), so a batch is the same
// whichever thread builds which item, and the DataLoader's set_epoch gives each epoch new draws.
// Batches are built on every thread of ember's pool (parallel_get_batch).
//   auto train = std::make_shared<data::TransformDataset>(images, augment, /*seed=*/0);
#pragma once

#include <memory>

#include "ember/data/dataset.h"
#include "ember/data/transforms.h"

namespace ember::data {

class TransformDataset : public Dataset {
 public:
  TransformDataset(std::shared_ptr<const Dataset> dataset, transforms::TransformPtr transform, uint64_t seed = 0);
  int64_t size() const override { return dataset_->size(); }
  Example get(int64_t index) const override;
  Example get_batch(const std::vector<int64_t>& indices) const override { return parallel_get_batch(*this, indices); }
  void set_epoch(int64_t epoch) const override;
  std::string describe(int64_t index) const override { return dataset_->describe(index); }
  const Dataset& dataset() const { return *dataset_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  transforms::TransformPtr transform_;
  uint64_t seed_;
  mutable std::atomic<int64_t> epoch_{0};
};

}  // namespace ember::data
