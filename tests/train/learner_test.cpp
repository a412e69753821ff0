// The Learner and its callbacks, on a small synthetic problem and on the shipped MNIST digits.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace fs = std::filesystem;

struct BlobRun {
  std::shared_ptr<nn::SequentialImpl> model;
  std::shared_ptr<data::DataLoader> train, valid;
  std::shared_ptr<optim::SGD> opt;
  std::unique_ptr<train::Learner> learner;
};

// Two Gaussian blobs per class in 2-D: learnable to ~100% in a few epochs.
// Data and shuffling come from `seed`, the model's initial weights from `init_seed`.
BlobRun blobs(uint64_t seed = 0, uint64_t init_seed = 0) {
  manual_seed(seed);
  const Tensor y = randint(0, 3, {600});
  const Tensor centers = tensor({{0.0, 3.0}, {3.0, -2.0}, {-3.0, -2.0}});
  const Tensor x = centers.index_select(0, y) + randn({600, 2}) * 0.5;
  auto ds = std::make_shared<data::TensorDataset>(x, y);
  BlobRun s;
  manual_seed(init_seed);
  s.model = nn::Sequential(nn::Linear(2, 16), nn::ReLU(), nn::Linear(16, 3)).ptr();
  s.train = std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(32).shuffle(true).seed(seed));
  s.valid = std::make_shared<data::DataLoader>(ds, data::DataLoaderOptions(200));
  s.opt = std::make_shared<optim::SGD>(s.model->parameters(), optim::SGDOptions(0.1).momentum(0.9));
  s.learner = std::make_unique<train::Learner>(s.model, s.train, s.valid,
                                               [](const Tensor& o, const Tensor& t) { return cross_entropy_loss(o, t); }, s.opt);
  s.learner->add_metric(std::make_shared<train::Accuracy>());
  return s;
}

TEST(Learner, TrainsAClassifier) {
  BlobRun s = blobs();
  s.learner->fit(2);
  ASSERT_EQ(s.learner->history().size(), 2u);
  EXPECT_GT(s.learner->history().back().metric("accuracy"), 0.95);
  EXPECT_LT(s.learner->history().back().train_loss, s.learner->history().front().train_loss);
  EXPECT_EQ(s.learner->state().iteration, 2 * s.train->size());
}

TEST(Learner, AReducerTurnsPartialSumsIntoTotals) {
  // Two identical "processes": totals double every sum, so means and accuracies stay as they
  // are while the example count doubles.
  BlobRun plain = blobs(3), doubled = blobs(3);
  int calls = 0;
  doubled.learner->set_reducer([&](std::vector<double>& sums) {
    ++calls;
    EXPECT_EQ(sums.size(), 4u);  // loss sum and weight, accuracy's sum and count
    for (double& v : sums) v *= 2;
  });
  const train::EvalResult a = plain.learner->evaluate(*plain.valid), b = doubled.learner->evaluate(*doubled.valid);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(b.examples, 2 * a.examples);
  EXPECT_NEAR(b.loss, a.loss, 1e-12);
  EXPECT_NEAR(b.metrics.at(0).second, a.metrics.at(0).second, 1e-12);
  // fit: one reduction after the training pass (the loss alone) and one after validation.
  std::vector<size_t> sizes;
  doubled.learner->set_reducer([&](std::vector<double>& sums) { sizes.push_back(sums.size()); });
  doubled.learner->fit(1);
  EXPECT_EQ(sizes, (std::vector<size_t>{2, 4}));
}

TEST(Metric, OneThatIsNotASumRefusesToBeReduced) {
  struct Median : train::Metric {
    std::string name() const override { return "median"; }
    void reset() override {}
    void update(const Tensor&, const Tensor&) override {}
    double compute() const override { return 0; }
  } median;
  try {
    median.sums();
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("'median' does not say how its results add up"), std::string::npos) << e.what();
  }
  train::Accuracy accuracy;
  accuracy.set_sums({3, 4});
  EXPECT_DOUBLE_EQ(accuracy.compute(), 0.75);
  EXPECT_THROW(accuracy.set_sums({1}), ValueError);
}

TEST(Learner, SameSeedSameResult) {
  BlobRun a = blobs(5), b = blobs(5);
  a.learner->fit(2);
  b.learner->fit(2);
  EXPECT_EQ(a.learner->history().back().train_loss, b.learner->history().back().train_loss);
  EXPECT_TENSOR_EQ(a.model->parameters()[0], b.model->parameters()[0]);
}

