// The course's schedules (05_anneal): a schedule is a function of the position in training,
// 0 at the first batch and 1 at the end, and ParamScheduler sets any hyperparameter of any
// parameter group from one before every training batch.
//   auto lr = train::combine_scheds({0.3, 0.7}, {train::sched_cos(0.001, 0.1), train::sched_cos(0.1, 1e-5)});
//   learn.add_callback(std::make_shared<train::ParamScheduler>("lr", lr));
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/train/learner.h"

namespace ember::train {

/// A value for each position in [0, 1].
using Schedule = std::function<double(double pos)>;

/// start + pos * (end - start).
Schedule sched_lin(double start, double end);
/// From start to end along half a cosine: flat at both ends.
Schedule sched_cos(double start, double end);
/// start throughout (end is ignored, as in the course).
Schedule sched_no(double start, double end);
/// start * (end / start)^pos: equal ratios in equal steps (start and end > 0).
Schedule sched_exp(double start, double end);
/// Phases one after another: phase i takes the fraction pcts[i] of training (the fractions are
/// positive and sum to 1) and runs its schedule from 0 to 1 within it.
Schedule combine_scheds(std::vector<double> pcts, std::vector<Schedule> scheds);

/// Smith's one-cycle policy built from the schedules above, step for step the same as
/// optim::OneCycleLR (torch's, two cosine phases) when ParamScheduler drives it over
/// total_steps batches: lr from max_lr / div_factor up to max_lr over pct_start of the steps,
/// then down to max_lr / div_factor / final_div_factor; momentum the opposite way.
struct OneCycleSchedules {
  Schedule lr, momentum;
};
OneCycleSchedules one_cycle(double max_lr, int64_t total_steps, double pct_start = 0.3, double div_factor = 25,
                            double final_div_factor = 1e4, double base_momentum = 0.85, double max_momentum = 0.95);

/// Sets the hyperparameter `name` ("lr", "momentum", "beta1", "weight_decay", ... any of
/// OptimizerOptions::hyperparameters()) of every parameter group before each training batch,
/// from the position iteration / (epochs * batches per epoch). One schedule for all groups, or
/// one per group (discriminative rates). Order 10: before the Recorder reads the values.
class ParamScheduler : public Callback {
 public:
  ParamScheduler(std::string name, Schedule schedule);
  ParamScheduler(std::string name, std::vector<Schedule> per_group);
  int order() const override { return 10; }
  void before_fit(Learner& learn) override;
  /// Also before the training pass, so that the epoch's row shows the rate it starts with.
  void before_train(Learner& learn) override { set(learn); }
  void before_batch(Learner& learn) override;
  const std::string& name() const { return name_; }

 private:
  void set(Learner& learn);
  std::string name_;
  std::vector<Schedule> schedules_;
};

}  // namespace ember::train
