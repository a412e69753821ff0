// The Learner's callback protocol: the events and their order, callbacks' order() values,
// reading and replacing the batch, the prediction and the loss, and every cancellation.
#include <gtest/gtest.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

// Four training examples in batches of two, two validation examples in one batch; plain SGD.
struct Tiny {
  std::shared_ptr<nn::LinearImpl> model;
  std::shared_ptr<optim::SGD> opt;
  std::unique_ptr<train::Learner> learner;
};

Tiny tiny(double lr = 0.1) {
  manual_seed(0);
  Tiny t;
  auto train_ds = std::make_shared<data::TensorDataset>(randn({4, 3}), tensor({0, 1, 0, 1}, kInt64));
  auto valid_ds = std::make_shared<data::TensorDataset>(randn({2, 3}), tensor({1, 0}, kInt64));
  t.model = nn::Linear(3, 2).ptr();
  t.opt = std::make_shared<optim::SGD>(t.model->parameters(), optim::SGDOptions(lr));
  t.learner = std::make_unique<train::Learner>(
      t.model, std::make_shared<data::DataLoader>(train_ds, data::DataLoaderOptions(2)),
      std::make_shared<data::DataLoader>(valid_ds, data::DataLoaderOptions(2)),
      [](const Tensor& o, const Tensor& y) { return cross_entropy_loss(o, y); }, t.opt);
  return t;
}

