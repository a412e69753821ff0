// Trains a two-layer MLP on a synthetic three-arm spiral with nothing but tensors, autograd and
// a hand-written SGD step: the course's "training loop from scratch", before Module and
// optimiser exist. Prints the loss and accuracy every 50 steps; exits non-zero if it fails to
// learn, so it doubles as an end-to-end check.
#include <ember/ember.h>

#include <cmath>
#include <cstdio>

using namespace ember;

// N points per class on C interleaved spiral arms in 2-D: x (N*C, 2) float, y (N*C) int64.
std::pair<Tensor, Tensor> spiral(int64_t n, int64_t classes) {
  const Tensor r = linspace(0.05, 1, n);
  std::vector<Tensor> xs, ys;
  for (int64_t c = 0; c < classes; ++c) {
    const Tensor theta = r * 4 + static_cast<double>(c) * 2 * M_PI / classes + randn({n}) * 0.15;
    xs.push_back(stack({r * theta.sin(), r * theta.cos()}, 1));
    ys.push_back(full({n}, c, kInt64));
  }
  return {cat(xs), cat(ys)};
}

int main() {
  manual_seed(0);
  const auto [x, y] = spiral(/*n=*/200, /*classes=*/3);
  const int64_t hidden = 64;
  // Kaiming-style scaling keeps activations at unit variance through the ReLU.
  Tensor w1 = (randn({2, hidden}) * std::sqrt(2.0 / 2)).requires_grad_();
  Tensor b1 = zeros({hidden}, requires_grad());
  Tensor w2 = (randn({hidden, 3}) * std::sqrt(2.0 / hidden)).requires_grad_();
  Tensor b2 = zeros({3}, requires_grad());
  const double lr = 0.5;

  double accuracy = 0;
  for (int step = 0; step <= 500; ++step) {
    const Tensor logits = (x.matmul(w1) + b1).relu().matmul(w2) + b2;
    const Tensor loss = cross_entropy_loss(logits, y);
    loss.backward();
    {
      NoGradGuard no_grad;  // the update itself must not become part of the graph
      for (Tensor* p : {&w1, &b1, &w2, &b2}) {
        p->sub_(p->grad() * lr);
        p->grad().zero_();
      }
    }
    accuracy = (logits.argmax(1) == y).to(kFloat32).mean().item<double>();
    if (step % 50 == 0) std::printf("step %3d  loss %.4f  accuracy %.3f\n", step, loss.item<double>(), accuracy);
  }
  if (accuracy < 0.9) {
    std::fprintf(stderr, "fit_mlp: accuracy %.3f is below 0.9; training failed\n", accuracy);
    return 1;
  }
  std::printf("done: final training accuracy %.3f\n", accuracy);
  return 0;
}
