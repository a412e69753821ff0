#include <gtest/gtest.h>

#include <sstream>

#include "support/tensor_expect.h"

namespace ember {
namespace {

struct TwoLayer : nn::Module {
  TwoLayer() : Module("TwoLayer") {
    fc1 = register_module("fc1", nn::Linear(4, 3));
    fc2 = register_module("fc2", nn::Linear(nn::LinearOptions(3, 2).bias(false)));
    register_buffer("steps", zeros({1}));
  }
  Tensor forward(const Tensor& x) override { return fc2(fc1(x).relu()); }
  nn::Linear fc1{nullptr}, fc2{nullptr};
};

TEST(Module, NamedParametersUsePyTorchStateDictKeys) {
  TwoLayer m;
  std::vector<std::string> names;
  for (auto& [name, p] : m.named_parameters()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"fc1.weight", "fc1.bias", "fc2.weight"}));
  EXPECT_EQ(m.parameters().size(), 3u);
  EXPECT_EQ(m.named_buffers()[0].first, "steps");
  EXPECT_EQ(m.children().size(), 2u);
  EXPECT_EQ(m.parameters(/*recurse=*/false).size(), 0u);
  nn::Sequential seq(nn::Linear(2, 2), nn::ReLU(), nn::Linear(2, 1));
  EXPECT_EQ(seq->named_parameters()[2].first, "2.weight");
}

TEST(Module, ParametersRequireGradAndShareWithTheModule) {
  nn::Linear fc(4, 3);
  EXPECT_EQ(fc->weight.sizes(), (Shape{3, 4}));  // PyTorch's (out, in)
  EXPECT_TRUE(fc->weight.requires_grad());
  EXPECT_TRUE(fc->parameters()[0].is_same(fc->weight));
  fc(ones({2, 4})).sum().backward();
  EXPECT_TRUE(fc->weight.grad().defined());
  fc->zero_grad();
  EXPECT_FALSE(fc->weight.grad().defined());
}

TEST(Module, LinearComputesXWTransposePlusB) {
  nn::Linear fc(3, 2);
  {
    NoGradGuard guard;
    fc->weight.copy_(tensor({{1.0, 2.0, 3.0}, {0.0, -1.0, 1.0}}));
    fc->bias.copy_(tensor({0.5, -0.5}));
  }
  EXPECT_TENSOR_NEAR(fc(tensor({{1.0, 1.0, 1.0}})), tensor({{6.5, -0.5}}), 0, 1e-6);
  EXPECT_THROW_MSG(fc(ones({2, 4})), ShapeError, "[linear] input (2, 4) does not fit weight (2, 3)");
}

TEST(Module, LinearDefaultInitMatchesPyTorchBounds) {
  manual_seed(0);
  nn::Linear fc(400, 300);
  const double bound = 1 / std::sqrt(400.0);  // kaiming_uniform(a=sqrt(5)) reduces to this
  EXPECT_LE(fc->weight.abs().max().item<double>(), bound);
  EXPECT_GT(fc->weight.abs().max().item<double>(), 0.99 * bound);
  EXPECT_NEAR(fc->weight.std().item<double>(), bound / std::sqrt(3.0), 0.01 * bound);
  EXPECT_LE(fc->bias.abs().max().item<double>(), bound);
}

TEST(Module, TrainEvalPropagatesAndControlsDropout) {
  nn::Sequential seq(nn::Linear(2, 2), nn::Dropout(0.5));
  EXPECT_TRUE(seq->is_training());
  seq->eval();
  EXPECT_FALSE((*seq)[1]->is_training());
  const Tensor x = ones({1000});
  nn::Dropout drop(0.5);
  drop->eval();
  EXPECT_TENSOR_EQ(drop(x), x);
  drop->train();
  const Tensor y = drop(x);
  const double kept = (y > 0).to(kFloat64).mean().item<double>();
  EXPECT_NEAR(kept, 0.5, 0.06);
  EXPECT_NEAR(y.mean().item<double>(), 1.0, 0.12);  // survivors are scaled by 1 / (1 - p)
  EXPECT_THROW_MSG(nn::Dropout(1.5), ValueError, "[Dropout] probability must be in [0, 1]");
}

TEST(Module, HoldersShareOneModule) {
  nn::Linear a(2, 2);
  nn::Linear b = a;  // copies the pointer, not the weights
  EXPECT_EQ(a.ptr(), b.ptr());
  nn::Sequential seq(a);
  EXPECT_EQ((*seq)[0].get(), a.ptr().get());
}