// Records every event by name; `cancel` names the event that throws `Exception` (once).
template <class Exception = train::CancelBatchException>
struct Recording : train::Callback {
  std::vector<std::string> events;
  std::string cancel;
  explicit Recording(std::string cancel_at = "") : cancel(std::move(cancel_at)) {}
  void note(const std::string& e, train::Learner& l) {
    const bool batch_event = e == "before_batch" || e == "after_pred" || e == "after_loss" || e == "after_batch";
    events.push_back(batch_event && !l.state().training ? "valid:" + e : e);
    if (e == cancel) {
      cancel.clear();
      throw Exception{};
    }
  }
#define EMBER_RECORD(event) \
  void event(train::Learner& l) override { note(#event, l); }
  EMBER_RECORD(before_fit)
  EMBER_RECORD(before_epoch)
  EMBER_RECORD(before_train)
  EMBER_RECORD(before_batch)
  EMBER_RECORD(after_pred)
  EMBER_RECORD(after_loss)
  EMBER_RECORD(before_backward)
  EMBER_RECORD(after_backward)
  EMBER_RECORD(before_step)
  EMBER_RECORD(after_step)
  EMBER_RECORD(after_batch)
  EMBER_RECORD(after_train)
  EMBER_RECORD(before_validate)
  EMBER_RECORD(after_validate)
  EMBER_RECORD(after_epoch)
  EMBER_RECORD(after_fit)
  EMBER_RECORD(after_cancel_batch)
  EMBER_RECORD(after_cancel_train)
  EMBER_RECORD(after_cancel_validate)
  EMBER_RECORD(after_cancel_epoch)
  EMBER_RECORD(after_cancel_fit)
#undef EMBER_RECORD
};

using Events = std::vector<std::string>;
const Events kTrainBatch = {"before_batch", "after_pred", "after_loss", "before_backward", "after_backward",
                            "before_step", "after_step", "after_batch"};
const Events kValidBatch = {"valid:before_batch", "valid:after_pred", "valid:after_loss", "valid:after_batch"};

Events concat(std::initializer_list<Events> parts) {
  Events out;
  for (const Events& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(CallbackEvents, FireInTheDocumentedOrder) {
  Tiny t = tiny();
  auto rec = std::make_shared<Recording<>>();
  t.learner->add_callback(rec);
  t.learner->fit(1);
  EXPECT_EQ(rec->events, concat({{"before_fit", "before_epoch", "before_train"}, kTrainBatch, kTrainBatch,
                                 {"after_train", "before_validate"}, kValidBatch,
                                 {"after_validate", "after_epoch", "after_fit"}}));
  EXPECT_EQ(t.learner->state().iteration, 2);
}

struct Tagged : train::Callback {
  int value;
  std::string tag;
  std::vector<std::string>* log;
  Tagged(int o, std::string name, std::vector<std::string>* out) : value(o), tag(std::move(name)), log(out) {}
  int order() const override { return value; }
  void before_fit(train::Learner&) override { log->push_back(tag); }
};

TEST(CallbackEvents, CallbacksRunInAscendingOrderThenInTheOrderAdded) {
  Tiny t = tiny();
  std::vector<std::string> log;
  for (auto [o, name] : std::vector<std::pair<int, std::string>>{{5, "a"}, {-1, "b"}, {5, "c"}, {0, "d"}})
    t.learner->add_callback(std::make_shared<Tagged>(o, name, &log));
  t.learner->fit(1);
  EXPECT_EQ(log, (std::vector<std::string>{"b", "d", "a", "c"}));
}

// Replaces the input with zeros and remembers the prediction the loop made of it.
struct ZeroInput : train::Callback {
  std::vector<Tensor> outputs;
  void before_batch(train::Learner& l) override { l.state().input = zeros_like(l.state().input); }
  void after_pred(train::Learner& l) override { outputs.push_back(l.state().output.detach().clone()); }
};

TEST(CallbackEvents, ACallbackReplacesTheBatch) {
  Tiny t = tiny(/*lr=*/0.0);
  auto cb = std::make_shared<ZeroInput>();
  t.learner->add_callback(cb);
  t.learner->fit(1);
  ASSERT_EQ(cb->outputs.size(), 3u);  // two training batches, one validation batch
  const Tensor expected = t.model->bias.unsqueeze(0).expand({2, 2});  // W @ 0 + b
  for (const Tensor& out : cb->outputs) EXPECT_TENSOR_NEAR(out, expected, 0, 0);
}

struct ScaleLoss : train::Callback {
  double by;
  explicit ScaleLoss(double f) : by(f) {}
  void after_loss(train::Learner& l) override { l.state().loss = l.state().loss * by; }
};

TEST(CallbackEvents, ACallbackReplacesThePredictionAndTheLoss) {
  Tiny t = tiny();
  const Tensor before = t.model->weight.detach().clone();
  t.learner->add_callback(std::make_shared<ScaleLoss>(0.0));  // no gradient: SGD leaves the weights
  t.learner->fit(1);
  EXPECT_TENSOR_EQ(t.model->weight, before);
  EXPECT_EQ(t.learner->history().back().train_loss, 0.0);

  struct Doubled : train::Callback {
    void after_pred(train::Learner& l) override { l.state().output = l.state().output * 0.0; }
  };
  Tiny u = tiny();
  u.learner->add_callback(std::make_shared<Doubled>());
  u.learner->fit(1);
  // Zero logits over two classes: the loss is log 2 whatever the weights.
  EXPECT_NEAR(u.learner->history().back().train_loss, std::log(2.0), 1e-6);
  EXPECT_NEAR(u.learner->history().back().valid_loss, std::log(2.0), 1e-6);
}

TEST(CallbackEvents, CancelStepKeepsTheWeightsButNotTheGradientPass) {
  Tiny t = tiny();
  const Tensor before = t.model->weight.detach().clone();
  struct SkipStep : train::Callback {
    bool saw_gradient = true;
    void before_step(train::Learner& l) override {
      saw_gradient = saw_gradient && l.model().parameters()[0].grad().defined();
      throw train::CancelStepException{};
    }
  };
  auto skip = std::make_shared<SkipStep>();
  auto rec = std::make_shared<Recording<>>();
  t.learner->add_callback(skip);
  t.learner->add_callback(rec);
  t.learner->fit(1);
  EXPECT_TRUE(skip->saw_gradient);
  EXPECT_TENSOR_EQ(t.model->weight, before);
  // The cancelled step still ends with after_step (later callbacks do not see before_step).
  EXPECT_EQ(Events(rec->events.begin() + 3, rec->events.begin() + 10),
            (Events{"before_batch", "after_pred", "after_loss", "before_backward", "after_backward", "after_step",
                    "after_batch"}));
}

TEST(CallbackEvents, CancelBackwardLeavesNoGradientToStepWith) {
  Tiny t = tiny();
  const Tensor before = t.model->weight.detach().clone();
  struct SkipBackward : train::Callback {
    bool saw_gradient = false;
    void before_backward(train::Learner&) override { throw train::CancelBackwardException{}; }
    void before_step(train::Learner& l) override { saw_gradient |= l.model().parameters()[0].grad().defined(); }
  };
  auto skip = std::make_shared<SkipBackward>();
  t.learner->add_callback(skip);
  t.learner->fit(1);
  EXPECT_FALSE(skip->saw_gradient);
  EXPECT_TENSOR_EQ(t.model->weight, before);
}

TEST(CallbackEvents, CancelBatchSkipsTheRestOfThatBatchOnly) {
  Tiny t = tiny();
  auto rec = std::make_shared<Recording<train::CancelBatchException>>("after_pred");
  t.learner->add_callback(rec);
  t.learner->fit(1);
  EXPECT_EQ(rec->events, concat({{"before_fit", "before_epoch", "before_train", "before_batch", "after_pred",
                                  "after_cancel_batch", "after_batch"},
                                 kTrainBatch, {"after_train", "before_validate"}, kValidBatch,
                                 {"after_validate", "after_epoch", "after_fit"}}));
  EXPECT_EQ(t.learner->state().iteration, 1);  // only the second batch trained
}

TEST(CallbackEvents, CancelTrainGoesOnToValidation) {
  Tiny t = tiny();
  auto rec = std::make_shared<Recording<train::CancelTrainException>>("after_batch");
  t.learner->add_callback(rec);
  t.learner->fit(1);
  EXPECT_EQ(rec->events, concat({{"before_fit", "before_epoch", "before_train"}, kTrainBatch,
                                 {"after_cancel_train", "after_train", "before_validate"}, kValidBatch,
                                 {"after_validate", "after_epoch", "after_fit"}}));
  EXPECT_EQ(t.learner->state().iteration, 1);
}

TEST(CallbackEvents, CancelValidateLeavesTheEpochWithoutMetrics) {
  Tiny t = tiny();
  t.learner->add_metric(std::make_shared<train::Accuracy>());
  auto rec = std::make_shared<Recording<train::CancelValidateException>>("before_validate");
  t.learner->add_callback(rec);
  t.learner->fit(2);
  const Events& e = rec->events;
  EXPECT_NE(std::find(e.begin(), e.end(), "after_cancel_validate"), e.end());
  ASSERT_EQ(t.learner->history().size(), 2u);
  EXPECT_FALSE(t.learner->history()[0].has("accuracy"));  // cancelled
  EXPECT_TRUE(t.learner->history()[1].has("accuracy"));   // the next epoch validates
}

TEST(CallbackEvents, CancelEpochGoesOnWithTheNextEpoch) {
  Tiny t = tiny();
  auto rec = std::make_shared<Recording<train::CancelEpochException>>("after_train");
  t.learner->add_callback(rec);
  t.learner->fit(2);
  const Events& e = rec->events;
  const auto cancel = std::find(e.begin(), e.end(), "after_cancel_epoch");
  ASSERT_NE(cancel, e.end());
  EXPECT_EQ(*(cancel - 1), "after_train");
  EXPECT_EQ(*(cancel + 1), "after_epoch");  // no validation in the cancelled epoch
  EXPECT_EQ(std::count(e.begin(), e.end(), "before_validate"), 1);
  ASSERT_EQ(t.learner->history().size(), 2u);  // the cancelled epoch still has its row
  EXPECT_EQ(t.learner->state().iteration, 4);
}

TEST(CallbackEvents, CancelFitEndsTheFit) {
  Tiny t = tiny();
  auto rec = std::make_shared<Recording<train::CancelFitException>>("after_batch");
  t.learner->add_callback(rec);
  t.learner->fit(5);
  EXPECT_EQ(rec->events, concat({{"before_fit", "before_epoch", "before_train"}, kTrainBatch,
                                 {"after_cancel_fit", "after_fit"}}));
  EXPECT_TRUE(t.learner->history().empty());  // the epoch never finished
}

TEST(CallbackEvents, ACallbackMayRemoveItself) {
  Tiny t = tiny();
  struct Once : train::Callback {
    int calls = 0;
    void after_batch(train::Learner& l) override {
      ++calls;
      l.remove_callback(self.lock());
    }
    std::weak_ptr<Callback> self;
  };
  auto once = std::make_shared<Once>();
  once->self = once;
  t.learner->add_callback(once);
  t.learner->fit(2);
  EXPECT_EQ(once->calls, 1);
  EXPECT_TRUE(t.learner->callbacks().empty());
}

}  // namespace
}  // namespace ember
