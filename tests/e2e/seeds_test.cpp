// The course's checks, as tests: a forward and backward pass written out by hand must agree
// with autograd (rtol 1e-3, atol 1e-5, the tolerance the course's test_near uses).
#include <gtest/gtest.h>

#include <cmath>

#include "support/tensor_expect.h"

namespace ember {
namespace {

constexpr double kRtol = 1e-3, kAtol = 1e-5;

// lin -> relu -> lin -> mse on 784-wide inputs, gradients by hand.
TEST(Seeds, HandWrittenMlpBackwardMatchesAutograd) {
  manual_seed(1);
  const int64_t n = 1000, m = 784, nh = 50;
  const Tensor x = randn({n, m}), y = randn({n});
  const Tensor w1 = randn({m, nh}) * std::sqrt(2.0 / m), b1 = zeros({nh});
  const Tensor w2 = randn({nh, 1}) * std::sqrt(2.0 / nh), b2 = zeros({1});

  // Forward, keeping every intermediate.
  const Tensor l1 = x.matmul(w1) + b1;
  const Tensor l2 = l1.relu();
  const Tensor out = l2.matmul(w2) + b2;
  // Backward by hand, layer by layer.
  const Tensor out_g = (out.squeeze(-1) - y).unsqueeze(-1) * 2 / static_cast<double>(n);
  const Tensor w2_g = l2.t().matmul(out_g), b2_g = out_g.sum(0), l2_g = out_g.matmul(w2.t());
  const Tensor l1_g = (l1 > 0).to(kFloat32) * l2_g;
  const Tensor w1_g = x.t().matmul(l1_g), b1_g = l1_g.sum(0), x_g = l1_g.matmul(w1.t());

  // The same model through autograd.
  std::vector<Tensor> params;
  for (const Tensor& p : {x, w1, b1, w2, b2}) params.push_back(p.clone().requires_grad_());
  const Tensor pred = (params[0].matmul(params[1]) + params[2]).relu().matmul(params[3]) + params[4];
  const Tensor loss = (pred.squeeze(-1) - y).pow(2).mean();
  loss.backward();

  EXPECT_TENSOR_NEAR(params[0].grad(), x_g, kRtol, kAtol);
  EXPECT_TENSOR_NEAR(params[1].grad(), w1_g, kRtol, kAtol);
  EXPECT_TENSOR_NEAR(params[2].grad(), b1_g, kRtol, kAtol);
  EXPECT_TENSOR_NEAR(params[3].grad(), w2_g, kRtol, kAtol);
  EXPECT_TENSOR_NEAR(params[4].grad(), b2_g, kRtol, kAtol);
  // mse_loss is the same function as the written-out mean of squares.
  EXPECT_TENSOR_NEAR(mse_loss(pred.squeeze(-1), y), loss, 1e-6, 1e-7);
}

// softmax -> log -> pick the label, over two matmuls: the course's first classifier loss.
TEST(Seeds, SoftmaxLogLabelLossMatchesCrossEntropyAndHandGradient) {
  manual_seed(2);
  const int64_t n = 256, m = 784, nh = 50, c = 10;
  const Tensor x = randn({n, m}), target = randint(0, c, {n});
  Tensor w1 = (randn({m, nh}) * std::sqrt(2.0 / m)).requires_grad_();
  Tensor w2 = (randn({nh, c}) * std::sqrt(2.0 / nh)).requires_grad_();

  const Tensor h = x.matmul(w1).relu();
  const Tensor logits = h.matmul(w2);
  // The course's loss, written out: log of softmax, then minus the mean log-probability of
  // each row's label (picked with gather, the C++ form of input[range(n), target]).
  const Tensor log_probs = (logits.exp() / logits.exp().sum(-1, true)).log();
  const Tensor loss = -log_probs.gather(1, target.unsqueeze(1)).mean();
  EXPECT_TENSOR_NEAR(loss, cross_entropy_loss(logits, target), 1e-5, 1e-6);
  loss.backward();

  // By hand: dloss/dlogits = (softmax - one_hot) / n.
  NoGradGuard guard;
  const Tensor probs = logits.softmax(1);
  const Tensor dlogits = (probs - one_hot(target, c).to(kFloat32)) / static_cast<double>(n);
  const Tensor w2_g = h.t().matmul(dlogits);
  const Tensor dh = dlogits.matmul(w2.detach().t()) * (h > 0).to(kFloat32);
  const Tensor w1_g = x.t().matmul(dh);
  EXPECT_TENSOR_NEAR(w2.grad(), w2_g, kRtol, kAtol);
  EXPECT_TENSOR_NEAR(w1.grad(), w1_g, kRtol, kAtol);
}

// The course's matmul ladder: every step computes the same product.
TEST(Seeds, MatmulLadderStepsAgree) {
  const Tensor a = randn({5, 784}), b = randn({784, 10});
  const Tensor loops = [&] {  // triple loop, element by element
    Tensor c = zeros({5, 10});
    const float* pa = a.data_ptr<float>();
    const float* pb = b.data_ptr<float>();
    float* pc = c.data_ptr<float>();
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 10; ++j)
        for (int k = 0; k < 784; ++k) pc[i * 10 + j] += pa[i * 784 + k] * pb[k * 10 + j];
    return c;
  }();
  Tensor row_times_column = zeros({5, 10});
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 10; ++j) row_times_column[i][j].copy_((a[i] * b.select(1, j)).sum());
  Tensor broadcast = zeros({5, 10});
  for (int i = 0; i < 5; ++i) broadcast[i].copy_((a[i].unsqueeze(-1) * b).sum(0));
  const Tensor eins = einsum("ik,kj->ij", {a, b});
  const Tensor kernel = a.matmul(b);
  for (const Tensor& t : {row_times_column, broadcast, eins, kernel}) EXPECT_TENSOR_NEAR(t, loops, 1e-4, 1e-4);
}

}  // namespace
}  // namespace ember
