#include "ember/train/learner.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ember/autograd/grad_mode.h"

namespace ember::train {

bool EpochMetrics::has(const std::string& name) const {
  return std::any_of(metrics.begin(), metrics.end(), [&](const auto& m) { return m.first == name; });
}

double EpochMetrics::metric(const std::string& name) const {
  std::string present;
  for (const auto& [n, value] : metrics) {
    if (n == name) return value;
    present += (present.empty() ? "" : ", ") + n;
  }
  throw ValueError("[EpochMetrics] no metric '" + name + "' in epoch " + std::to_string(epoch) + "; it has " +
                   (present.empty() ? std::string("none (add one with Learner::add_metric)") : present));
}

Learner::Learner(std::shared_ptr<nn::Module> model, std::shared_ptr<data::DataLoader> train_data,
                 std::shared_ptr<data::DataLoader> valid_data, LossFn loss, std::shared_ptr<optim::Optimizer> optimizer)
    : model_(std::move(model)), train_(std::move(train_data)), valid_(std::move(valid_data)), loss_(std::move(loss)),
      optimizer_(std::move(optimizer)) {
  EMBER_CHECK(model_ && train_ && loss_ && optimizer_, ValueError, "[Learner] model, training data, loss and optimizer are required");
}

void Learner::add_callback(std::shared_ptr<Callback> callback) {
  EMBER_CHECK(callback != nullptr, ValueError, "[Learner] add_callback: the callback is null");
  const int order = callback->order();
  const auto at = std::upper_bound(callbacks_.begin(), callbacks_.end(), order,
                                   [](int o, const std::shared_ptr<Callback>& cb) { return o < cb->order(); });
  callbacks_.insert(at, std::move(callback));
}

void Learner::remove_callback(const std::shared_ptr<Callback>& callback) {
  callbacks_.erase(std::remove(callbacks_.begin(), callbacks_.end(), callback), callbacks_.end());
}

void Learner::add_metric(std::shared_ptr<Metric> metric) {
  EMBER_CHECK(metric != nullptr, ValueError, "[Learner] add_metric: the metric is null");
  for (const auto& m : metrics_)
    EMBER_CHECK(m->name() != metric->name(), ValueError, "[Learner] a metric named '", metric->name(), "' is already added");
  metrics_.push_back(std::move(metric));
}

void Learner::set_start_epoch(int64_t epoch, std::vector<EpochMetrics> history) {
  start_epoch_ = epoch;
  history_ = std::move(history);
  state_.iteration = epoch * train_->size();
  train_->set_epoch(epoch);  // the shuffled order continues as if never interrupted
}

void Learner::run(Event event) {
  // A copy: a callback may add or remove callbacks while the event runs.
  const std::vector<std::shared_ptr<Callback>> callbacks = callbacks_;
  for (const auto& cb : callbacks) ((*cb).*event)(*this);
}

template <class Cancel, class Body>
void Learner::with_events(Event before, Event after_cancel, Event after, Body body) {
  try {
    run(before);
    body();
  } catch (const Cancel&) {
    if (after_cancel) run(after_cancel);
  }
  run(after);
}

void Learner::reset_metrics() {
  for (auto& m : metrics_) m->reset();
}

std::vector<std::pair<std::string, double>> Learner::computed_metrics() const {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& m : metrics_) out.emplace_back(m->name(), m->compute());
  return out;
}

void Learner::reduce(RunningMean& loss, bool with_metrics) {
  if (!reducer_) return;
  std::vector<double> sums{loss.sum(), loss.weight()};
  std::vector<size_t> sizes;
  if (with_metrics)
    for (const auto& m : metrics_) {
      const std::vector<double> part = m->sums();
      sizes.push_back(part.size());
      sums.insert(sums.end(), part.begin(), part.end());
    }
  reducer_(sums);
  loss.set(sums[0], sums[1]);
  size_t at = 2;
  for (size_t i = 0; i < sizes.size(); ++i) {
    metrics_[i]->set_sums(std::vector<double>(sums.begin() + static_cast<std::ptrdiff_t>(at),
                                              sums.begin() + static_cast<std::ptrdiff_t>(at + sizes[i])));
    at += sizes[i];
  }
}

