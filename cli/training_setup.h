// What `ember train` and `ember lr-find` share: the data, model and optimiser options, and
// building the data (IDX or an image folder; a seeded validation split of the training set,
// standardised per channel with the training split's statistics, augmented when asked), the
// model, the optimiser and the Learner from them.
#pragma once

#include <memory>
#include <string>

#include "args.h"
#include "data_source.h"
#include "model_spec.h"

namespace ember::cli {

/// Declares the shared options on `args`.
void add_training_options(Args& args);

struct TrainingSetup {
  ModelSpec spec;
  std::string data_dir, optimizer_name;
  double lr = 0;
  int64_t epochs = 0, batch_size = 0, seed = 0;
  bool augment = false;
  std::shared_ptr<const data::Dataset> train_set, valid_set, test_set;       // valid, test: null when absent
  std::shared_ptr<data::DataLoader> train_loader, valid_loader, test_loader;  // likewise
  std::shared_ptr<nn::SequentialImpl> model;
  std::shared_ptr<optim::Optimizer> optimizer;
  std::unique_ptr<train::Learner> learner;  // with the accuracy metric

  /// "data: DIR (N train, M valid, K test; mean ..., std ...)" and the model line.
  std::string describe() const;
};

/// Parses the shared options from parsed `args` and builds everything (threads set too).
TrainingSetup make_training_setup(const Args& args);

}  // namespace ember::cli
