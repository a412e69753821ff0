#include "ember/train/callbacks.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "ember/autograd/grad_mode.h"
#include "ember/core/atomic_file.h"
#include "ember/nn/utils/clip_grad.h"
#include "ember/ops/reduction.h"
#include "ember/serialize/module_io.h"

namespace ember::train {

namespace {
double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

// ---- progress ------------------------------------------------------------------------------

ProgressCallback::ProgressCallback(std::ostream& table, std::ostream& bar, bool bar_is_terminal)
    : table_(table), bar_(bar), show_bar_(bar_is_terminal) {}

namespace {
// A table column at least as wide as its name and a number.
int column_width(const std::string& name) { return std::max<int>(9, static_cast<int>(name.size())); }
}  // namespace

void ProgressCallback::before_fit(Learner& learn) {
  table_ << "epoch  train_loss  valid_loss";
  for (const auto& m : learn.metrics()) table_ << "  " << std::setw(column_width(m->name())) << m->name();
  table_ << "        lr   seconds\n";
  table_.flush();
}

void ProgressCallback::before_epoch(Learner&) { epoch_start_ = last_draw_ = now_seconds(); }

void ProgressCallback::after_batch(Learner& learn) {
  const LearnerState& s = learn.state();
  if (!show_bar_ || !s.training) return;
  const double now = now_seconds();
  if (now - last_draw_ < 0.1 && s.batch != s.batches_per_epoch) return;  // ~10 redraws a second
  last_draw_ = now;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * s.batch / std::max<int64_t>(s.batches_per_epoch, 1));
  const double rate = static_cast<double>(s.batch) / std::max(now - epoch_start_, 1e-9);
  char line[160];
  std::snprintf(line, sizeof line, "\repoch %lld/%lld [%s%s] %lld/%lld  %.0f batch/s  loss %.4f ",
                static_cast<long long>(s.epoch), static_cast<long long>(s.epochs), std::string(filled, '#').c_str(),
                std::string(kWidth - filled, '.').c_str(), static_cast<long long>(s.batch),
                static_cast<long long>(s.batches_per_epoch), rate, s.running_loss);
  bar_ << line;
  bar_.flush();
}

void ProgressCallback::after_epoch(Learner& learn) {
  if (show_bar_) {
    bar_ << "\r" << std::string(100, ' ') << "\r";
    bar_.flush();
  }
  const EpochMetrics& m = learn.history().back();
  char cell[64];
  std::snprintf(cell, sizeof cell, "%5lld  %10.4f", static_cast<long long>(m.epoch), m.train_loss);
  table_ << cell;
  if (std::isfinite(m.valid_loss)) {
    std::snprintf(cell, sizeof cell, "  %10.4f", m.valid_loss);
    table_ << cell;
  } else {
    table_ << "           -";  // not validated
  }
  for (const auto& metric : learn.metrics()) {
    const std::string& name = metric->name();
    table_ << "  " << std::setw(column_width(name));
    if (m.has(name)) {
      std::snprintf(cell, sizeof cell, "%.4f", m.metric(name));
      table_ << cell;
    } else {
      table_ << "-";
    }
  }
  std::snprintf(cell, sizeof cell, "  %8.5f  %8.2f\n", m.lr, m.seconds);
  table_ << cell;
  table_.flush();
}

// ---- schedules -----------------------------------------------------------------------------

LRSchedulerCallback::LRSchedulerCallback(std::shared_ptr<optim::LRScheduler> scheduler, Every every)
    : scheduler_(std::move(scheduler)), every_(every) {
  EMBER_CHECK(scheduler_ != nullptr, ValueError, "[LRSchedulerCallback] scheduler is null");
}
void LRSchedulerCallback::after_step(Learner&) {
  if (every_ == Every::Batch) scheduler_->step();
}
void LRSchedulerCallback::after_epoch(Learner&) {
  if (every_ == Every::Epoch) scheduler_->step();
}

// ---- gradient clipping -----------------------------------------------------------------------

GradientClipping::GradientClipping(double max, By by, double norm_type) : max_(max), norm_type_(norm_type), by_(by) {
  EMBER_CHECK(max >= 0, ValueError, "[GradientClipping] the limit must be non-negative; got ", max);
}

void GradientClipping::after_backward(Learner& learn) {
  const std::vector<Tensor> params = learn.model().parameters();
  if (by_ == By::Norm) last_norm_ = nn::utils::clip_grad_norm_(params, max_, norm_type_);
  else nn::utils::clip_grad_value_(params, max_);
}

// ---- early stopping ------------------------------------------------------------------------

EarlyStopping::EarlyStopping(int64_t patience, double min_delta) : patience_(patience), min_delta_(min_delta) {
  EMBER_CHECK(patience >= 1, ValueError, "[EarlyStopping] patience must be at least 1; got ", patience);
}

void EarlyStopping::before_fit(Learner&) {
  best_ = INFINITY;
  best_epoch_ = 0;
  waited_ = 0;
}

void EarlyStopping::after_epoch(Learner& learn) {
  const EpochMetrics& m = learn.history().back();
  EMBER_CHECK(!std::isnan(m.valid_loss), ValueError, "[EarlyStopping] epoch ", m.epoch,
              " has no validation loss to watch\n---> HINT: give the Learner validation data");
  if (m.valid_loss < best_ - min_delta_) {
    best_ = m.valid_loss;
    best_epoch_ = m.epoch;
    waited_ = 0;
  } else if (++waited_ >= patience_) {
    learn.state().stop = true;
  }
}

// ---- history as CSV ------------------------------------------------------------------------

std::string history_to_csv(const std::vector<EpochMetrics>& history) {
  std::ostringstream out;
  out << "epoch,train_loss,valid_loss";
  if (!history.empty())
    for (const auto& [name, value] : history.front().metrics) out << "," << name;
  out << ",lr,seconds\n" << std::setprecision(9);
  for (const EpochMetrics& m : history) {
    out << m.epoch << "," << m.train_loss << "," << m.valid_loss;
    for (const auto& [name, value] : m.metrics) out << "," << value;
    out << "," << m.lr << "," << m.seconds << "\n";
  }
  return out.str();
}

namespace {
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  return cells;
}
}  // namespace

