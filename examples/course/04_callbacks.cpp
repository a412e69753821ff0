// Notebook 04 (callbacks): a training loop open at every step. The course's TestCallback stops
// training after 10 batches by raising CancelTrainException; an AvgStats callback reports
// metrics; a callback replaces the loss. None of them touches the loop.
//   04_callbacks DATA_DIR
#include <map>

#include "course.h"

using namespace ember;

namespace {

// The course's TestCallback: cancel the training pass after ten batches.
struct StopAfter : train::Callback {
  int64_t batches;
  explicit StopAfter(int64_t n) : batches(n) {}
  void after_step(train::Learner& learn) override {
    if (learn.state().batch >= batches) throw train::CancelTrainException{};
  }
};

// Counts every event it sees, to print the loop's shape.
struct CountEvents : train::Callback {
  std::map<std::string, int> seen;
  void before_fit(train::Learner&) override { ++seen["before_fit"]; }
  void before_epoch(train::Learner&) override { ++seen["before_epoch"]; }
  void before_batch(train::Learner& l) override { ++seen[l.state().training ? "train batches" : "valid batches"]; }
  void after_backward(train::Learner&) override { ++seen["after_backward"]; }
  void after_step(train::Learner&) override { ++seen["after_step"]; }
  void after_cancel_train(train::Learner&) override { ++seen["after_cancel_train"]; }
  void after_epoch(train::Learner&) override { ++seen["after_epoch"]; }
  void after_fit(train::Learner&) override { ++seen["after_fit"]; }
};

std::unique_ptr<train::Learner> learner(const course::Digits& d, std::shared_ptr<nn::Module> model) {
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.05).momentum(0.9));
  auto learn = std::make_unique<train::Learner>(
      model, std::make_shared<data::DataLoader>(d.train, data::DataLoaderOptions(64).shuffle(true)),
      std::make_shared<data::DataLoader>(d.valid, data::DataLoaderOptions(512)),
      [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); }, opt);
  learn->add_metric(std::make_shared<train::Accuracy>());
  return learn;
}

std::shared_ptr<nn::Module> mlp() {
  return nn::Sequential(nn::Flatten(), nn::Linear(784, 50), nn::ReLU(), nn::Linear(50, 10)).ptr();
}

}  // namespace

int main(int argc, char** argv) {
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist");
  manual_seed(0);

  // 1. TestCallback: training stops after 10 batches, validation still runs.
  auto learn = learner(digits, mlp());
  auto events = std::make_shared<CountEvents>();
  learn->add_callback(std::make_shared<StopAfter>(10));
  learn->add_callback(events);
  learn->fit(1);
  std::cout << "with StopAfter(10):\n";
  for (const auto& [name, count] : events->seen) std::printf("  %-20s %d\n", name.c_str(), count);
  const bool stopped = events->seen["train batches"] == 10 && events->seen["after_cancel_train"] == 1 &&
                       events->seen["valid batches"] > 0;

  // 2. AvgStats: the metrics the course prints every epoch, a user's own among them.
  auto full = learner(digits, mlp());
  full->add_metric(std::make_shared<train::TopKAccuracy>(3));
  full->add_metric(std::make_shared<train::FunctionMetric>("mean_confidence", [](const Tensor& out, const Tensor&) {
    return softmax(out, 1).amax(1).mean().item<double>();
  }));
  full->add_callback(std::make_shared<train::ProgressCallback>(std::cout, std::cerr, false));
  std::cout << "\nthe full loop with the course's metrics and one of our own:\n";
  full->fit(2);
  const train::EpochMetrics& last = full->history().back();
  return course::check(stopped, "TestCallback cancels training after 10 batches, and validation still runs") |
         course::check(last.metric("accuracy") > 0.9 && last.metric("top3_accuracy") > last.metric("accuracy"),
                       "two epochs reach 90% accuracy; top-3 accuracy is higher still");
}
