// What `ember train` and `ember lr-find` share: the data, model and optimiser options, and
// building the data (IDX or an image folder; a seeded validation split of the training set,
// standardised per channel with the training split's statistics, augmented when asked), the
// model, the optimiser and the Learner from them.
#pragma once

#include <memory>
#include <string>

#include "args.h"
#include "ember/distributed/distributed.h"
#include "data_source.h"
#include "model_spec.h"

namespace ember::cli {

/// Declares the shared options on `args`.
void add_training_options(Args& args);

struct TrainingSetup {
  ModelSpec spec;
  std::string data_dir, optimizer_name, precision;  // precision: fp32, bf16 or fp16
  double lr = 0;
  int64_t epochs = 0, batch_size = 0, seed = 0;
  bool augment = false;
  std::shared_ptr<const data::Dataset> train_set, valid_set, test_set;       // valid, test: null when absent
  std::shared_ptr<data::DataLoader> train_loader, valid_loader, test_loader;  // likewise
  std::shared_ptr<nn::SequentialImpl> model;
  std::shared_ptr<optim::Optimizer> optimizer;
  std::unique_ptr<train::Learner> learner;  // with the accuracy metric
  // Under an MPI launcher (mpirun -np N ember train ...): this process's group, and the model's
  // DistributedDataParallel; the loaders then hold this rank's share of every batch and of the
  // validation and test splits, and the learner's losses and metrics are totals over all ranks.
  std::shared_ptr<distributed::ProcessGroup> group;
  distributed::DistributedDataParallel ddp{nullptr};
  int rank() const { return group ? group->rank() : 0; }
  int world_size() const { return group ? group->size() : 1; }
  /// True on the process that prints and writes files (the only one without MPI).
  bool is_main() const { return rank() == 0; }

  /// "data: DIR (N train, M valid, K test; mean ..., std ...)" and the model line.
  std::string describe() const;
};

/// Parses the shared options from parsed `args` and builds everything (threads set too).
TrainingSetup make_training_setup(const Args& args);

}  // namespace ember::cli
