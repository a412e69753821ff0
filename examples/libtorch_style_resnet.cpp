// A ResNet written as a libtorch user writes one: a block module with its own
// `Tensor forward(Tensor)`, a Sequential of blocks, SGD with momentum, cross-entropy. The same
// text builds against libtorch with `ember` renamed `torch` (and EMBER_MODULE TORCH_MODULE):
// CMake makes that copy and builds it as libtorch_style_resnet_torch where libtorch-dev is
// installed, so the two programs can be timed side by side.
//   libtorch_style_resnet [STEPS]   -> the loss before and after, and the median step time
#include <ember/ember.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

struct BlockImpl : ember::nn::Module {
  BlockImpl(int64_t in, int64_t out, int64_t stride) {
    conv1 = register_module("conv1", ember::nn::Conv2d(ember::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    bn1 = register_module("bn1", ember::nn::BatchNorm2d(out));
    conv2 = register_module("conv2", ember::nn::Conv2d(ember::nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    bn2 = register_module("bn2", ember::nn::BatchNorm2d(out));
    if (stride != 1 || in != out) {
      shortcut = register_module("shortcut", ember::nn::Sequential(
                                                 ember::nn::Conv2d(ember::nn::Conv2dOptions(in, out, 1).stride(stride).bias(false)),
                                                 ember::nn::BatchNorm2d(out)));
    }
  }
  ember::Tensor forward(ember::Tensor x) {
    ember::Tensor out = ember::relu(bn1(conv1(x)));
    out = bn2(conv2(out));
    return ember::relu(out + (shortcut.is_empty() ? x : shortcut->forward(x)));
  }
  ember::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  ember::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  ember::nn::Sequential shortcut{nullptr};
};
EMBER_MODULE(Block);

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 5;
  ember::manual_seed(0);
  // ResNet-20: a 3x3 stem, three stages of three blocks (16, 32, 64 channels), pooling, a head.
  ember::nn::Sequential model(ember::nn::Conv2d(ember::nn::Conv2dOptions(1, 16, 3).padding(1).bias(false)),
                              ember::nn::BatchNorm2d(16), ember::nn::ReLU());
  int64_t width = 16;
  for (int64_t stage_width : {16, 32, 64})
    for (int b = 0; b < 3; ++b) {
      model->push_back(Block(width, stage_width, b == 0 && stage_width != 16 ? 2 : 1));
      width = stage_width;
    }
  model->push_back(ember::nn::AdaptiveAvgPool2d(1));
  model->push_back(ember::nn::Flatten());
  model->push_back(ember::nn::Linear(64, 10));

  ember::optim::SGD optimizer(model->parameters(), ember::optim::SGDOptions(0.05).momentum(0.9));
  const ember::Tensor x = ember::randn({128, 1, 28, 28});
  const ember::Tensor y = ember::randint(0, 10, {128});
  std::vector<double> seconds;
  double first = 0, last = 0;
  for (int step = 0; step < steps; ++step) {
    const auto start = std::chrono::steady_clock::now();
    optimizer.zero_grad();
    ember::Tensor loss = ember::nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    optimizer.step();
    last = loss.item<double>();
    if (step == 0) first = last;
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("loss %.4f -> %.4f over %d steps; median step %.1f ms (batch 128, 28x28)\n", first, last, steps,
              seconds[seconds.size() / 2] * 1e3);
  return last < first ? 0 : 1;
}
