// Learner: the training loop of the course, with callbacks. It owns nothing but the loop:
// the model, data, loss and optimiser are given to it, and everything optional (progress,
// schedules, early stopping, checkpoints, statistics, logs) is a Callback that a user adds
// without touching the loop.
//   train::Learner learn(model, train_loader, valid_loader, loss_fn, optimizer);
//   learn.add_callback(std::make_shared<train::EarlyStopping>(3));
//   learn.fit(10);
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "ember/data/dataloader.h"
#include "ember/nn/module.h"
#include "ember/optim/optimizer.h"

namespace ember::train {

class Learner;

/// Hooks into the loop. Each gets the Learner, whose state() says where the loop is.
class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_fit_begin(Learner&) {}
  virtual void on_epoch_begin(Learner&) {}
  virtual void on_batch_begin(Learner&) {}
  /// After the optimiser step; state().batch_loss holds the batch's loss.
  virtual void on_batch_end(Learner&) {}
  /// After validation; history().back() holds the finished epoch's metrics.
  virtual void on_epoch_end(Learner&) {}
  virtual void on_fit_end(Learner&) {}
};

struct EpochMetrics {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0, valid_loss = 0, valid_accuracy = 0, lr = 0, seconds = 0;
};

struct LearnerState {
  int64_t epoch = 0;            // current epoch, 1-based (0 before fit)
  int64_t epochs = 0;           // last epoch of this fit
  int64_t batch = 0;            // batch within the epoch, 1-based
  int64_t batches_per_epoch = 0;
  int64_t iteration = 0;        // batches trained since the first epoch
  double batch_loss = 0;
  double running_loss = 0;      // mean over the epoch so far
  bool stop = false;            // set by a callback to end fit after this epoch
};

struct EvalResult {
  double loss = 0, accuracy = 0;
  int64_t examples = 0;
};

class Learner {
 public:
  using LossFn = std::function<Tensor(const Tensor& output, const Tensor& target)>;

  Learner(std::shared_ptr<nn::Module> model, std::shared_ptr<data::DataLoader> train_data,
          std::shared_ptr<data::DataLoader> valid_data, LossFn loss, std::shared_ptr<optim::Optimizer> optimizer);

  void add_callback(std::shared_ptr<Callback> callback) { callbacks_.push_back(std::move(callback)); }
  /// Trains until epoch `epochs` (counting from 1, so a resumed learner continues from
  /// start_epoch()), or until a callback sets state().stop.
  void fit(int64_t epochs);
  /// Loss and accuracy over a loader, in eval mode and without recording history.
  EvalResult evaluate(data::DataLoader& loader);

  /// Makes the next fit start after `epoch` (used when resuming from a checkpoint).
  void set_start_epoch(int64_t epoch, std::vector<EpochMetrics> history = {});
  int64_t start_epoch() const { return start_epoch_; }

  nn::Module& model() { return *model_; }
  optim::Optimizer& optimizer() { return *optimizer_; }
  data::DataLoader& train_data() { return *train_; }
  LearnerState& state() { return state_; }
  const std::vector<EpochMetrics>& history() const { return history_; }

 private:
  template <class Hook>
  void notify(Hook hook) {
    for (auto& cb : callbacks_) ((*cb).*hook)(*this);
  }

  std::shared_ptr<nn::Module> model_;
  std::shared_ptr<data::DataLoader> train_, valid_;
  LossFn loss_;
  std::shared_ptr<optim::Optimizer> optimizer_;
  std::vector<std::shared_ptr<Callback>> callbacks_;
  LearnerState state_;
  std::vector<EpochMetrics> history_;
  int64_t start_epoch_ = 0;
};

}  // namespace ember::train