std::vector<EpochMetrics> history_from_csv(const std::string& csv) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split_csv_line(line);
  EMBER_CHECK(header.size() >= 5 && header[0] == "epoch" && header[1] == "train_loss" && header[2] == "valid_loss" &&
                  header[header.size() - 2] == "lr" && header.back() == "seconds",
              IOError, "history: the header '", line, "' is not epoch,train_loss,valid_loss,[metrics,]lr,seconds");
  std::vector<EpochMetrics> out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = split_csv_line(line);
    EMBER_CHECK(cells.size() == header.size(), IOError, "history: the line '", line, "' has ", cells.size(),
                " fields but the header has ", header.size());
    std::vector<double> values;
    for (const std::string& cell : cells) {
      size_t used = 0;
      double v = 0;
      try {
        v = std::stod(cell, &used);
      } catch (const std::exception&) {
        used = std::string::npos;
      }
      EMBER_CHECK(used == cell.size(), IOError, "history: malformed number '", cell, "' in line '", line, "'");
      values.push_back(v);
    }
    EpochMetrics m;
    m.epoch = static_cast<int64_t>(values[0]);
    m.train_loss = values[1];
    m.valid_loss = values[2];
    for (size_t i = 3; i + 2 < header.size(); ++i) m.metrics.emplace_back(header[i], values[i]);
    m.lr = values[header.size() - 2];
    m.seconds = values.back();
    out.push_back(m);
  }
  return out;
}

void CSVLogger::after_epoch(Learner& learn) {
  write_file_atomically(path_, history_to_csv(learn.history()));
}

// ---- checkpoints ---------------------------------------------------------------------------

CheckpointCallback::CheckpointCallback(std::string path, Metadata extra) : path_(std::move(path)), extra_(std::move(extra)) {}