TEST(Module, ToConvertsInPlaceSoOptimisersSeeIt) {
  nn::Linear fc(2, 2);
  const Tensor held = fc->weight;
  fc->to(kFloat64);
  EXPECT_EQ(held.dtype(), kFloat64);
  EXPECT_EQ(fc(ones({1, 2}, kFloat64)).dtype(), kFloat64);
}

TEST(Module, ActivationsAndGeneralReLU) {
  const Tensor x = tensor({-2.0, -0.5, 0.5, 3.0});
  EXPECT_TENSOR_EQ(nn::ReLU()(x), tensor({0.0, 0.0, 0.5, 3.0}));
  EXPECT_TENSOR_NEAR(nn::GeneralReLU(nn::GeneralReLUOptions().leak(0.1).shift(0.4).max_value(2.0))(x),
                     tensor({-0.6, -0.45, 0.1, 2.0}), 0, 1e-6);
  EXPECT_TENSOR_NEAR(nn::Sigmoid()(x), x.sigmoid(), 0, 0);
  EXPECT_TENSOR_NEAR(nn::Tanh()(x), x.tanh(), 0, 0);
  EXPECT_TENSOR_NEAR(nn::Softmax(0)(x).sum(), tensor(1.0), 0, 1e-6);
  EXPECT_TENSOR_NEAR(nn::LogSoftmax(0)(x).exp().sum(), tensor(1.0), 0, 1e-6);
  EXPECT_EQ(nn::Flatten()(zeros({2, 3, 4})).sizes(), (Shape{2, 12}));
}

// A loss takes an input and a target: calling one with an input alone does not compile, through
// the holder, the Impl or its forward (these asserts fail to compile if it becomes possible).
template <class F, class... Args>
concept Callable = requires(F f, Args... a) { f(a...); };
static_assert(Callable<nn::MSELoss, Tensor, Tensor>);
static_assert(!Callable<nn::MSELoss, Tensor>);
static_assert(!Callable<nn::CrossEntropyLoss, Tensor>);
static_assert(!Callable<nn::NLLLossImpl&, Tensor>);
template <class M>
concept HasOneInputForward = requires(M& m, Tensor x) { m.forward(x); };
static_assert(!HasOneInputForward<nn::CrossEntropyLossImpl>);
static_assert(HasOneInputForward<nn::LinearImpl>);
static_assert(Callable<nn::Linear, Tensor>);  // layers keep their one-input call

TEST(Module, LossModulesMatchFunctional) {
  const Tensor logits = randn({4, 5}), target = tensor({0, 4, 2, 1});
  EXPECT_TENSOR_EQ(nn::CrossEntropyLoss()(logits, target), cross_entropy_loss(logits, target));
  EXPECT_TENSOR_EQ(nn::NLLLoss()(logits.log_softmax(1), target), cross_entropy_loss(logits, target));
  EXPECT_TENSOR_EQ(nn::MSELoss()(logits, logits * 2), (logits * logits).mean());
  EXPECT_EQ(nn::CrossEntropyLoss(Reduction::None)(logits, target).sizes(), (Shape{4}));
  EXPECT_TENSOR_NEAR(nn::CrossEntropyLoss(Reduction::Sum)(logits, target), cross_entropy_loss(logits, target) * 4, 1e-6, 1e-6);
}

TEST(Module, Conv2dDefaultInitMatchesPyTorchBounds) {
  manual_seed(0);
  nn::Conv2d conv(16, 32, 5);  // fan_in = 16 * 5 * 5
  EXPECT_EQ(conv->weight.sizes(), (Shape{32, 16, 5, 5}));
  const double bound = 1 / std::sqrt(400.0);
  EXPECT_LE(conv->weight.abs().max().item<double>(), bound);
  EXPECT_GT(conv->weight.abs().max().item<double>(), 0.99 * bound);
  EXPECT_NEAR(conv->weight.std().item<double>(), bound / std::sqrt(3.0), 0.02 * bound);
  EXPECT_LE(conv->bias.abs().max().item<double>(), bound);
  EXPECT_FALSE(nn::Conv2d(nn::Conv2dOptions(1, 2, 3).bias(false))->bias.defined());
  EXPECT_THROW_MSG(nn::Conv2d(0, 2, 3), ValueError, "[Conv2d] in_channels and out_channels must be positive");
}

