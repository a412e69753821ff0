// Plots as PNGs: the training curves (loss, train and valid, then one panel per metric, against
// the epoch) and the LR finder's sweep.
#pragma once

#include <string>
#include <vector>

#include <ember/train/learner.h>

namespace ember::cli {

void plot_history(const std::vector<train::EpochMetrics>& history, const std::string& path);
/// Named curves against x, in one panel (the course's schedule and Recorder plots).
void plot_curves(const std::string& title, const std::string& x_label, const std::vector<double>& x,
                 const std::vector<std::pair<std::string, std::vector<double>>>& series, const std::string& path);
/// The LR finder's sweep: smoothed loss against the learning rate on a log axis, with the
/// suggested rate marked.
void plot_lr_find(const std::vector<double>& lrs, const std::vector<double>& losses, double suggested_lr,
                  const std::string& path);

}  // namespace ember::cli
