// BatchNorm1d / BatchNorm2d against PyTorch (tests/reference/fixtures/torch_batchnorm.safetensors,
// written by tools/gen_fixtures.py): training outputs, running statistics after three steps with
// momentum 0.2 and with momentum None (a cumulative average), eval-mode outputs, and the names
// and shapes of the state; plus the settings, the printed form and bad input.
#include "support/fixtures.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

std::map<std::string, Tensor> fixture() {
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : load_safetensors(std::string(EMBER_FIXTURE_DIR) + "/torch_batchnorm.safetensors").tensors)
    out[name] = t;
  return out;
}

TEST(BatchNorm, RunningStatisticsAndEvalOutputsMatchPyTorch) {
  auto f = fixture();
  nn::BatchNorm2d bn2(nn::BatchNorm2dOptions(3).momentum(0.2));
  nn::BatchNorm1d bn1(nn::BatchNorm1dOptions(4).momentum(std::nullopt));
  {
    NoGradGuard no_grad;
    bn2->weight.copy_(f["bn2.weight"]);
    bn2->bias.copy_(f["bn2.bias"]);
  }
  for (int step = 0; step < 3; ++step) {
    const std::string s = std::to_string(step);
    EXPECT_TENSOR_NEAR(bn2(f["bn2.train_input_" + s]), f["bn2.train_output_" + s], 1e-5, 1e-5) << "step " << s;
    bn1(f["bn1.train_input_" + s]);
  }
  for (const char* m : {"bn2", "bn1"}) {
    const auto buffers = std::string(m) == "bn2" ? bn2->named_buffers() : bn1->named_buffers();
    ASSERT_EQ(buffers.size(), 3u);
    for (const auto& [name, t] : buffers) {
      SCOPED_TRACE(std::string(m) + "." + name);
      const Tensor& expected = f[std::string(m) + "." + name];
      EXPECT_EQ(t.sizes(), expected.sizes());
      if (name == "num_batches_tracked") EXPECT_EQ(t.item<int64_t>(), 3);
      else EXPECT_TENSOR_NEAR(t, expected, 1e-5, 1e-6);
    }
  }
  bn2->eval();
  bn1->eval();
  EXPECT_TENSOR_NEAR(bn2(f["bn2.eval_input"]), f["bn2.eval_output"], 1e-5, 1e-5);
  EXPECT_TENSOR_NEAR(bn1(f["bn1.eval_input"]), f["bn1.eval_output"], 1e-5, 1e-5);
}

TEST(BatchNorm, StateIsNamedAsPyTorchsAndSettingsChangeIt) {
  nn::BatchNorm2d bn(16);
  std::vector<std::string> names;
  for (const auto& [name, t] : state_dict(*bn)) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"weight", "bias", "running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_EQ(bn->num_batches_tracked.dtype(), kInt64);
  nn::BatchNorm1d plain(nn::BatchNorm1dOptions(4).affine(false).track_running_stats(false));
  EXPECT_TRUE(plain->parameters().empty());
  EXPECT_TRUE(plain->buffers().empty());
  plain->eval();  // no running statistics: the batch's own, even in eval mode
  const Tensor x = randn({8, 4}) * 3 + 2;
  EXPECT_TENSOR_NEAR(plain(x).mean(0), zeros({4}), 0, 1e-5);
  std::ostringstream s;
  s << *nn::Sequential(nn::BatchNorm2d(16), nn::BatchNorm1d(nn::BatchNorm1dOptions(4).momentum(std::nullopt).affine(false)));
  EXPECT_EQ(s.str(), "Sequential(\n  (0): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)\n"
                     "  (1): BatchNorm1d(4, eps=1e-05, momentum=None, affine=False, track_running_stats=True)\n)");
}

TEST(BatchNorm, TrainsThroughAutogradAndNamesBadInput) {
  nn::BatchNorm2d bn(3);
  const Tensor x = randn({4, 3, 2, 2}, requires_grad());
  (bn(x) * randn({4, 3, 2, 2})).sum().backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_TRUE(bn->weight.grad().defined());
  EXPECT_TENSOR_NEAR(x.grad().sum({0, 2, 3}), zeros({3}), 0, 1e-5);  // normalising removes the mean's direction
  EXPECT_THROW_MSG(bn(randn({4, 5, 2, 2})), ShapeError, "[BatchNorm2d] expected 3 channels in dim 1; got input (4, 5, 2, 2)");
  EXPECT_THROW_MSG(bn(randn({4, 3})), ShapeError, "[BatchNorm2d] expects an input of shape (N, C, H, W); got (4, 3)");
  EXPECT_THROW_MSG(nn::BatchNorm1d(3)(randn({1, 3})), ValueError,
                   "[batch_norm] expected more than 1 value per channel when training; got input (1, 3)");
  EXPECT_THROW_MSG(nn::BatchNorm1d(0), ValueError, "[BatchNorm1d] num_features must be positive; got 0");
}

}  // namespace
}  // namespace ember
