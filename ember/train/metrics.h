// Metrics of a classifier: accuracy of a batch, a running mean, and a confusion matrix.
#pragma once

#include <cstdint>
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
  void reset() { sum_ = weight_ = 0; }

 private:
  double sum_ = 0, weight_ = 0;
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
