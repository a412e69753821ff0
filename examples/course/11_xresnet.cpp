// Notebook 11 (train_imagenette): XResNet, the ResNet with the "bag of tricks" changes: a stem of
// three 3x3 convolutions, a shortcut that average-pools before its 1x1 convolution, and the last
// BatchNorm of every block initialised to zero, so each block starts as its shortcut and a deep
// network trains like a shallow one at first. Prints the family's sizes (equal to the PyTorch
// twins', bench/compare/torch_models.py: 11,736,456 / 21,844,616 / 25,603,976 parameters for
// 3 input channels and 1000 classes), checks that a fresh block is its shortcut, and trains
// xresnet18 for one epoch on 2,000 of the digits.
//   11_xresnet DATA_DIR
#include "course.h"

using namespace ember;

namespace {

int64_t parameter_count(nn::Module& m) {
  int64_t n = 0;
  for (const Tensor& p : m.parameters()) n += p.numel();
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  // xresnet18 is ~50x the work of notebook 07's CNN: the first 2,000 digits keep this to seconds.
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist", /*train_limit=*/2000);
  const int64_t expected[] = {11736456, 21844616, 25603976};
  int failures = 0;
  int k = 0;
  for (auto [name, make] : {std::pair{"xresnet18", &models::xresnet18}, std::pair{"xresnet34", &models::xresnet34},
                            std::pair{"xresnet50", &models::xresnet50}}) {
    auto net = make(3, 1000);
    const int64_t n = parameter_count(*net);
    std::printf("%-10s %10lld parameters (3 channels in, 1000 classes)\n", name, static_cast<long long>(n));
    failures |= course::check(n == expected[k++], std::string(name) + " has its PyTorch twin's parameter count");
  }

  manual_seed(4);
  models::ResBlock block(1, 64, 128, /*stride=*/2);
  const Tensor x = randn({2, 64, 7, 7});
  const double gap = (block(x) - block->idconv(block->pool(x)).relu()).abs().max().item<double>();
  std::printf("fresh strided ResBlock vs its shortcut: max |difference| %.3g, output %s\n", gap,
              shape_str(block(x).sizes()).c_str());
  failures |= course::check(gap == 0, "a fresh block is exactly its shortcut (the zero-initialised BatchNorm)");

  manual_seed(4);
  nn::Sequential net = models::xresnet18(/*c_in=*/1, /*c_out=*/10);
  const double acc = course::fit(net.ptr(), digits, 1, 0.1, /*batch_size=*/64);
  std::printf("\nxresnet18 on 2,000 digits, one epoch: accuracy %.4f\n", acc);
  return failures | course::check(acc > 0.8, "xresnet18 passes 80% after one epoch on 2,000 digits");
}
