// Metrics: functions of one batch (accuracy), and Metric objects that the Learner accumulates
// over the batches of a validation pass and reduces once per epoch (accuracy, top-k accuracy,
// MSE, MAE, or a user's function), a running mean, and a confusion matrix.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::train {

/// Fraction of rows of logits (N, C) whose argmax equals target (N).
double accuracy(const Tensor& logits, const Tensor& target);
/// Number of such rows.
int64_t correct_count(const Tensor& logits, const Tensor& target);

/// Mean of values added with weights (e.g. batch losses weighted by batch size).
class RunningMean {
 public:
  void add(double value, double weight = 1) { sum_ += value * weight; weight_ += weight; }
  double mean() const { return weight_ > 0 ? sum_ / weight_ : 0; }
  double weight() const { return weight_; }
  double sum() const { return sum_; }
  void reset() { sum_ = weight_ = 0; }
  /// Replaces the totals (with the totals of several processes' partial means, say).
  void set(double sum, double weight) { sum_ = sum; weight_ = weight; }

 private:
  double sum_ = 0, weight_ = 0;
};

/// A metric accumulated over batches: reset() before a pass, update() with each batch's model
/// output and target, compute() at the end. Subclass it for a metric that is not a mean over
/// examples (an F1 score, say); MeanMetric covers those that are.
class Metric {
 public:
  virtual ~Metric() = default;
  /// The column name in the table, the CSV and the history.
  virtual std::string name() const = 0;
  virtual void reset() = 0;
  virtual void update(const Tensor& output, const Tensor& target) = 0;
  virtual double compute() const = 0;
  /// What the batches so far add up to, as numbers that add across data shards: the Learner
  /// sums them over the processes of data-parallel training, then set_sums() the totals, so
  /// compute() sees every process's examples. The default throws ValueError: a metric that is
  /// not a sum over examples (a median, say) cannot be split this way.
  virtual std::vector<double> sums() const;
  virtual void set_sums(const std::vector<double>& totals);
};

/// A mean over examples: each batch adds a sum and a count (its number of examples, or of
/// elements), and compute() divides the totals, so uneven last batches weigh what they hold.
class MeanMetric : public Metric {
 public:
  void reset() override { sum_ = count_ = 0; }
  void update(const Tensor& output, const Tensor& target) override;
  double compute() const override { return count_ > 0 ? sum_ / count_ : 0; }
  std::vector<double> sums() const override { return {sum_, count_}; }
  void set_sums(const std::vector<double>& totals) override;

 protected:
  struct BatchSum {
    double sum, count;
  };
  virtual BatchSum batch_sum(const Tensor& output, const Tensor& target) const = 0;

 private:
  double sum_ = 0, count_ = 0;
};

/// Share of rows of logits (N, C) whose argmax is the target (N).
class Accuracy : public MeanMetric {
 public:
  std::string name() const override { return "accuracy"; }

 protected:
  BatchSum batch_sum(const Tensor& output, const Tensor& target) const override;
};

/// Share of rows whose target is among the k largest logits; named "top<k>_accuracy".
class TopKAccuracy : public MeanMetric {
 public:
  explicit TopKAccuracy(int64_t k);
  std::string name() const override { return "top" + std::to_string(k_) + "_accuracy"; }

 protected:
  BatchSum batch_sum(const Tensor& output, const Tensor& target) const override;

 private:
  int64_t k_;
};

/// Mean squared error over every element; output and target need the same number of elements
/// (a regression head's (N, 1) against targets (N) is fine).
class MeanSquaredError : public MeanMetric {
 public:
  std::string name() const override { return "mse"; }

 protected:
  BatchSum batch_sum(const Tensor& output, const Tensor& target) const override;
};

/// Mean absolute error over every element, as MeanSquaredError.
class MeanAbsoluteError : public MeanMetric {
 public:
  std::string name() const override { return "mae"; }

 protected:
  BatchSum batch_sum(const Tensor& output, const Tensor& target) const override;
};

/// A user's per-batch function (a mean over the batch), averaged over the pass weighted by each
/// batch's size (the course's AvgStats):
///   learn.add_metric(std::make_shared<train::FunctionMetric>("within_0.5", [](auto& out, auto& y) { ... }));
class FunctionMetric : public MeanMetric {
 public:
  using Fn = std::function<double(const Tensor& output, const Tensor& target)>;
  FunctionMetric(std::string name, Fn fn);
  std::string name() const override { return name_; }

 protected:
  BatchSum batch_sum(const Tensor& output, const Tensor& target) const override;

 private:
  std::string name_;
  Fn fn_;
};

/// counts[true][predicted] over C classes.
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int64_t classes) : classes_(classes), counts_(classes * classes, 0) {}
  void add(const Tensor& logits, const Tensor& target);
  int64_t at(int64_t truth, int64_t predicted) const { return counts_[truth * classes_ + predicted]; }
  int64_t classes() const { return classes_; }
  double accuracy() const;

 private:
  int64_t classes_;
  std::vector<int64_t> counts_;
};

}  // namespace ember::train
