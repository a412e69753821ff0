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
