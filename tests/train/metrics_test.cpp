// Metric objects accumulated over batches, and a regression model trained through the Learner.
#include <gtest/gtest.h>

#include <sstream>

#include "support/tensor_expect.h"

namespace ember {
namespace {

// Feeds `output` and `target` to `metric` in batches of `batch` rows and returns compute().
double over_batches(train::Metric& metric, const Tensor& output, const Tensor& target, int64_t batch) {
  metric.reset();
  for (int64_t i = 0; i < output.size(0); i += batch) {
    const int64_t n = std::min(batch, output.size(0) - i);
    metric.update(output.narrow(0, i, n), target.narrow(0, i, n));
  }
  return metric.compute();
}

TEST(Metrics, AccuracyOverUnevenBatchesIsTheAccuracyOfTheWhole) {
  manual_seed(1);
  const Tensor logits = randn({37, 5}), target = randint(0, 5, {37});
  train::Accuracy acc;
  EXPECT_DOUBLE_EQ(over_batches(acc, logits, target, 10), train::accuracy(logits, target));
  EXPECT_EQ(acc.name(), "accuracy");
}

TEST(Metrics, TopKAccuracyCountsTargetsAmongTheKLargest) {
  const Tensor logits = tensor({{0.1, 0.5, 0.4}, {0.9, 0.05, 0.05}, {0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}});
  const Tensor target = tensor({2, 2, 2, 2}, kInt64);  // ranks: 2nd, tied 2nd/3rd, 1st, 3rd
  train::TopKAccuracy top1(1), top2(2), top3(3);
  EXPECT_DOUBLE_EQ(over_batches(top1, logits, target, 3), 0.25);
  EXPECT_DOUBLE_EQ(over_batches(top2, logits, target, 3), 0.75);  // a tie counts in the target's favour
  EXPECT_DOUBLE_EQ(over_batches(top3, logits, target, 3), 1.0);
  EXPECT_EQ(top2.name(), "top2_accuracy");
  manual_seed(2);
  const Tensor l = randn({50, 7}), t = randint(0, 7, {50});
  EXPECT_DOUBLE_EQ(over_batches(top1, l, t, 8), train::accuracy(l, t));
  train::TopKAccuracy top9(9);
  EXPECT_THROW_MSG(top9.update(l, t), ValueError, "[top9_accuracy] k = 9 but the logits have only 7 classes");
  EXPECT_THROW_MSG(train::TopKAccuracy(0), ValueError, "[TopKAccuracy] k must be at least 1; got 0");
}

TEST(Metrics, MseAndMaeAverageOverEveryElement) {
  const Tensor out = tensor({{1.0}, {2.0}, {4.0}});  // a regression head's (N, 1)
  const Tensor target = tensor({1.5, 2.0, 1.0});    // targets (N)
  train::MeanSquaredError mse;
  train::MeanAbsoluteError mae;
  EXPECT_DOUBLE_EQ(over_batches(mse, out, target, 2), (0.25 + 0 + 9) / 3);
  EXPECT_DOUBLE_EQ(over_batches(mae, out, target, 2), (0.5 + 0 + 3) / 3);
  EXPECT_THROW_MSG(mse.update(out, tensor({1.0, 2.0})), ShapeError,
                   "[mse] output (3, 1) and target (2) hold different numbers of elements");
}

TEST(Metrics, FunctionMetricWeighsBatchesByTheirSize) {
  // The batch mean of the target: over batches of 3 and 1 the weighted mean is the overall mean.
  train::FunctionMetric mean_target("mean_target", [](const Tensor&, const Tensor& y) { return y.mean().item<double>(); });
  const Tensor y = tensor({1.0, 2.0, 3.0, 10.0});
  EXPECT_DOUBLE_EQ(over_batches(mean_target, y, y, 3), 4.0);
  EXPECT_EQ(mean_target.name(), "mean_target");
  EXPECT_THROW_MSG(train::FunctionMetric("", nullptr), ValueError, "[FunctionMetric] needs a name and a function");
}

TEST(Metrics, AskingForAMetricThatIsNotThereNamesThoseThatAre) {
  train::EpochMetrics m;
  m.epoch = 3;
  m.metrics = {{"mse", 0.5}, {"mae", 0.25}};
  EXPECT_DOUBLE_EQ(m.metric("mae"), 0.25);
  EXPECT_THROW_MSG(m.metric("accuracy"), ValueError, "[EpochMetrics] no metric 'accuracy' in epoch 3; it has mse, mae");
  m.metrics.clear();
  EXPECT_THROW_MSG(m.metric("accuracy"), ValueError, "it has none (add one with Learner::add_metric)");
}

TEST(Metrics, HistoryCsvKeepsEveryMetricColumn) {
  std::vector<train::EpochMetrics> history(2);
  for (int i = 0; i < 2; ++i) {
    history[i].epoch = i + 1;
    history[i].train_loss = 1.0 / (i + 1);
    history[i].valid_loss = 2.0 / (i + 1);
    history[i].metrics = {{"mse", 0.1 * i}, {"top5_accuracy", 0.9}};
    history[i].lr = 0.01;
    history[i].seconds = 1.5;
  }
  const std::string csv = train::history_to_csv(history);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "epoch,train_loss,valid_loss,mse,top5_accuracy,lr,seconds");
  const auto back = train::history_from_csv(csv);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].metrics, history[1].metrics);
  EXPECT_DOUBLE_EQ(back[1].valid_loss, 1.0);
  EXPECT_THROW_MSG(train::history_from_csv("epoch,loss\n1,2\n"), IOError, "history: the header 'epoch,loss' is not");
  EXPECT_THROW_MSG(train::history_from_csv("epoch,train_loss,valid_loss,lr,seconds\n1,2,x,4,5\n"), IOError,
                   "history: malformed number 'x'");
  EXPECT_THROW_MSG(train::history_from_csv("epoch,train_loss,valid_loss,lr,seconds\n1,2,3\n"), IOError,
                   "has 3 fields but the header has 5");
}