TEST(Learner, EarlyStoppingStopsWhenValidationStallsAndSchedulesMoveTheRate) {
  BlobRun s = blobs();
  s.opt->set_lr(0.0);  // nothing improves
  auto stop = std::make_shared<train::EarlyStopping>(2);
  s.learner->add_callback(stop);
  s.learner->fit(20);
  EXPECT_EQ(s.learner->history().size(), 3u);  // best at 1, then two epochs without improvement

  BlobRun t = blobs();
  auto sched = std::make_shared<optim::StepLR>(*t.opt, 1, 0.5);
  t.learner->add_callback(std::make_shared<train::LRSchedulerCallback>(sched, train::LRSchedulerCallback::Every::Epoch));
  t.learner->fit(3);
  EXPECT_DOUBLE_EQ(t.learner->history()[2].lr, 0.025);
  EXPECT_DOUBLE_EQ(t.opt->lr(), 0.0125);
}

TEST(Learner, ProgressPrintsATableRowPerEpoch) {
  BlobRun s = blobs();
  std::ostringstream table, bar;
  s.learner->add_callback(std::make_shared<train::ProgressCallback>(table, bar, /*bar_is_terminal=*/true));
  s.learner->fit(2);
  const std::string out = table.str();
  EXPECT_NE(out.find("epoch  train_loss  valid_loss   accuracy        lr   seconds"), std::string::npos) << out;
  EXPECT_NE(out.find("\n    2  "), std::string::npos);
  EXPECT_NE(bar.str().find("batch/s  loss"), std::string::npos);
}

TEST(Learner, WithoutValidationDataTheTableShowsNoValidationLoss) {
  BlobRun s = blobs();
  s.learner = std::make_unique<train::Learner>(s.model, s.train, nullptr,
                                               [](const Tensor& o, const Tensor& t) { return cross_entropy_loss(o, t); }, s.opt);
  s.learner->add_metric(std::make_shared<train::Accuracy>());
  std::ostringstream table, bar;
  s.learner->add_callback(std::make_shared<train::ProgressCallback>(table, bar, false));
  s.learner->fit(1);
  EXPECT_TRUE(std::isnan(s.learner->history().back().valid_loss));
  EXPECT_NE(table.str().find("           -          -"), std::string::npos) << table.str();
  s.learner->add_callback(std::make_shared<train::EarlyStopping>(2));
  EXPECT_THROW_MSG(s.learner->fit(2), ValueError, "[EarlyStopping] epoch 2 has no validation loss to watch");
}

TEST(Learner, CheckpointResumeMatchesAnUninterruptedRun) {
  const std::string path = (fs::temp_directory_path() / ("ember_ckpt_" + std::to_string(::getpid()) + ".safetensors")).string();
  BlobRun full = blobs(2);
  full.learner->fit(4);

  BlobRun first = blobs(2);
  first.learner->add_callback(std::make_shared<train::CheckpointCallback>(path));
  first.learner->fit(2);
  BlobRun resumed = blobs(2, /*init_seed=*/9);  // other weights: all must come from the checkpoint
  train::CheckpointCallback::resume(*resumed.learner, path);
  EXPECT_EQ(resumed.learner->start_epoch(), 2);
  resumed.learner->fit(4);
  ASSERT_EQ(resumed.learner->history().size(), 4u);
  EXPECT_TENSOR_EQ(resumed.model->parameters()[0], full.model->parameters()[0]);
  EXPECT_DOUBLE_EQ(resumed.learner->history().back().valid_loss, full.learner->history().back().valid_loss);
  fs::remove(path);
}

// Marks batch 3 of epoch 2 as the one whose loss turns NaN, and keeps the weights before it.
struct PoisonBatch : train::Callback {
  bool poison = false;
  std::vector<Tensor> before;
  void before_batch(train::Learner& l) override {
    poison = l.state().epoch == 2 && l.state().batch == 3;
    if (poison)
      for (const Tensor& p : l.model().parameters()) before.push_back(p.detach().clone());
  }
};

TEST(Learner, ANonFiniteLossStopsTrainingBeforeItReachesTheWeights) {
  testing::TempDir dir;
  BlobRun s = blobs();
  auto poison = std::make_shared<PoisonBatch>();
  s.learner = std::make_unique<train::Learner>(
      s.model, s.train, s.valid,
      [poison](const Tensor& o, const Tensor& t) { return cross_entropy_loss(o, t) * (poison->poison ? NAN : 1.0); },
      s.opt);
  s.learner->add_callback(poison);
  s.learner->add_callback(std::make_shared<train::CheckpointCallback>(dir.file("ckpt.safetensors")));
  EXPECT_THROW_MSG(s.learner->fit(3), ValueError,
                   "[Learner] the loss is nan at epoch 2, batch 3; training stopped before this step");
  const std::vector<Tensor> now = s.model->parameters();
  ASSERT_EQ(poison->before.size(), now.size());
  for (size_t i = 0; i < now.size(); ++i) EXPECT_TENSOR_EQ(now[i], poison->before[i]);
  // The last good checkpoint is epoch 1's, whole.
  EXPECT_EQ(load_safetensors(dir.file("ckpt.safetensors")).metadata.at("ember.checkpoint.epoch"), "1");
}

