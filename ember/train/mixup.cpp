#include "ember/train/mixup.h"

#include <random>

#include "ember/autograd/grad_mode.h"
#include "ember/core/random.h"
#include "ember/ops/creation.h"
#include "ember/ops/loss.h"

namespace ember::train {

MixUp::MixUp(double alpha, PerExampleLoss loss) : alpha_(alpha), loss_(std::move(loss)) {
  EMBER_CHECK(alpha > 0, ValueError, "[MixUp] alpha must be positive; got ", alpha);
  if (!loss_) loss_ = [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y, Reduction::None); };
}

void MixUp::before_batch(Learner& learn) {
  LearnerState& s = learn.state();
  if (!s.training) return;
  NoGradGuard no_grad;
  const int64_t n = s.input.size(0);
  // Beta(a, a) as X / (X + Y) with X, Y ~ Gamma(a), from ember's generator (seeded runs repeat).
  std::gamma_distribution<double> gamma(alpha_, 1.0);
  std::vector<double> l(static_cast<size_t>(n));
  for (double& v : l) {
    const double x = gamma(default_generator().engine()), y = gamma(default_generator().engine());
    v = x + y > 0 ? std::max(x, y) / (x + y) : 0.5;  // the larger of l and 1 - l
  }
  lambda_ = tensor(l).to(s.input.dtype());
  const Tensor perm = randperm(n);
  Shape weight_shape(static_cast<size_t>(s.input.dim()), 1);
  weight_shape[0] = n;
  const Tensor w = lambda_.reshape(weight_shape);
  s.input = s.input * w + s.input.index_select(0, perm) * (1 - w);
  shuffled_target_ = s.target.index_select(0, perm);
}

void MixUp::after_loss(Learner& learn) {
  LearnerState& s = learn.state();
  if (!s.training) return;
  const Tensor a = loss_(s.output, s.target), b = loss_(s.output, shuffled_target_);
  EMBER_CHECK(a.dim() == 1 && a.size(0) == lambda_.size(0), ShapeError,
              "[MixUp] the per-example loss must give one value per example, shape (", lambda_.size(0), "); got ",
              shape_str(a.sizes()), "\n---> HINT: pass a loss with Reduction::None");
  const Tensor l = lambda_.to(a.dtype());
  s.loss = (a * l + b * (1 - l)).mean();
}

}  // namespace ember::train
