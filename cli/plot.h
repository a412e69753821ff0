// The training curves as a PNG: loss (train and valid) on the left, valid accuracy on the right,
// against the epoch.
#pragma once

#include <string>
#include <vector>

#include <ember/train/learner.h>

namespace ember::cli {

void plot_history(const std::vector<train::EpochMetrics>& history, const std::string& path);

}  // namespace ember::cli