TEST(Learner, CsvLoggerAndActivationStats) {
  const std::string path = (fs::temp_directory_path() / ("ember_log_" + std::to_string(::getpid()) + ".csv")).string();
  BlobRun s = blobs();
  s.learner->add_callback(std::make_shared<train::CSVLogger>(path));
  auto stats = std::make_shared<train::ActivationStats>(*s.model);
  s.learner->add_callback(stats);
  s.learner->fit(2);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const auto history = train::history_from_csv(text.str());
  ASSERT_EQ(history.size(), 2u);
  EXPECT_NEAR(history[1].metric("accuracy"), s.learner->history()[1].metric("accuracy"), 1e-8);
  EXPECT_EQ(text.str().substr(0, text.str().find('\n')), "epoch,train_loss,valid_loss,accuracy,lr,seconds");
  EXPECT_EQ(stats->layers(), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(stats->means(1).size(), static_cast<size_t>(2 * s.train->size()));  // training batches only
  EXPECT_GE(stats->means(1).back(), 0);  // after a ReLU
  fs::remove(path);
}

// The end-to-end check: the recipe of `ember train` on a subset of the shipped MNIST digits.
TEST(ConfusionMatrix, CountsAndRefusesBadTargets) {
  train::ConfusionMatrix cm(3);
  cm.add(tensor({{0.9, 0.1, 0.0}, {0.0, 0.2, 0.8}, {0.1, 0.7, 0.2}}), tensor({0, 2, 0}, kInt64));
  EXPECT_EQ(cm.at(0, 0), 1);
  EXPECT_EQ(cm.at(2, 2), 1);
  EXPECT_EQ(cm.at(0, 1), 1);
  EXPECT_NEAR(cm.accuracy(), 2.0 / 3, 1e-12);
  EXPECT_THROW_MSG(cm.add(randn({2, 3}), tensor({0, 3}, kInt64)), IndexError,
                   "[ConfusionMatrix] target 3 at position 1 is out of bounds for 3 classes");
  EXPECT_THROW_MSG(cm.add(randn({2, 3}), tensor({0}, kInt64)), ShapeError,
                   "[ConfusionMatrix] expects logits (N, C) and targets (N); got (2, 3) and (1)");
  EXPECT_THROW_MSG(cm.add(tensor({{0.0, 0.0, 0.0, 1.0}, {1.0, 0.0, 0.0, 0.0}}), tensor({0, 1}, kInt64)), IndexError,
                   "[ConfusionMatrix] prediction 3 at position 0 is out of bounds for 3 classes");
}

TEST(EndToEnd, MlpLearnsMnistDigitsFromASubset) {
  const std::string root = std::string(EMBER_SOURCE_DIR) + "/data/mnist";
  data::MNIST train_set(root, data::MNIST::Split::Train), test_set(root, data::MNIST::Split::Test);
  const auto [mean, std] = train_set.stats();
  train_set.normalize(mean, std);
  test_set.normalize(mean, std);
  auto train_data = std::make_shared<data::TensorDataset>(train_set.data().narrow(0, 0, 3000), train_set.targets().narrow(0, 0, 3000));
  auto test_data = std::make_shared<data::TensorDataset>(test_set.data(), test_set.targets());
  manual_seed(0);
  auto model = nn::Sequential(nn::Flatten(), nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10)).ptr();
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.05).momentum(0.9));
  train::Learner learner(model, std::make_shared<data::DataLoader>(train_data, data::DataLoaderOptions(64).shuffle(true)),
                         std::make_shared<data::DataLoader>(test_data, data::DataLoaderOptions(500)),
                         [](const Tensor& o, const Tensor& t) { return cross_entropy_loss(o, t); }, opt);
  learner.add_metric(std::make_shared<train::Accuracy>());
  learner.fit(3);
  EXPECT_GT(learner.history().back().metric("accuracy"), 0.90);  // measured 0.92-0.93 with this seed
}

}  // namespace
}  // namespace ember
