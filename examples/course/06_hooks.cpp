// Notebook 06 (cuda_cnn_hooks_init): look inside a CNN while it trains. Forward hooks record
// every layer's output statistics and histograms (train::ActivationStats); the telemetry picture
// shows them batch by batch. With PyTorch's default init the activations of a deep ReLU CNN
// shrink layer by layer and many die (sit at zero); Kaiming init and the course's GeneralReLU
// (leak 0.1, shifted down 0.4, capped at 6) keep them alive.
//   06_hooks DATA_DIR [OUT_DIR]   (writes 06_default.png and 06_kaiming.png into OUT_DIR)
#include "course.h"
#include "telemetry.h"

using namespace ember;

namespace {

// The notebook's CNN: four stride-2 convolutions (8-16-32-32 channels), `Act` after each.
template <class Act>
nn::Sequential make_cnn(Act act) {
  return course::cnn({8, 16, 32, 32}, [&](nn::Sequential& net, int64_t) { net->push_back(act()); });
}

struct Run {
  double accuracy, last_std_first_batch, dead_last_batch;
};

Run train_and_watch(nn::Sequential net, const course::Digits& d, const std::string& picture) {
  auto stats = std::make_shared<train::ActivationStats>(*net);
  const double acc = course::fit(net.ptr(), d, /*epochs=*/2, /*max_lr=*/0.3, 128, {stats});
  std::cout << "layer  module        std of batch 1  std of last batch  dead share (last batch)\n";
  const size_t last = stats->layers().size() - 4;  // the last activation (before pool, flatten, linear)
  for (size_t i = 1; i <= last; i += 2) {
    const auto& stds = stats->stds(i);
    std::printf("%5s  %-12s %14.3f  %17.3f  %23.3f\n", stats->layers()[i].c_str(), stats->kind(i).c_str(), stds.front(),
                stds.back(), stats->low_fraction(i, stds.size() - 1));
  }
  cli::plot_activation_histograms(*stats, picture);
  std::cout << "wrote " << picture << "\n";
  return {acc, stats->stds(last).front(), stats->low_fraction(last, stats->stds(last).size() - 1)};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string data = argc > 1 ? argv[1] : "data/mnist", out = argc > 2 ? argv[2] : ".";
  const course::Digits digits = course::load_digits(data);

  std::cout << "== PyTorch's default init, ReLU ==\n";
  manual_seed(1);
  const Run plain = train_and_watch(make_cnn([] { return nn::ReLU(); }), digits, out + "/06_default.png");

  std::cout << "\n== Kaiming init, GeneralReLU(leak 0.1, shift 0.4, max 6) ==\n";
  manual_seed(1);
  nn::Sequential kaiming = make_cnn([] { return nn::GeneralReLU(nn::GeneralReLUOptions().leak(0.1).shift(0.4).max_value(6)); });
  for (auto& [name, p] : kaiming->named_parameters())
    if (p.dim() == 4) nn::init::kaiming_normal_(p, 0.1);
  const Run fixed = train_and_watch(kaiming, digits, out + "/06_kaiming.png");

  std::printf("\naccuracy after two epochs: default %.4f, kaiming %.4f\n", plain.accuracy, fixed.accuracy);
  return course::check(fixed.last_std_first_batch > plain.last_std_first_batch,
                       "Kaiming init keeps the last layer's activations larger in the first batch") |
         course::check(fixed.accuracy > 0.9, "the Kaiming CNN passes 90% after two epochs");
}
