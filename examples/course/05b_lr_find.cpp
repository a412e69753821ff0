// Notebook 05b (early stopping, LR finder): sweep the learning rate exponentially, stop when the
// loss blows up (a callback cancelling the fit), and put the model back as it was; then train
// at the suggested rate.
//   05b_lr_find DATA_DIR [OUT_DIR]  (OUT_DIR gets the loss-against-rate plot)
#include "course.h"
#include "plot.h"

using namespace ember;

int main(int argc, char** argv) {
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist");
  const std::string out_dir = argc > 2 ? argv[2] : ".";
  manual_seed(0);
  auto model = nn::Sequential(nn::Flatten(), nn::Linear(784, 50), nn::ReLU(), nn::Linear(50, 10)).ptr();
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.1).momentum(0.9));
  train::Learner learn(model, std::make_shared<data::DataLoader>(digits.train, data::DataLoaderOptions(64).shuffle(true)),
                       std::make_shared<data::DataLoader>(digits.valid, data::DataLoaderOptions(512)),
                       [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); }, opt);
  learn.add_metric(std::make_shared<train::Accuracy>());
  const Tensor before = model->parameters()[0].detach().clone();

  const train::LRFinderResult found = train::lr_find(learn);
  std::printf("%12s %10s\n", "lr", "loss");
  for (size_t i = 0; i < found.lrs.size(); i += 10) std::printf("%12.3g %10.4f\n", found.lrs[i], found.losses[i]);
  std::printf("%12.3g %10.4f  (last)\n", found.lrs.back(), found.losses.back());
  std::printf("\n%zu batches; lowest loss at lr %.3g; suggested lr %.3g\n", found.lrs.size(), found.min_loss_lr,
              found.suggested_lr);
  ember::cli::plot_lr_find(found.lrs, found.losses, found.suggested_lr, out_dir + "/05b_lr_find.png");
  const bool restored = equal(model->parameters()[0], before);

  // Train at the suggested rate (one-cycle up to it) and at a rate 100x past it.
  const double acc = course::fit(model, digits, 2, found.suggested_lr * 10, 64);
  std::printf("two epochs of one-cycle to 10x the suggestion (%.3g): accuracy %.4f\n", found.suggested_lr * 10, acc);
  return course::check(restored, "the model is exactly as it was after the sweep") |
         course::check(found.suggested_lr > 1e-4 && found.suggested_lr < 1, "the suggested rate lies in a sensible range") |
         course::check(acc > 0.91, "training near the rate the finder found passes 91% in two epochs");
}
