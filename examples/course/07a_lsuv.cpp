// Notebook 07a (lsuv): Layer-Sequential Unit-Variance initialisation. One batch goes through
// the network; each convolution in turn has its bias and weight adjusted until its output has
// mean 0 and std 1. No normalisation layer is needed to start training well.
//   07a_lsuv DATA_DIR
#include "course.h"

using namespace ember;

namespace {

nn::Sequential cnn() {  // notebook 06's CNN with GeneralReLU, no normalisation
  return course::cnn({8, 16, 32, 32}, [](nn::Sequential& net, int64_t) {
    net->push_back(nn::GeneralReLU(nn::GeneralReLUOptions().leak(0.1).shift(0.4).max_value(6)));
  });
}

}  // namespace

int main(int argc, char** argv) {
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist");
  manual_seed(3);
  nn::Sequential net = cnn();
  const Tensor batch = digits.train->data().slice(0, 0, 512);

  const auto steps = train::lsuv_init(*net, batch);
  std::cout << "layer   mean before  std before   mean after  std after  adjustments\n";
  bool unit = true;
  for (const auto& s : steps) {
    std::printf("%5s  %11.4f  %10.4f  %11.4f  %9.4f  %11d\n", s.name.c_str(), s.mean_before, s.std_before, s.mean_after,
                s.std_after, s.iterations);
    unit &= std::abs(s.mean_after) < 1e-3 && std::abs(s.std_after - 1) < 1e-3;
  }
  const double acc = course::fit(net.ptr(), digits, 2, 0.3);
  std::printf("\naccuracy after two epochs from LSUV: %.4f\n", acc);
  return course::check(unit, "every convolution's output has mean 0 and std 1 after LSUV") |
         course::check(acc > 0.9, "the LSUV-initialised CNN passes 90% in two epochs");
}