TEST(Module, ConvAndPoolingLayersGiveTheirFunctionsResults) {
  const Tensor x = randn({2, 3, 9, 8});
  nn::Conv2d conv(nn::Conv2dOptions(3, 4, {3, 2}).stride(2).padding({1, 0}).dilation(1));
  EXPECT_TENSOR_EQ(conv(x), conv2d(x, conv->weight, conv->bias, 2, {1, 0}));
  EXPECT_TENSOR_EQ(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).padding(1))(x), max_pool2d(x, 3, 2, 1));
  nn::MaxPool2d ceil(nn::MaxPool2dOptions(2).ceil_mode(true));
  EXPECT_EQ(ceil(x).sizes(), (Shape{2, 3, 5, 4}));  // 9 rows: the last window holds one
  EXPECT_TENSOR_EQ(ceil(x), max_pool2d(x, 2, {}, 0, 1, /*ceil_mode=*/true));
  EXPECT_NE(ceil->extra_repr().find("ceil_mode=True"), std::string::npos) << ceil->extra_repr();
  EXPECT_TENSOR_EQ(nn::AvgPool2d(nn::AvgPool2dOptions(2).count_include_pad(false).padding(1))(x),
                   avg_pool2d(x, 2, {}, 1, false, false));
  EXPECT_EQ(nn::Unflatten(1, Shape{3, 72})(x.flatten(1)).sizes(), (Shape{2, 3, 72}));
  EXPECT_THROW_MSG(nn::Unflatten(1, Shape{5, 5})(x.flatten(1)), ShapeError,
                   "[Unflatten] cannot split dim 1 of (2, 216) (size 216) into (5, 5)");
}

TEST(Module, TodaysActivationsMatchTheirOpsAndPrintLikePyTorch) {
  const Tensor x = randn({4, 5}) * 3;
  EXPECT_TENSOR_EQ(nn::GELU()(x), gelu(x));
  EXPECT_TENSOR_EQ(nn::GELU(nn::GELUOptions().approximate("tanh"))(x), gelu(x, "tanh"));
  EXPECT_TENSOR_EQ(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2))(x), leaky_relu(x, 0.2));
  EXPECT_TENSOR_EQ(nn::ELU(nn::ELUOptions().alpha(0.5))(x), elu(x, 0.5));
  EXPECT_TENSOR_EQ(nn::Softplus(nn::SoftplusOptions().beta(2).threshold(1))(x), softplus(x, 2, 1));
  EXPECT_TENSOR_EQ(nn::SiLU()(x), silu(x));
  EXPECT_TENSOR_EQ(nn::Mish()(x), mish(x));
  EXPECT_TENSOR_EQ(nn::Hardswish()(x), hardswish(x));
  EXPECT_TENSOR_EQ(nn::LogSigmoid()(x), log_sigmoid(x));
  namespace F = nn::functional;
  EXPECT_TENSOR_EQ(F::logsigmoid(x), log_sigmoid(x));
  EXPECT_TENSOR_EQ(F::leaky_relu(x, 0.3), leaky_relu(x, 0.3));
  // PyTorch 1.13's text for the same layers.
  auto seq = nn::Sequential(nn::GELU(), nn::GELU(nn::GELUOptions().approximate("tanh")), nn::SiLU(), nn::LeakyReLU(),
                            nn::ELU(), nn::Softplus(), nn::Mish(), nn::Hardswish(), nn::LogSigmoid());
  std::ostringstream s;
  s << *seq;
  EXPECT_EQ(s.str(),
            "Sequential(\n  (0): GELU(approximate='none')\n  (1): GELU(approximate='tanh')\n  (2): SiLU()\n"
            "  (3): LeakyReLU(negative_slope=0.01)\n  (4): ELU(alpha=1.0)\n  (5): Softplus(beta=1, threshold=20)\n"
            "  (6): Mish()\n  (7): Hardswish()\n  (8): LogSigmoid()\n)");
  EXPECT_THROW_MSG(gelu(x, "erf"), ValueError, "[gelu] approximate must be 'none' or 'tanh'; got 'erf'");
}

TEST(Module, PrintsLikePyTorch) {
  nn::Sequential seq(nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10));
  std::ostringstream s;
  s << *seq;
  EXPECT_EQ(s.str(),
            "Sequential(\n  (0): Linear(in_features=784, out_features=100, bias=True)\n  (1): ReLU()\n"
            "  (2): Linear(in_features=100, out_features=10, bias=True)\n)");
  // The same text as PyTorch 1.13 prints for the same layers.
  nn::Sequential cnn(nn::Unflatten(1, Shape{1, 28, 28}), nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)),
                     nn::MaxPool2d(2),
                     nn::Conv2d(nn::Conv2dOptions(6, 16, {5, 3}).stride(2).dilation(2).bias(false)),
                     nn::AvgPool2d(nn::AvgPool2dOptions(3).stride(2).padding(1)));
  std::ostringstream c;
  c << *cnn;
  EXPECT_EQ(c.str(),
            "Sequential(\n  (0): Unflatten(dim=1, unflattened_size=(1, 28, 28))\n"
            "  (1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))\n"
            "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
            "  (3): Conv2d(6, 16, kernel_size=(5, 3), stride=(2, 2), dilation=(2, 2), bias=False)\n"
            "  (4): AvgPool2d(kernel_size=3, stride=2, padding=1)\n)");
}