EvalResult Learner::evaluate(data::DataLoader& loader) {
  NoGradGuard no_grad;
  const bool was_training = model_->is_training();
  model_->eval();
  reset_metrics();
  RunningMean loss;
  int64_t examples = 0;
  for (const data::Example& batch : loader) {
    const Tensor out = (*model_)(batch.data);
    const int64_t n = batch.target.size(0);
    loss.add(loss_(out, batch.target).item<double>(), static_cast<double>(n));
    for (auto& m : metrics_) m->update(out, batch.target);
    examples += n;
  }
  model_->train(was_training);
  if (reducer_) {
    reduce(loss, true);
    examples = std::llround(loss.weight());  // every process's (the loss is weighted by examples)
  }
  return {loss.mean(), computed_metrics(), examples};
}

void Learner::one_batch(const data::Example& batch) {
  state_.input = batch.data;
  state_.target = batch.target;
  with_events<CancelBatchException>(&Callback::before_batch, &Callback::after_cancel_batch, &Callback::after_batch, [&] {
    state_.output = (*model_)(state_.input);
    run(&Callback::after_pred);
    state_.loss = loss_(state_.output, state_.target);
    run(&Callback::after_loss);
    state_.batch_loss = state_.loss.item<double>();
    const double n = static_cast<double>(state_.target.dim() > 0 ? state_.target.size(0) : 1);
    if (!state_.training) {
      valid_loss_.add(state_.batch_loss, n);
      for (auto& m : metrics_) m->update(state_.output, state_.target);
      return;
    }
    // Stop before a non-finite loss reaches the weights: they, and the last checkpoint, stay
    // those of the last finite step.
    EMBER_CHECK(std::isfinite(state_.batch_loss), ValueError, "[Learner] the loss is ", state_.batch_loss,
                " at epoch ", state_.epoch, ", batch ", state_.batch,
                "; training stopped before this step, so the weights and the last checkpoint are those of the last "
                "finite step\n---> HINT: lower the learning rate, or find the op that made it with "
                "autograd::DetectAnomalyGuard (ember train --detect-anomaly)");
    train_loss_.add(state_.batch_loss, n);
    state_.running_loss = train_loss_.mean();
    with_events<CancelBackwardException>(&Callback::before_backward, nullptr, &Callback::after_backward,
                                         [&] { state_.loss.backward(); });
    with_events<CancelStepException>(&Callback::before_step, nullptr, &Callback::after_step, [&] { optimizer_->step(); });
    optimizer_->zero_grad();
    ++state_.iteration;
  });
}

void Learner::pass(data::DataLoader& loader, bool training) {
  state_.training = training;
  state_.batch = 0;
  state_.batches_per_epoch = loader.size();
  model_->train(training);
  AutoGradMode grad_mode(training);
  for (const data::Example& batch : loader) {
    ++state_.batch;
    one_batch(batch);
  }
}

void Learner::epoch(int64_t epoch) {
  const auto start = std::chrono::steady_clock::now();
  state_.epoch = epoch;
  EpochMetrics m;
  m.epoch = epoch;
  train_loss_.reset();
  valid_loss_.reset();
  // Not with_events: the epoch's history entry is written between the body and after_epoch.
  try {
    run(&Callback::before_epoch);
    with_events<CancelTrainException>(&Callback::before_train, &Callback::after_cancel_train, &Callback::after_train, [&] {
      m.lr = optimizer_->lr();  // the rate training starts the epoch with (ParamScheduler sets it in before_train)
      pass(*train_, true);
      reduce(train_loss_, false);
    });
    if (valid_) {
      reset_metrics();
      bool validated = false;  // a cancelled validation leaves no metrics for the epoch
      with_events<CancelValidateException>(&Callback::before_validate, &Callback::after_cancel_validate,
                                           &Callback::after_validate, [&] {
                                             pass(*valid_, false);
                                             reduce(valid_loss_, true);
                                             validated = true;
                                           });
      if (validated) {
        m.valid_loss = valid_loss_.mean();
        m.metrics = computed_metrics();
      }
    }
  } catch (const CancelEpochException&) {
    run(&Callback::after_cancel_epoch);
  }
  m.train_loss = train_loss_.mean();
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  history_.push_back(m);
  start_epoch_ = epoch;
  run(&Callback::after_epoch);
}

void Learner::fit(int64_t epochs) {
  state_.epochs = epochs;
  state_.stop = false;
  optimizer_->zero_grad();
  with_events<CancelFitException>(&Callback::before_fit, &Callback::after_cancel_fit, &Callback::after_fit, [&] {
    for (int64_t e = start_epoch_ + 1; e <= epochs && !state_.stop; ++e) epoch(e);
  });
  state_.training = false;
  model_->train();
}

}  // namespace ember::train
