// The callbacks that come with the Learner: progress display, LR schedules, early stopping,
// checkpoints, a CSV log and activation statistics. Each is independent; add the ones you want.
// Their order() values: schedules 10, Recorder 50, progress 60, logs and checkpoints 70; a
// user's callback (order 0) runs before all of them.
#pragma once

#include <iosfwd>
#include <map>
#include <string>

#include "ember/optim/lr_scheduler.h"
#include "ember/serialize/safetensors.h"
#include "ember/train/learner.h"

namespace ember::train {

/// A progress bar (batch/s, running loss) redrawn in place on a terminal, and a table row per
/// epoch: epoch, train loss, valid loss, each metric, learning rate, seconds.
class ProgressCallback : public Callback {
 public:
  /// Rows go to `table`; the bar goes to `bar` only when it is a terminal (bar_is_terminal).
  ProgressCallback(std::ostream& table, std::ostream& bar, bool bar_is_terminal);
  int order() const override { return 60; }
  void before_fit(Learner& learn) override;
  void before_epoch(Learner& learn) override;
  void after_batch(Learner& learn) override;
  void after_epoch(Learner& learn) override;

 private:
  std::ostream& table_;
  std::ostream& bar_;
  bool show_bar_;
  double epoch_start_ = 0, last_draw_ = 0;
};

/// Steps a scheduler after every optimiser step (OneCycleLR) or after every epoch (StepLR, ...).
class LRSchedulerCallback : public Callback {
 public:
  enum class Every { Batch, Epoch };
  LRSchedulerCallback(std::shared_ptr<optim::LRScheduler> scheduler, Every every);
  int order() const override { return 10; }
  void after_step(Learner& learn) override;
  void after_epoch(Learner& learn) override;
  optim::LRScheduler& scheduler() { return *scheduler_; }

 private:
  std::shared_ptr<optim::LRScheduler> scheduler_;
  Every every_;
};

/// Clips the gradients after every backward pass, before the step: by their total norm
/// (nn::utils::clip_grad_norm_) or element by element (clip_grad_value_). last_norm() is the
/// norm before clipping of the last batch.
class GradientClipping : public Callback {
 public:
  enum class By { Norm, Value };
  explicit GradientClipping(double max, By by = By::Norm, double norm_type = 2.0);
  void after_backward(Learner& learn) override;
  double last_norm() const { return last_norm_; }

 private:
  double max_, norm_type_;
  By by_;
  double last_norm_ = 0;
};

/// Stops training when the validation loss has not improved by min_delta for `patience` epochs.
class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(int64_t patience = 3, double min_delta = 0);
  int order() const override { return 70; }
  void before_fit(Learner& learn) override;
  void after_epoch(Learner& learn) override;
  int64_t best_epoch() const { return best_epoch_; }

 private:
  int64_t patience_;
  double min_delta_, best_ = 0;
  int64_t best_epoch_ = 0, waited_ = 0;
};

/// After every epoch, saves model weights (under their own names), optimiser state (under
/// "optimizer.<key>") and the history to one safetensors file, atomically. `extra` metadata
/// (how to rebuild the model, say) is stored too. resume() restores all of it.
class CheckpointCallback : public Callback {
 public:
  CheckpointCallback(std::string path, Metadata extra = {});
  int order() const override { return 70; }
  void after_epoch(Learner& learn) override;
  /// Loads a checkpoint into the learner's model and optimiser and sets its start epoch.
  /// Returns the checkpoint's metadata.
  static Metadata resume(Learner& learn, const std::string& path);

 private:
  std::string path_;
  Metadata extra_;
};

/// Rewrites a CSV of the history after every epoch:
/// epoch,train_loss,valid_loss,<one column per metric>,lr,seconds
class CSVLogger : public Callback {
 public:
  explicit CSVLogger(std::string path) : path_(std::move(path)) {}
  int order() const override { return 70; }
  void after_epoch(Learner& learn) override;

 private:
  std::string path_;
};

/// The course's activation statistics: the mean and std of every child module's output, per
/// training batch (modules in eval mode, as during validation, are not recorded), to see
/// whether activations stay well scaled through the network.
/// The histogram ActivationStats takes of each layer's output per batch: the course's 40 bins
/// over [0, 10] (post-ReLU activations; values outside are not counted).
struct HistogramSettings {
  int64_t bins = 40;
  double min = 0, max = 10;
};

class ActivationStats : public Callback {
 public:
  /// Watches the direct children of `model` (the layers of a Sequential).
  explicit ActivationStats(nn::Module& model, HistogramSettings histogram = {});
  ~ActivationStats() override;
  /// Per layer ("0", "1", ...): the means and stds of every recorded batch.
  const std::vector<std::string>& layers() const { return names_; }
  const std::vector<double>& means(size_t layer) const { return means_[layer]; }
  const std::vector<double>& stds(size_t layer) const { return stds_[layer]; }
  /// The histogram (counts, float64 (bins)) of every recorded batch: the course's telemetry
  /// picture draws them side by side (ember's CLI: plot_activation_histograms in cli/plot.h).
  const std::vector<Tensor>& histograms(size_t layer) const { return histograms_[layer]; }
  const HistogramSettings& histogram_settings() const { return histogram_; }
  /// The share of batch `batch`'s counted values that fall in the lowest `bins` bins (the
  /// course's measure of dead activations: near zero after a ReLU).
  double low_fraction(size_t layer, size_t batch, int64_t bins = 2) const;
  const std::string& kind(size_t layer) const { return kinds_[layer]; }
  /// One line per layer: name, module, last mean and std.
  void print_summary(std::ostream& out) const;

 private:
  std::vector<std::pair<std::shared_ptr<nn::Module>, size_t>> hooked_;
  std::vector<std::string> names_, kinds_;
  std::vector<std::vector<double>> means_, stds_;
  std::vector<std::vector<Tensor>> histograms_;
  HistogramSettings histogram_;
};

/// History <-> text, for checkpoint metadata and CSV files.
std::string history_to_csv(const std::vector<EpochMetrics>& history);
std::vector<EpochMetrics> history_from_csv(const std::string& csv);

}  // namespace ember::train
