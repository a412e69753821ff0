// Recorder (the course's, 05_anneal): the learning rate and momentum of every parameter group
// and the loss, for every training batch, to plot schedules and LR sweeps.
#pragma once

#include <vector>

#include "ember/train/learner.h"

namespace ember::train {

class Recorder : public Callback {
 public:
  /// Order 50: after the schedules (10) have set this batch's values.
  int order() const override { return 50; }
  void before_fit(Learner& learn) override;
  void after_loss(Learner& learn) override;

  /// Group `group`'s learning rate at each recorded batch.
  const std::vector<double>& lrs(size_t group = 0) const;
  /// The first group's momentum-like option (SGD's momentum, Adam's beta1), if it has one.
  const std::vector<double>& moms() const { return moms_; }
  const std::vector<double>& losses() const { return losses_; }

 private:
  std::vector<std::vector<double>> lrs_;
  std::vector<double> moms_, losses_;
};

}  // namespace ember::train