TEST(Metrics, ARegressionModelTrainsThroughTheLearner) {
  // y = 2 x0 - 3 x1 + 0.5 + noise(0.1): a linear model should reach an MSE near the noise's 0.01.
  manual_seed(3);
  const Tensor x = randn({512, 2});
  const Tensor y = x.select(1, 0) * 2.0 - x.select(1, 1) * 3.0 + 0.5 + randn({512}) * 0.1;
  auto train_ds = std::make_shared<data::TensorDataset>(x.narrow(0, 0, 384), y.narrow(0, 0, 384));
  auto valid_ds = std::make_shared<data::TensorDataset>(x.narrow(0, 384, 128), y.narrow(0, 384, 128));
  auto model = nn::Linear(2, 1).ptr();
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.02).momentum(0.9));
  train::Learner learn(model, std::make_shared<data::DataLoader>(train_ds, data::DataLoaderOptions(32).shuffle(true)),
                       std::make_shared<data::DataLoader>(valid_ds, data::DataLoaderOptions(64)),
                       [](const Tensor& out, const Tensor& target) { return mse_loss(out.squeeze(1), target); }, opt);
  learn.add_metric(std::make_shared<train::MeanSquaredError>());
  learn.add_metric(std::make_shared<train::MeanAbsoluteError>());
  std::ostringstream table, bar;
  learn.add_callback(std::make_shared<train::ProgressCallback>(table, bar, false));
  learn.fit(8);
  const train::EpochMetrics& last = learn.history().back();
  EXPECT_LT(last.metric("mse"), 0.02) << table.str();
  EXPECT_NEAR(last.metric("mse"), last.valid_loss, 1e-9);  // the same quantity two ways
  EXPECT_LT(last.metric("mae"), 0.15);
  EXPECT_NE(table.str().find("epoch  train_loss  valid_loss        mse        mae        lr   seconds"),
            std::string::npos)
      << table.str();
  const train::EvalResult r = learn.evaluate(*std::make_shared<data::DataLoader>(valid_ds, data::DataLoaderOptions(50)));
  EXPECT_NEAR(r.metrics[0].second, last.metric("mse"), 1e-9);
  EXPECT_EQ(r.examples, 128);
  EXPECT_THROW_MSG(learn.add_metric(std::make_shared<train::MeanSquaredError>()), ValueError,
                   "[Learner] a metric named 'mse' is already added");
}

}  // namespace
}  // namespace ember
