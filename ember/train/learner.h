// Learner: the training loop of the course (04_callbacks, 09b_learner), open to callbacks at
// every step. It owns nothing but the loop: the model, data, loss and optimiser are given to
// it, and everything optional (progress, schedules, early stopping, checkpoints, mixup,
// clipping, statistics, logs) is a Callback that a user adds without touching the loop.
//   train::Learner learn(model, train_loader, valid_loader, loss_fn, optimizer);
//   learn.add_metric(std::make_shared<train::Accuracy>());
//   learn.add_callback(std::make_shared<train::EarlyStopping>(3));
//   learn.fit(10);
//
// The events, in the order they fire (names as fastai's; see docs/training.md):
//   before_fit
//     before_epoch
//       before_train                  (model.train())
//         before_batch                  state().input / target may be replaced
//           after_pred                  state().output may be replaced
//           after_loss                  state().loss may be replaced
//           before_backward, after_backward   (training only)
//           before_step, after_step           (training only)
//         after_batch
//       after_train
//       before_validate               (model.eval(), no gradients; the same batch events)
//       after_validate
//     after_epoch                     history().back() holds the epoch's losses and metrics
//   after_fit
// A callback cancels part of the loop by throwing one of the exceptions below: the loop
// catches it, fires the matching after_cancel_* event, then the part's after_* event, and goes
// on with the next batch, epoch, or the end of the fit.
#pragma once

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/data/dataloader.h"
#include "ember/nn/module.h"
#include "ember/optim/optimizer.h"
#include "ember/train/metrics.h"

namespace ember::train {

class Learner;

/// Hooks into the loop. Each gets the Learner, whose state() says where the loop is and holds
/// the batch, the prediction and the loss. Callbacks run in ascending order() (then in the order
/// they were added); the ones that come with ember document theirs.
class Callback {
 public:
  virtual ~Callback() = default;
  virtual int order() const { return 0; }

  virtual void before_fit(Learner&) {}
  virtual void before_epoch(Learner&) {}
  virtual void before_train(Learner&) {}
  virtual void before_batch(Learner&) {}
  virtual void after_pred(Learner&) {}
  virtual void after_loss(Learner&) {}
  virtual void before_backward(Learner&) {}
  virtual void after_backward(Learner&) {}
  virtual void before_step(Learner&) {}
  virtual void after_step(Learner&) {}
  virtual void after_batch(Learner&) {}
  virtual void after_train(Learner&) {}
  virtual void before_validate(Learner&) {}
  virtual void after_validate(Learner&) {}
  virtual void after_epoch(Learner&) {}
  virtual void after_fit(Learner&) {}

  virtual void after_cancel_batch(Learner&) {}
  virtual void after_cancel_train(Learner&) {}
  virtual void after_cancel_validate(Learner&) {}
  virtual void after_cancel_epoch(Learner&) {}
  virtual void after_cancel_fit(Learner&) {}
};

/// Thrown by a callback: skip the backward pass (before_backward) or the optimiser step
/// (before_step) of this batch; the rest of the batch goes on.
struct CancelBackwardException {};
struct CancelStepException {};
/// Abandon the rest of this batch, the training or validation pass, the epoch, or the fit.
struct CancelBatchException {};
struct CancelTrainException {};
struct CancelValidateException {};
struct CancelEpochException {};
struct CancelFitException {};

/// One epoch of the history: the mean training loss, the validation loss and metrics (NaN and
/// absent when the epoch was not validated), the learning rate the epoch started with, its
/// duration.
struct EpochMetrics {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0, valid_loss = NAN, lr = 0, seconds = 0;
  std::vector<std::pair<std::string, double>> metrics;  // in the order the metrics were added