void CheckpointCallback::after_epoch(Learner& learn) {
  NamedTensors tensors = state_dict(learn.model());
  for (auto& [key, t] : learn.optimizer().state()) tensors.emplace_back("optimizer." + key, t);
  Metadata meta = extra_;
  meta["ember.checkpoint.epoch"] = std::to_string(learn.history().back().epoch);
  meta["ember.checkpoint.optimizer"] = learn.optimizer().name();
  meta["ember.checkpoint.history"] = history_to_csv(learn.history());
  save_safetensors(path_, tensors, meta);
}

Metadata CheckpointCallback::resume(Learner& learn, const std::string& path) {
  SafetensorsFile file = load_safetensors(path);
  const auto epoch = file.metadata.find("ember.checkpoint.epoch");
  if (epoch == file.metadata.end())
    throw IOError(path + ": not an ember checkpoint (no ember.checkpoint.epoch metadata)\n---> HINT: --resume takes "
                         "the .checkpoint.safetensors file that ember train writes every epoch");
  const auto optimizer = file.metadata.find("ember.checkpoint.optimizer");
  if (optimizer == file.metadata.end() || optimizer->second != learn.optimizer().name())
    throw IOError(path + ": the checkpoint was made with optimizer " +
                  (optimizer == file.metadata.end() ? std::string("?") : optimizer->second) + " but this run uses " +
                  learn.optimizer().name());
  NamedTensors model, optimizer_state;
  for (auto& [name, t] : file.tensors) {
    if (name.rfind("optimizer.", 0) == 0) optimizer_state.emplace_back(name.substr(10), t);
    else model.emplace_back(name, t);
  }
  load_state_dict(learn.model(), model, path);
  learn.optimizer().load_state(optimizer_state);  // per-parameter state and each group's options
  learn.set_start_epoch(std::stoll(epoch->second), history_from_csv(file.metadata["ember.checkpoint.history"]));
  return file.metadata;
}

// ---- activation statistics ------------------------------------------------------------------

ActivationStats::ActivationStats(nn::Module& model, HistogramSettings histogram) : histogram_(histogram) {
  EMBER_CHECK(histogram.bins > 0 && histogram.min < histogram.max, ValueError,
              "[ActivationStats] needs bins > 0 and min < max; got ", histogram.bins, " bins over [", histogram.min, ", ",
              histogram.max, "]");
  for (const auto& [name, child] : model.named_children()) {
    const size_t index = names_.size();
    names_.push_back(name);
    kinds_.push_back(child->name());
    means_.emplace_back();
    stds_.emplace_back();
    histograms_.emplace_back();
    const size_t id = child->register_forward_hook([this, index](nn::Module& m, const Tensor&, const Tensor& out) {
      if (!m.is_training()) return;
      NoGradGuard no_grad;
      const Tensor x = out.detach().to(kFloat64);
      means_[index].push_back(x.mean().item<double>());
      stds_[index].push_back(x.numel() > 1 ? x.std().item<double>() : 0.0);
      histograms_[index].push_back(histc(x, histogram_.bins, histogram_.min, histogram_.max));
    });
    hooked_.emplace_back(child, id);
  }
}

ActivationStats::~ActivationStats() {
  for (auto& [module, id] : hooked_) module->remove_forward_hook(id);
}

double ActivationStats::low_fraction(size_t layer, size_t batch, int64_t bins) const {
  EMBER_CHECK(layer < histograms_.size() && batch < histograms_[layer].size(), IndexError,
              "[ActivationStats] no histogram for layer ", layer, ", batch ", batch);
  const Tensor& h = histograms_[layer][batch];
  const double total = h.sum().item<double>();
  return total > 0 ? h.slice(0, 0, std::min(bins, h.size(0))).sum().item<double>() / total : 0.0;
}

void ActivationStats::print_summary(std::ostream& out) const {
  out << "layer  module          mean       std   (last training batch)\n";
  for (size_t i = 0; i < names_.size(); ++i) {
    if (means_[i].empty()) continue;
    char row[128];
    std::snprintf(row, sizeof row, "%5s  %-12s %8.4f  %8.4f\n", names_[i].c_str(), kinds_[i].c_str(), means_[i].back(),
                  stds_[i].back());
    out << row;
  }
}

}  // namespace ember::train
