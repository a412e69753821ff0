// Notebook 10b (mixup, label smoothing): train on blends of pairs of images with blended losses
// (MixUp), and with cross-entropy that spreads a little of the target over every class.
//   10b_mixup DATA_DIR
#include "course.h"

using namespace ember;

namespace {

nn::Sequential bn_cnn() {  // notebook 07's CNN: conv, BatchNorm, ReLU
  return course::cnn({8, 16, 32, 32}, [](nn::Sequential& net, int64_t nf) {
    net->push_back(nn::BatchNorm2d(nf));
    net->push_back(nn::ReLU());
  });
}

struct Result {
  double accuracy, confidence;
};

// Three epochs of one-cycle to lr 0.4; `setup` adds the technique under test.
Result run(const course::Digits& d, const std::string& what, train::Learner::LossFn loss,
           std::shared_ptr<train::Callback> extra) {
  manual_seed(0);
  nn::Sequential net = bn_cnn();
  auto train_loader = std::make_shared<data::DataLoader>(d.train, data::DataLoaderOptions(128).shuffle(true));
  auto opt = std::make_shared<optim::SGD>(net->parameters(), optim::SGDOptions(0.4).momentum(0.9));
  train::Learner learn(net.ptr(), train_loader, std::make_shared<data::DataLoader>(d.valid, data::DataLoaderOptions(512)),
                       std::move(loss), opt);
  learn.add_metric(std::make_shared<train::Accuracy>());
  learn.add_metric(std::make_shared<train::FunctionMetric>("confidence", [](const Tensor& out, const Tensor&) {
    return softmax(out, 1).amax(1).mean().item<double>();
  }));
  const train::OneCycleSchedules cycle = train::one_cycle(0.4, 3 * train_loader->size());
  learn.add_callback(std::make_shared<train::ParamScheduler>("lr", cycle.lr));
  learn.add_callback(std::make_shared<train::ParamScheduler>("momentum", cycle.momentum));
  if (extra) learn.add_callback(extra);
  std::cout << "\n" << what << ":\n";
  learn.add_callback(std::make_shared<train::ProgressCallback>(std::cout, std::cerr, false));
  learn.fit(3);
  return {learn.history().back().metric("accuracy"), learn.history().back().metric("confidence")};
}

}  // namespace

int main(int argc, char** argv) {
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist");
  auto plain_loss = [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); };
  auto smoothed = [](const Tensor& out, const Tensor& y) {
    return nn::functional::cross_entropy(out, y, nn::functional::CrossEntropyFuncOptions().label_smoothing(0.1));
  };
  const Result plain = run(digits, "plain cross-entropy", plain_loss, nullptr);
  const Result mixup = run(digits, "MixUp (alpha 0.4)", plain_loss, std::make_shared<train::MixUp>(0.4));
  const Result smooth = run(digits, "label smoothing 0.1", smoothed, nullptr);
  std::printf("\n%-22s %10s %12s\n", "", "accuracy", "confidence");
  std::printf("%-22s %10.4f %12.4f\n", "plain", plain.accuracy, plain.confidence);
  std::printf("%-22s %10.4f %12.4f\n", "MixUp", mixup.accuracy, mixup.confidence);
  std::printf("%-22s %10.4f %12.4f\n", "label smoothing", smooth.accuracy, smooth.confidence);
  return course::check(mixup.accuracy > 0.95 && smooth.accuracy > 0.95, "MixUp and label smoothing both pass 95%") |
         course::check(smooth.confidence < plain.confidence && mixup.confidence < plain.confidence,
                       "both make the network less over-confident than plain cross-entropy");
}