  bool has(const std::string& name) const;
  /// The value of metric `name`; throws naming the metrics present when it is not one of them.
  double metric(const std::string& name) const;
};

struct LearnerState {
  int64_t epoch = 0;            // current epoch, 1-based (0 before fit)
  int64_t epochs = 0;           // last epoch of this fit
  int64_t batch = 0;            // batch within the pass (training or validation), 1-based
  int64_t batches_per_epoch = 0;  // batches in the current pass (training or validation)
  int64_t iteration = 0;        // training batches completed since the first epoch
  bool training = false;        // in the training pass (false while validating)
  /// The batch and what the loop made of it; callbacks may read and replace each.
  Tensor input, target, output, loss;
  double batch_loss = 0;        // loss.item() after after_loss
  double running_loss = 0;      // mean training loss over the epoch so far
  bool stop = false;            // set by a callback to end fit after this epoch
};

struct EvalResult {
  double loss = 0;
  std::vector<std::pair<std::string, double>> metrics;
  int64_t examples = 0;
};

class Learner {
 public:
  using LossFn = std::function<Tensor(const Tensor& output, const Tensor& target)>;

  Learner(std::shared_ptr<nn::Module> model, std::shared_ptr<data::DataLoader> train_data,
          std::shared_ptr<data::DataLoader> valid_data, LossFn loss, std::shared_ptr<optim::Optimizer> optimizer);

  /// Adds a callback, keeping the list sorted by order() (stable: equal orders keep the order
  /// they were added in).
  void add_callback(std::shared_ptr<Callback> callback);
  /// Removes a callback added earlier (a callback may remove itself, as the LR finder does).
  void remove_callback(const std::shared_ptr<Callback>& callback);
  const std::vector<std::shared_ptr<Callback>>& callbacks() const { return callbacks_; }
  /// Adds a metric computed over every validation pass and evaluate() (none by default: the loss
  /// alone; a classifier wants Accuracy, a regression MeanSquaredError).
  void add_metric(std::shared_ptr<Metric> metric);
  const std::vector<std::shared_ptr<Metric>>& metrics() const { return metrics_; }
  /// Adds up partial results across processes, for data-parallel training where each process
  /// sees a shard of the data: called on every process with a vector of sums (losses times
  /// examples, example counts, each metric's sums()), it must leave the totals over all
  /// processes in it. The training loss, the validation loss and metrics, and evaluate() then
  /// describe all the data on every process. None (one process) by default.
  using Reducer = std::function<void(std::vector<double>& sums)>;
  void set_reducer(Reducer reducer) { reducer_ = std::move(reducer); }

  /// Trains until epoch `epochs` (counting from 1, so a resumed learner continues from
  /// start_epoch()), until a callback sets state().stop, or until it throws CancelFitException.
  void fit(int64_t epochs);
  /// Loss and metrics over a loader, in eval mode, without callbacks or history.
  EvalResult evaluate(data::DataLoader& loader);

  /// Makes the next fit start after `epoch` (used when resuming from a checkpoint).
  void set_start_epoch(int64_t epoch, std::vector<EpochMetrics> history = {});
  int64_t start_epoch() const { return start_epoch_; }

  nn::Module& model() { return *model_; }
  optim::Optimizer& optimizer() { return *optimizer_; }
  data::DataLoader& train_data() { return *train_; }
  const LossFn& loss_fn() const { return loss_; }
  LearnerState& state() { return state_; }
  const std::vector<EpochMetrics>& history() const { return history_; }

 private:
  using Event = void (Callback::*)(Learner&);
  void run(Event event);
  /// before; body; (after_cancel when body throws Cancel); after.
  template <class Cancel, class Body>
  void with_events(Event before, Event after_cancel, Event after, Body body);
  void epoch(int64_t epoch);
  void pass(data::DataLoader& loader, bool training);
  void one_batch(const data::Example& batch);
  void reset_metrics();
  std::vector<std::pair<std::string, double>> computed_metrics() const;
  /// With a reducer: `loss` and (with_metrics) each metric's sums over all processes.
  void reduce(RunningMean& loss, bool with_metrics);

  std::shared_ptr<nn::Module> model_;
  std::shared_ptr<data::DataLoader> train_, valid_;
  LossFn loss_;
  std::shared_ptr<optim::Optimizer> optimizer_;
  std::vector<std::shared_ptr<Callback>> callbacks_;
  std::vector<std::shared_ptr<Metric>> metrics_;
  LearnerState state_;
  std::vector<EpochMetrics> history_;
  int64_t start_epoch_ = 0;
  RunningMean train_loss_, valid_loss_;
  Reducer reducer_;
};

}  // namespace ember::train
