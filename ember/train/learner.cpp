#include "ember/train/learner.h"

#include <chrono>
#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/train/metrics.h"

namespace ember::train {

Learner::Learner(std::shared_ptr<nn::Module> model, std::shared_ptr<data::DataLoader> train_data,
                 std::shared_ptr<data::DataLoader> valid_data, LossFn loss, std::shared_ptr<optim::Optimizer> optimizer)
    : model_(std::move(model)), train_(std::move(train_data)), valid_(std::move(valid_data)), loss_(std::move(loss)),
      optimizer_(std::move(optimizer)) {
  EMBER_CHECK(model_ && train_ && loss_ && optimizer_, ValueError, "[Learner] model, training data, loss and optimizer are required");
}

void Learner::set_start_epoch(int64_t epoch, std::vector<EpochMetrics> history) {
  start_epoch_ = epoch;
  history_ = std::move(history);
  state_.iteration = epoch * train_->size();
  train_->set_epoch(epoch);  // the shuffled order continues as if never interrupted
}

EvalResult Learner::evaluate(data::DataLoader& loader) {
  NoGradGuard no_grad;
  const bool was_training = model_->is_training();
  model_->eval();
  RunningMean loss;
  int64_t correct = 0, total = 0;
  for (const data::Example& batch : loader) {
    const Tensor out = (*model_)(batch.data);
    const double n = static_cast<double>(batch.target.size(0));
    loss.add(loss_(out, batch.target).item<double>(), n);
    correct += correct_count(out, batch.target);
    total += batch.target.size(0);
  }
  model_->train(was_training);
  return {loss.mean(), total ? static_cast<double>(correct) / static_cast<double>(total) : 0, total};
}

void Learner::fit(int64_t epochs) {
  state_.epochs = epochs;
  state_.batches_per_epoch = train_->size();
  state_.stop = false;
  notify(&Callback::on_fit_begin);
  for (int64_t epoch = start_epoch_ + 1; epoch <= epochs && !state_.stop; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    state_.epoch = epoch;
    state_.batch = 0;
    model_->train();
    notify(&Callback::on_epoch_begin);
    const double lr = optimizer_->lr();  // the rate this epoch starts with (schedules may move it)
    RunningMean train_loss;
    for (const data::Example& batch : *train_) {
      ++state_.batch;
      notify(&Callback::on_batch_begin);
      const Tensor loss = loss_((*model_)(batch.data), batch.target);
      state_.batch_loss = loss.item<double>();
      // Stop before a non-finite loss reaches the weights: they, and the last checkpoint, stay
      // those of the last finite step.
      EMBER_CHECK(std::isfinite(state_.batch_loss), ValueError, "[Learner] the loss is ", state_.batch_loss,
                  " at epoch ", epoch, ", batch ", state_.batch,
                  "; training stopped before this step, so the weights and the last checkpoint are those of the last "
                  "finite step\n---> HINT: lower the learning rate, or find the op that made it with "
                  "autograd::DetectAnomalyGuard (ember train --detect-anomaly)");
      optimizer_->zero_grad();
      loss.backward();
      optimizer_->step();
      train_loss.add(state_.batch_loss, static_cast<double>(batch.target.size(0)));
      state_.running_loss = train_loss.mean();
      ++state_.iteration;
      notify(&Callback::on_batch_end);
    }
    EpochMetrics m;
    m.epoch = epoch;
    m.train_loss = train_loss.mean();
    m.lr = lr;
    if (valid_) {
      const EvalResult v = evaluate(*valid_);
      m.valid_loss = v.loss;
      m.valid_accuracy = v.accuracy;
    }
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    history_.push_back(m);
    start_epoch_ = epoch;
    notify(&Callback::on_epoch_end);
  }
  notify(&Callback::on_fit_end);
}

}  // namespace ember::train
