#include "ember/train/schedules.h"

#include <cmath>
#include <numeric>

namespace ember::train {

Schedule sched_lin(double start, double end) {
  return [=](double pos) { return start + pos * (end - start); };
}

Schedule sched_cos(double start, double end) {
  return [=](double pos) { return start + (1 + std::cos(M_PI * (1 - pos))) * (end - start) / 2; };
}

Schedule sched_no(double start, double) {
  return [=](double) { return start; };
}

Schedule sched_exp(double start, double end) {
  EMBER_CHECK(start > 0 && end > 0, ValueError, "[sched_exp] start and end must be positive; got ", start, " and ", end);
  return [=](double pos) { return start * std::pow(end / start, pos); };
}

Schedule combine_scheds(std::vector<double> pcts, std::vector<Schedule> scheds) {
  EMBER_CHECK(!pcts.empty() && pcts.size() == scheds.size(), ValueError, "[combine_scheds] needs one fraction per schedule; got ",
              pcts.size(), " fractions and ", scheds.size(), " schedules");
  for (double p : pcts) EMBER_CHECK(p > 0, ValueError, "[combine_scheds] every fraction must be positive; got ", p);
  const double total = std::accumulate(pcts.begin(), pcts.end(), 0.0);
  EMBER_CHECK(std::abs(total - 1) < 1e-9, ValueError, "[combine_scheds] the fractions must sum to 1; they sum to ", total);
  std::vector<double> starts{0};  // where each phase begins
  for (size_t i = 0; i + 1 < pcts.size(); ++i) starts.push_back(starts.back() + pcts[i]);
  return [pcts = std::move(pcts), scheds = std::move(scheds), starts = std::move(starts)](double pos) {
    size_t i = 0;
    while (i + 1 < starts.size() && pos >= starts[i + 1]) ++i;
    return scheds[i](std::min(1.0, (pos - starts[i]) / pcts[i]));
  };
}

OneCycleSchedules one_cycle(double max_lr, int64_t total_steps, double pct_start, double div_factor,
                            double final_div_factor, double base_momentum, double max_momentum) {
  EMBER_CHECK(total_steps > 1, ValueError, "[one_cycle] total_steps must be at least 2; got ", total_steps);
  EMBER_CHECK(pct_start > 0 && pct_start < 1, ValueError, "[one_cycle] pct_start must be in (0, 1); got ", pct_start);
  // torch's phases end at steps pct_start * total - 1 and total - 1; ParamScheduler's position
  // is step / total, so the phases take these fractions, and a constant third phase covers the
  // last 1 / total, where the second has already arrived.
  const double steps = static_cast<double>(total_steps), end1 = pct_start * steps - 1, end2 = steps - 1;
  EMBER_CHECK(end1 > 0, ValueError, "[one_cycle] pct_start * total_steps must exceed 1; got ", pct_start * steps);
  const std::vector<double> pcts{end1 / steps, (end2 - end1) / steps, 1 / steps};
  const double initial = max_lr / div_factor, final = initial / final_div_factor;
  return {combine_scheds(pcts, {sched_cos(initial, max_lr), sched_cos(max_lr, final), sched_no(final, final)}),
          combine_scheds(pcts, {sched_cos(max_momentum, base_momentum), sched_cos(base_momentum, max_momentum),
                                sched_no(max_momentum, max_momentum)})};
}

ParamScheduler::ParamScheduler(std::string name, Schedule schedule)
    : ParamScheduler(std::move(name), std::vector<Schedule>{std::move(schedule)}) {}

ParamScheduler::ParamScheduler(std::string name, std::vector<Schedule> per_group)
    : name_(std::move(name)), schedules_(std::move(per_group)) {
  EMBER_CHECK(!schedules_.empty(), ValueError, "[ParamScheduler] needs a schedule for '", name_, "'");
  for (const Schedule& s : schedules_) EMBER_CHECK(s != nullptr, ValueError, "[ParamScheduler] a schedule for '", name_, "' is empty");
}

void ParamScheduler::before_fit(Learner& learn) {
  auto& groups = learn.optimizer().param_groups();
  EMBER_CHECK(schedules_.size() == 1 || schedules_.size() == groups.size(), ValueError, "[ParamScheduler] ",
              schedules_.size(), " schedules for '", name_, "' but the optimiser has ", groups.size(), " parameter groups");
  for (auto& g : groups) g.options().get(name_);  // throws now, naming the options there are, if there is no such one
}

void ParamScheduler::before_batch(Learner& learn) {
  if (learn.state().training) set(learn);
}

void ParamScheduler::set(Learner& learn) {
  const LearnerState& s = learn.state();
  const double total = static_cast<double>(s.epochs * learn.train_data().size());
  const double pos = total > 0 ? static_cast<double>(s.iteration) / total : 0;
  auto& groups = learn.optimizer().param_groups();
  for (size_t g = 0; g < groups.size(); ++g)
    groups[g].options().set(name_, schedules_[schedules_.size() == 1 ? 0 : g](pos));
}

}  // namespace ember::train
