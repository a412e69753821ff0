#include "ember/optim/lr_scheduler.h"

#include <cmath>

namespace ember::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  for (const auto& g : optimizer.param_groups()) base_lrs_.push_back(g.options().get_lr());
}

void LRScheduler::apply() {
  auto& groups = optimizer_.param_groups();
  EMBER_CHECK(groups.size() == base_lrs_.size(), ValueError, "[LRScheduler] the optimiser had ", base_lrs_.size(),
              " parameter group(s) when the scheduler was made and has ", groups.size(), " now");
  for (size_t g = 0; g < groups.size(); ++g) groups[g].options().set_lr(lr_at(last_step_, base_lrs_[g]));
  if (auto m = momentum_at(last_step_)) optimizer_.set_momentum(*m);
}

void LRScheduler::step() {
  ++last_step_;
  apply();
}

void LRScheduler::set_step(int64_t t) {
  EMBER_CHECK(t >= 0, ValueError, "[LRScheduler] step must be non-negative; got ", t);
  last_step_ = t;
  apply();
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  EMBER_CHECK(step_size > 0, ValueError, "[StepLR] step_size must be positive; got ", step_size);
  apply();
}
double StepLR::lr_at(int64_t t, double base_lr) const { return base_lr * std::pow(gamma_, static_cast<double>(t / step_size_)); }

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min)
    : LRScheduler(optimizer), t_max_(t_max), eta_min_(eta_min) {
  EMBER_CHECK(t_max > 0, ValueError, "[CosineAnnealingLR] T_max must be positive; got ", t_max);
  apply();
}
double CosineAnnealingLR::lr_at(int64_t t, double base_lr) const {
  return eta_min_ + (base_lr - eta_min_) * (1 + std::cos(M_PI * static_cast<double>(t) / static_cast<double>(t_max_))) / 2;
}

LinearLR::LinearLR(Optimizer& optimizer, double start_factor, double end_factor, int64_t total_iters)
    : LRScheduler(optimizer), start_factor_(start_factor), end_factor_(end_factor), total_iters_(total_iters) {
  EMBER_CHECK(start_factor > 0 && start_factor <= 1, ValueError,
              "[LinearLR] start_factor must be in (0, 1]; got ", start_factor);
  EMBER_CHECK(end_factor >= 0 && end_factor <= 1, ValueError, "[LinearLR] end_factor must be in [0, 1]; got ", end_factor);
  EMBER_CHECK(total_iters > 0, ValueError, "[LinearLR] total_iters must be positive; got ", total_iters);
  apply();
}
double LinearLR::lr_at(int64_t t, double base_lr) const {
  const double done = static_cast<double>(std::min(t, total_iters_)) / static_cast<double>(total_iters_);
  return base_lr * (start_factor_ + (end_factor_ - start_factor_) * done);
}

OneCycleLR::OneCycleLR(Optimizer& optimizer, OneCycleLROptions options) : LRScheduler(optimizer), options_(options) {
  EMBER_CHECK(options.total_steps_ > 0, ValueError, "[OneCycleLR] total_steps must be positive; got ", options.total_steps_);
  EMBER_CHECK(options.pct_start_ > 0 && options.pct_start_ < 1, ValueError,
              "[OneCycleLR] pct_start must be in (0, 1); got ", options.pct_start_);
  EMBER_CHECK(!options.cycle_momentum_ || optimizer.momentum(), ValueError,
              "[OneCycleLR] cycle_momentum needs an optimiser with momentum or betas; ", optimizer.name(), " has none");
  apply();
}

std::pair<int, double> OneCycleLR::phase_at(int64_t t) const {
  EMBER_CHECK(t <= options_.total_steps_, ValueError, "[OneCycleLR] tried to step ", t,
              " times; the schedule has total_steps = ", options_.total_steps_);
  const double end1 = options_.pct_start_ * static_cast<double>(options_.total_steps_) - 1;
  const double end2 = static_cast<double>(options_.total_steps_) - 1;
  const double step = static_cast<double>(t);
  if (step <= end1) return {0, step / end1};
  return {1, (step - end1) / (end2 - end1)};
}

namespace {
double cosine(double start, double end, double pct) { return end + (start - end) / 2 * (std::cos(M_PI * pct) + 1); }
}  // namespace

// As torch's with one max_lr: every group follows the same cycle, whatever its own lr.
double OneCycleLR::lr_at(int64_t t, double) const {
  const double initial = options_.max_lr_ / options_.div_factor_, final = initial / options_.final_div_factor_;
  const auto [phase, pct] = phase_at(t);
  return phase == 0 ? cosine(initial, options_.max_lr_, pct) : cosine(options_.max_lr_, final, pct);
}

std::optional<double> OneCycleLR::momentum_at(int64_t t) const {
  if (!options_.cycle_momentum_) return std::nullopt;
  const auto [phase, pct] = phase_at(t);
  return phase == 0 ? cosine(options_.max_momentum_, options_.base_momentum_, pct)
                    : cosine(options_.base_momentum_, options_.max_momentum_, pct);
}

}  // namespace ember::optim
