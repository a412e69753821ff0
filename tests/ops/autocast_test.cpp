// Autocast (ops/autocast.h): the per-op dtype policy of torch.autocast("cpu"), the guard's scope,
// float32 parameters receiving float32 gradients close to a float32 run's, and a small network
// trained under it reaching the float32 run's accuracy.
#include <gtest/gtest.h>

#include <thread>

#include "support/tensor_expect.h"

namespace ember {
namespace {

using autocast::AutocastGuard;

double relative_error(const Tensor& got, const Tensor& want) {
  const Tensor g = got.detach().to(kFloat64), w = want.detach().to(kFloat64);
  return (g - w).pow(2.0).sum().sqrt().item<double>() / w.pow(2.0).sum().sqrt().item<double>();
}

TEST(Autocast, ProductsRunIn16BitsAndFloat32OpsInFloat32) {
  const Tensor x = randn({4, 8}), w = randn({3, 8}), b = randn({3}), y = tensor({0, 1, 2, 1});
  const Tensor half_x = x.to(kBFloat16);
  {
    AutocastGuard autocast;
    EXPECT_TRUE(autocast::is_cpu_enabled());
    EXPECT_EQ(linear(x, w, b).dtype(), kBFloat16);
    EXPECT_EQ(x.matmul(w.t()).dtype(), kBFloat16);
    EXPECT_EQ(mm(x, w.t()).dtype(), kBFloat16);
    EXPECT_EQ(bmm(x.unsqueeze(0), w.t().unsqueeze(0)).dtype(), kBFloat16);
    EXPECT_EQ(log_softmax(half_x, 1).dtype(), kFloat32);
    EXPECT_EQ(softmax(half_x, 1).dtype(), kFloat32);
    EXPECT_EQ(cross_entropy_loss(half_x, y).dtype(), kFloat32);
    EXPECT_EQ(mse_loss(half_x, x).dtype(), kFloat32);
    EXPECT_EQ(layer_norm(half_x, {8}).dtype(), kFloat32);
    EXPECT_EQ(batch_norm(half_x, {}, {}, {}, {}, true, 0.1, 1e-5).dtype(), kFloat32);
    EXPECT_EQ(conv2d(randn({1, 2, 5, 5}), randn({3, 2, 3, 3}), randn({3})).dtype(), kBFloat16);
    EXPECT_EQ(conv2d(randn({1, 2, 5, 5}).to(kBFloat16), randn({3, 2, 3, 3})).dtype(), kBFloat16);
    EXPECT_EQ(relu(half_x).dtype(), kBFloat16);  // the rest follow their inputs
    EXPECT_EQ((half_x + x).dtype(), kFloat32);   // and promote as usual
  }
  EXPECT_FALSE(autocast::is_cpu_enabled());
  EXPECT_EQ(linear(x, w, b).dtype(), kFloat32);
  // Outside autocast, a float32 op does not quietly widen a 16-bit tensor: it says what to do.
  EXPECT_THROW_MSG(log_softmax(half_x, 1), TypeError, ".to(ember::kFloat32)");
}

TEST(Autocast, TheGuardNestsRestoresAndTakesFloat16) {
  {
    AutocastGuard outer(kHalf);
    EXPECT_EQ(mm(randn({2, 3}), randn({3, 2})).dtype(), kHalf);
    {
      AutocastGuard off(kBFloat16, /*enabled=*/false);
      EXPECT_FALSE(autocast::is_cpu_enabled());
      EXPECT_EQ(mm(randn({2, 3}), randn({3, 2})).dtype(), kFloat32);
    }
    EXPECT_TRUE(autocast::is_cpu_enabled());
    EXPECT_EQ(autocast::get_autocast_cpu_dtype(), kHalf);
    // Per thread, as PyTorch's: a thread started here does not autocast.
    bool other_thread_enabled = true;
    std::thread([&] { other_thread_enabled = autocast::is_cpu_enabled(); }).join();
    EXPECT_FALSE(other_thread_enabled);
  }
  EXPECT_EQ(autocast::get_autocast_cpu_dtype(), kBFloat16);
  EXPECT_THROW_MSG(autocast::set_autocast_cpu_dtype(kFloat64), ValueError, "kBFloat16 or kHalf");
}

// The parameters' gradients of one cross-entropy step, with autocast on or off.
std::vector<Tensor> parameter_grads(nn::Sequential& net, const Tensor& x, const Tensor& y, bool use_autocast) {
  net->zero_grad();
  {
    AutocastGuard autocast(kBFloat16, use_autocast);
    const Tensor loss = cross_entropy_loss(net->forward(x), y);
    EXPECT_EQ(loss.dtype(), kFloat32);
    loss.backward();
  }
  std::vector<Tensor> out;
  for (const Tensor& p : net->parameters()) out.push_back(p.grad().clone());
  return out;
}

void expect_float32_grads_close(nn::Sequential& net, const Tensor& x, const Tensor& y, double tolerance) {
  const auto full = parameter_grads(net, x, y, false), mixed = parameter_grads(net, x, y, true);
  for (size_t i = 0; i < full.size(); ++i) {
    EXPECT_EQ(mixed[i].dtype(), kFloat32);
    EXPECT_EQ(net->parameters()[i].dtype(), kFloat32);
    EXPECT_LT(relative_error(mixed[i], full[i]), tolerance) << "parameter " << i;
  }
}

TEST(Autocast, Float32ParametersGetFloat32GradientsCloseToAFloat32Runs) {
  manual_seed(3);
  nn::Sequential net(nn::Linear(20, 64), nn::ReLU(), nn::Linear(64, 5));
  // bfloat16 keeps 8 bits: a few parts in a thousand per rounding, a percent or two in all.
  const Tensor x = randn({32, 20}), y = randint(0, 5, {32});
  expect_float32_grads_close(net, x, y, 0.03);
}

TEST(Autocast, AConvolutionalNetworkGetsFloat32GradientsToo) {
  // Convolutions in bfloat16, batch norm in float32, pooling in the dtype it gets.
  manual_seed(4);
  // (No bias before the batch norm: its gradient is zero, all rounding noise.)
  nn::Sequential net(nn::Conv2d(nn::Conv2dOptions(1, 4, 3).padding(1).bias(false)), nn::BatchNorm2d(4), nn::ReLU(),
                     nn::Conv2d(nn::Conv2dOptions(4, 6, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(),
                     nn::Linear(6 * 4 * 4, 3));
  const Tensor x = randn({16, 1, 8, 8}), y = randint(0, 3, {16});
  // Batch norm's backward subtracts means, which leaves the rounding of a difference: PyTorch's
  // autocast on this network (three seeds) is off its float32 gradients by 0.2-15%, 5-8% typically.
  expect_float32_grads_close(net, x, y, 0.2);
}

TEST(Autocast, AnMlpTrainedUnderAutocastReachesTheFloat32Accuracy) {
  // Two Gaussian blobs per class in 10 dimensions, 4 classes: a float32 MLP gets well above 90%.
  auto train = [](bool use_autocast) {
    manual_seed(11);
    const Tensor centers = randn({4, 10}) * 3;
    const Tensor y = randint(0, 4, {512});
    const Tensor x = centers.index_select(0, y) + randn({512, 10});
    nn::Sequential net(nn::Linear(10, 32), nn::ReLU(), nn::Linear(32, 4));
    optim::SGD opt(net->parameters(), optim::SGDOptions(0.1).momentum(0.9));
    for (int step = 0; step < 60; ++step) {
      AutocastGuard autocast(kBFloat16, use_autocast);
      opt.zero_grad();
      cross_entropy_loss(net->forward(x), y).backward();
      opt.step();
    }
    NoGradGuard no_grad;
    return (net->forward(x).argmax(1) == y).to(kFloat32).mean().item<double>();
  };
  const double full = train(false), mixed = train(true);
  EXPECT_GT(full, 0.9);
  EXPECT_GT(mixed, full - 0.03);
}

}  // namespace
}  // namespace ember
