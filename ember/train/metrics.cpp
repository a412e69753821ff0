#include "ember/train/metrics.h"

#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/reduction.h"

namespace ember::train {

int64_t correct_count(const Tensor& logits, const Tensor& target) {
  NoGradGuard no_grad;
  EMBER_CHECK(logits.dim() == 2 && target.dim() == 1 && logits.size(0) == target.size(0), ShapeError,
              "[accuracy] expects logits (N, C) and targets (N); got ", shape_str(logits.sizes()), " and ",
              shape_str(target.sizes()));
  return (logits.argmax(1) == target).to(kInt64).sum().item<int64_t>();
}

double accuracy(const Tensor& logits, const Tensor& target) {
  return logits.size(0) == 0 ? 0 : static_cast<double>(correct_count(logits, target)) / static_cast<double>(logits.size(0));
}

std::vector<double> Metric::sums() const {
  throw ValueError("[Metric] '" + name() + "' does not say how its results add up across data shards; override "
                   "sums() and set_sums() to use it in data-parallel training");
}

void Metric::set_sums(const std::vector<double>&) { sums(); }

void MeanMetric::set_sums(const std::vector<double>& totals) {
  EMBER_CHECK(totals.size() == 2, ValueError, "[MeanMetric] set_sums takes (sum, count); got ", totals.size(), " numbers");
  sum_ = totals[0];
  count_ = totals[1];
}

void MeanMetric::update(const Tensor& output, const Tensor& target) {
  NoGradGuard no_grad;
  const BatchSum b = batch_sum(output.detach(), target.detach());
  sum_ += b.sum;
  count_ += b.count;
}

MeanMetric::BatchSum Accuracy::batch_sum(const Tensor& output, const Tensor& target) const {
  return {static_cast<double>(correct_count(output, target)), static_cast<double>(target.size(0))};
}

TopKAccuracy::TopKAccuracy(int64_t k) : k_(k) {
  EMBER_CHECK(k >= 1, ValueError, "[TopKAccuracy] k must be at least 1; got ", k);
}

MeanMetric::BatchSum TopKAccuracy::batch_sum(const Tensor& output, const Tensor& target) const {
  EMBER_CHECK(output.dim() == 2 && target.dim() == 1 && output.size(0) == target.size(0), ShapeError, "[", name(),
              "] expects logits (N, C) and targets (N); got ", shape_str(output.sizes()), " and ",
              shape_str(target.sizes()));
  EMBER_CHECK(k_ <= output.size(1), ValueError, "[", name(), "] k = ", k_, " but the logits have only ",
              output.size(1), " classes");
  // A target is in the top k when fewer than k logits beat it (ties counted in its favour, as
  // argmax counts the first of equal logits).
  const Tensor target_logit = output.gather(1, target.unsqueeze(1));
  const Tensor beaten_by = (output > target_logit).to(kInt64).sum(1);
  return {static_cast<double>((beaten_by < k_).to(kInt64).sum().item<int64_t>()), static_cast<double>(target.size(0))};
}

namespace {
// The error of a regression output against its target, flattened to match.
Tensor regression_error(const char* metric, const Tensor& output, const Tensor& target) {
  EMBER_CHECK(output.numel() == target.numel(), ShapeError, "[", metric, "] output ", shape_str(output.sizes()),
              " and target ", shape_str(target.sizes()), " hold different numbers of elements");
  return output.reshape({-1}).to(kFloat64) - target.reshape({-1}).to(kFloat64);
}
}  // namespace

MeanMetric::BatchSum MeanSquaredError::batch_sum(const Tensor& output, const Tensor& target) const {
  const Tensor e = regression_error("mse", output, target);
  return {(e * e).sum().item<double>(), static_cast<double>(e.numel())};
}

MeanMetric::BatchSum MeanAbsoluteError::batch_sum(const Tensor& output, const Tensor& target) const {
  const Tensor e = regression_error("mae", output, target);
  return {e.abs().sum().item<double>(), static_cast<double>(e.numel())};
}

FunctionMetric::FunctionMetric(std::string name, Fn fn) : name_(std::move(name)), fn_(std::move(fn)) {
  EMBER_CHECK(!name_.empty() && fn_, ValueError, "[FunctionMetric] needs a name and a function");
}

MeanMetric::BatchSum FunctionMetric::batch_sum(const Tensor& output, const Tensor& target) const {
  const double n = static_cast<double>(output.dim() > 0 ? output.size(0) : 1);
  return {fn_(output, target) * n, n};
}

void ConfusionMatrix::add(const Tensor& logits, const Tensor& target) {
  NoGradGuard no_grad;
  EMBER_CHECK(logits.dim() == 2 && target.dim() == 1 && logits.size(0) == target.size(0), ShapeError,
              "[ConfusionMatrix] expects logits (N, C) and targets (N); got ", shape_str(logits.sizes()), " and ",
              shape_str(target.sizes()));
  const Tensor pred = logits.argmax(1).contiguous(), truth = target.contiguous();
  const int64_t* p = pred.data_ptr<int64_t>();
  const int64_t* t = truth.data_ptr<int64_t>();
  check_indices(t, truth.numel(), classes_, kClasses, "ConfusionMatrix", "target");
  check_indices(p, pred.numel(), classes_, kClasses, "ConfusionMatrix", "prediction");
  for (int64_t i = 0; i < pred.numel(); ++i) ++counts_[t[i] * classes_ + p[i]];
}

double ConfusionMatrix::accuracy() const {
  int64_t right = 0, total = 0;
  for (int64_t i = 0; i < classes_; ++i)
    for (int64_t j = 0; j < classes_; ++j) {
      total += at(i, j);
      if (i == j) right += at(i, j);
    }
  return total ? static_cast<double>(right) / static_cast<double>(total) : 0;
}

}  // namespace ember::train