TEST(Module, ForwardHooksSeeEveryCall) {
  nn::Linear fc(2, 3);
  int calls = 0;
  const size_t id = fc->register_forward_hook([&](nn::Module&, const Tensor&, const Tensor& out) {
    EXPECT_EQ(out.sizes(), (Shape{1, 3}));
    ++calls;
  });
  fc(ones({1, 2}));
  fc->remove_forward_hook(id);
  fc(ones({1, 2}));
  EXPECT_EQ(calls, 1);
}

TEST(Module, RegistrationErrors) {
  nn::Module m;
  m.register_parameter("w", ones({1}));
  EXPECT_THROW_MSG(m.register_parameter("w", ones({1})), ValueError, "parameter 'w' is already registered");
  EXPECT_THROW_MSG(m.register_parameter("a.b", ones({1})), ValueError, "must be non-empty and contain no '.'");
  EXPECT_THROW_MSG(m.forward(ones({1})), ValueError, "[Module] this module does not implement forward(Tensor)");
  EXPECT_THROW_MSG(nn::Linear(0, 3), ValueError, "[Linear] in_features and out_features must be positive");
}

TEST(Init, KaimingAndXavierGiveTheCoursesStatistics) {
  manual_seed(3);
  Tensor w = empty({512, 1000});
  nn::init::kaiming_normal_(w, 0, nn::init::FanMode::FanIn, nn::init::Nonlinearity::ReLU);
  EXPECT_NEAR(w.mean().item<double>(), 0, 0.002);
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / 1000), 0.001);
  nn::init::kaiming_uniform_(w, 0, nn::init::FanMode::FanOut, nn::init::Nonlinearity::ReLU);
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / 512), 0.001);
  nn::init::xavier_uniform_(w);
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / 1512), 0.001);
  nn::init::xavier_normal_(w, 2.0);
  EXPECT_NEAR(w.std().item<double>(), 2 * std::sqrt(2.0 / 1512), 0.002);
  nn::init::zeros_(w);
  EXPECT_EQ(w.abs().max().item<double>(), 0);
  nn::init::ones_(w);
  EXPECT_EQ(w.min().item<double>(), 1);
}

TEST(Init, TheCoursesPointKaimingKeepsDeepReLUActivationsScaled) {
  // 50 layers of relu(x @ w): with std 1/sqrt(fan_in) the signal vanishes; with Kaiming's
  // sqrt(2/fan_in) it keeps its scale.
  manual_seed(4);
  Tensor x = randn({256, 256});
  Tensor naive = x, kaiming = x;
  for (int i = 0; i < 50; ++i) {
    Tensor w = empty({256, 256});
    nn::init::normal_(w, 0, 1 / std::sqrt(256.0));
    naive = naive.matmul(w).relu();
    nn::init::kaiming_normal_(w, 0, nn::init::FanMode::FanIn, nn::init::Nonlinearity::ReLU);
    kaiming = kaiming.matmul(w).relu();
  }
  EXPECT_LT(naive.std().item<double>(), 1e-4);
  EXPECT_GT(kaiming.std().item<double>(), 0.1);
  EXPECT_LT(kaiming.std().item<double>(), 10);
}

TEST(Init, GainsAndFans) {
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(nn::init::Nonlinearity::ReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(nn::init::Nonlinearity::Tanh), 5.0 / 3);
  EXPECT_DOUBLE_EQ(nn::init::calculate_gain(nn::init::Nonlinearity::LeakyReLU, std::sqrt(5.0)), std::sqrt(1.0 / 3));
  EXPECT_EQ(nn::init::calculate_fan_in_and_fan_out(zeros({8, 3, 5, 5})), (std::pair<int64_t, int64_t>{75, 200}));
  Tensor v = zeros({3});
  EXPECT_THROW_MSG(nn::init::kaiming_normal_(v), ShapeError, "at least 2 dims");
}

}  // namespace
}  // namespace ember
