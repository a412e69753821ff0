// Learning-rate schedules, as torch.optim.lr_scheduler. Constructing one sets each parameter
// group's lr to the schedule's value at step 0 (from the group's own starting lr); each step() advances one step (an epoch for StepLR and
// CosineAnnealingLR as usually used, a batch for OneCycleLR) and sets the next value. The value
// at step t is computed in closed form from t, so a resumed run can jump to its step.
#pragma once

#include "ember/optim/optimizer.h"

namespace ember::optim {

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  void step();
  /// Jumps to step t (for resuming) and applies its values.
  void set_step(int64_t t);
  int64_t last_step() const { return last_step_; }
  /// Each group's lr when the scheduler was made.
  const std::vector<double>& base_lrs() const { return base_lrs_; }

 protected:
  /// The lr at step t of a group that started at base_lr.
  virtual double lr_at(int64_t t, double base_lr) const = 0;
  /// A momentum value for step t, for schedules that cycle it.
  virtual std::optional<double> momentum_at(int64_t) const { return std::nullopt; }
  /// Called by constructors of derived classes once their fields are set.
  void apply();

  Optimizer& optimizer_;
  std::vector<double> base_lrs_;
  int64_t last_step_ = 0;
};

/// lr = base_lr * gamma^floor(t / step_size).
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);

 private:
  double lr_at(int64_t t, double base_lr) const override;
  int64_t step_size_;
  double gamma_;
};

/// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * t / T_max)) / 2.
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min = 0);

 private:
  double lr_at(int64_t t, double base_lr) const override;
  int64_t t_max_;
  double eta_min_;
};

/// Linear warm-up: lr = base_lr * factor, the factor moving linearly from start_factor to
/// end_factor over total_iters steps, then staying (torch's LinearLR).
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, double start_factor = 1.0 / 3, double end_factor = 1.0, int64_t total_iters = 5);

 private:
  double lr_at(int64_t t, double base_lr) const override;
  double start_factor_, end_factor_;
  int64_t total_iters_;
};

/// Smith's one-cycle policy (torch's OneCycleLR, two phases, cosine annealing): lr rises from
/// max_lr / div_factor to max_lr over pct_start of total_steps, then falls to
/// max_lr / div_factor / final_div_factor; momentum (SGD momentum or Adam beta1) moves the
/// opposite way between max_momentum and base_momentum when cycle_momentum is on.
struct OneCycleLROptions {
  OneCycleLROptions(double max_lr, int64_t total_steps) : max_lr_(max_lr), total_steps_(total_steps) {}
  OneCycleLROptions& pct_start(double v) { pct_start_ = v; return *this; }
  OneCycleLROptions& div_factor(double v) { div_factor_ = v; return *this; }
  OneCycleLROptions& final_div_factor(double v) { final_div_factor_ = v; return *this; }
  OneCycleLROptions& cycle_momentum(bool v) { cycle_momentum_ = v; return *this; }
  OneCycleLROptions& base_momentum(double v) { base_momentum_ = v; return *this; }
  OneCycleLROptions& max_momentum(double v) { max_momentum_ = v; return *this; }
  double max_lr_;
  int64_t total_steps_;
  double pct_start_ = 0.3, div_factor_ = 25, final_div_factor_ = 1e4;
  bool cycle_momentum_ = true;
  double base_momentum_ = 0.85, max_momentum_ = 0.95;
};

class OneCycleLR : public LRScheduler {
 public:
  OneCycleLR(Optimizer& optimizer, OneCycleLROptions options);

 private:
  double lr_at(int64_t t, double base_lr) const override;
  std::optional<double> momentum_at(int64_t t) const override;
  // Position within the current phase: (phase index, fraction done).
  std::pair<int, double> phase_at(int64_t t) const;
  OneCycleLROptions options_;
};

}  // namespace ember::optim
