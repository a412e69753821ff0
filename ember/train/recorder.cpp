#include "ember/train/recorder.h"

namespace ember::train {

void Recorder::before_fit(Learner& learn) {
  lrs_.assign(learn.optimizer().param_groups().size(), {});
  moms_.clear();
  losses_.clear();
}

void Recorder::after_loss(Learner& learn) {
  if (!learn.state().training) return;
  const auto& groups = learn.optimizer().param_groups();
  for (size_t g = 0; g < groups.size() && g < lrs_.size(); ++g) lrs_[g].push_back(groups[g].options().get_lr());
  if (auto m = learn.optimizer().momentum()) moms_.push_back(*m);
  losses_.push_back(learn.state().loss.item<double>());
}

const std::vector<double>& Recorder::lrs(size_t group) const {
  EMBER_CHECK(group < lrs_.size(), IndexError, "[Recorder] no parameter group ", group, "; ", lrs_.size(), " recorded");
  return lrs_[group];
}

}  // namespace ember::train
