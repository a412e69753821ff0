#include "ember/train/lr_finder.h"

#include <algorithm>
#include <cmath>

#include "ember/serialize/module_io.h"

namespace ember::train {

namespace {

// Sets the rate for each training batch, records it with the smoothed loss, and ends the fit
// when the sweep is done or the loss has blown up. Validation is skipped.
class LRFinder : public Callback {
 public:
  explicit LRFinder(const LRFinderOptions& o) : o_(o) {}
  void before_batch(Learner& learn) override {
    const double pos = static_cast<double>(result.lrs.size()) / static_cast<double>(std::max<int64_t>(o_.max_iter_ - 1, 1));
    learn.optimizer().set_lr(o_.min_lr_ * std::pow(o_.max_lr_ / o_.min_lr_, pos));
  }
  void after_loss(Learner& learn) override {
    const double loss = learn.state().loss.item<double>();
    // A non-finite loss is where the sweep ends; the Learner would refuse to step with it.
    if (!std::isfinite(loss)) throw CancelFitException{};
    average_ = o_.smoothing_ * average_ + (1 - o_.smoothing_) * loss;
    const double smoothed = average_ / (1 - std::pow(o_.smoothing_, static_cast<double>(result.lrs.size() + 1)));
    result.lrs.push_back(learn.optimizer().lr());
    result.losses.push_back(smoothed);
    best_ = std::min(best_, smoothed);
  }
  void after_step(Learner&) override {
    if (static_cast<int64_t>(result.lrs.size()) >= o_.max_iter_ || result.losses.back() > o_.stop_factor_ * best_)
      throw CancelFitException{};
  }
  void before_validate(Learner&) override { throw CancelValidateException{}; }

  LRFinderResult result;

 private:
  LRFinderOptions o_;
  double average_ = 0, best_ = INFINITY;
};

}  // namespace

LRFinderResult lr_find(Learner& learn, LRFinderOptions options) {
  EMBER_CHECK(options.min_lr_ > 0 && options.max_lr_ > options.min_lr_, ValueError,
              "[lr_find] needs 0 < min_lr < max_lr; got ", options.min_lr_, " and ", options.max_lr_);
  EMBER_CHECK(options.max_iter_ >= 2, ValueError, "[lr_find] max_iter must be at least 2; got ", options.max_iter_);
  EMBER_CHECK(options.stop_factor_ > 1, ValueError, "[lr_find] stop_factor must exceed 1; got ", options.stop_factor_);
  EMBER_CHECK(options.smoothing_ >= 0 && options.smoothing_ < 1, ValueError, "[lr_find] smoothing must be in [0, 1); got ",
              options.smoothing_);

  // Everything the sweep changes, copied.
  NamedTensors weights;
  for (const auto& [name, t] : state_dict(learn.model())) weights.emplace_back(name, t.detach().clone());
  std::vector<std::pair<std::string, Tensor>> optimizer_state;
  for (const auto& [name, t] : learn.optimizer().state()) optimizer_state.emplace_back(name, t.clone());
  const int64_t start_epoch = learn.start_epoch();
  const std::vector<EpochMetrics> history = learn.history();
  const int64_t data_epoch = learn.train_data().epoch();
  const std::vector<std::shared_ptr<Callback>> callbacks = learn.callbacks();
  const bool training = learn.model().is_training();
  for (const auto& cb : callbacks) learn.remove_callback(cb);

  auto finder = std::make_shared<LRFinder>(options);
  learn.add_callback(finder);
  auto restore = [&] {
    learn.remove_callback(finder);
    for (const auto& cb : callbacks) learn.add_callback(cb);
    load_state_dict(learn.model(), weights, "lr_find");  // in place: the optimiser keeps its tensors
    learn.optimizer().load_state(optimizer_state);
    learn.optimizer().zero_grad();
    learn.set_start_epoch(start_epoch, history);
    learn.train_data().set_epoch(data_epoch);
    learn.model().train(training);
  };
  try {
    const int64_t batches = std::max<int64_t>(learn.train_data().size(), 1);
    learn.set_start_epoch(0);
    learn.fit((options.max_iter_ + batches - 1) / batches);
  } catch (...) {
    restore();
    throw;
  }
  restore();

  LRFinderResult result = std::move(finder->result);
  EMBER_CHECK(!result.losses.empty(), ValueError, "[lr_find] no batch gave a finite loss");
  const size_t best = static_cast<size_t>(std::min_element(result.losses.begin(), result.losses.end()) - result.losses.begin());
  result.min_loss_lr = result.lrs[best];
  result.suggested_lr = result.min_loss_lr / 10;
  return result;
}

}  // namespace ember::train
