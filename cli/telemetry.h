// The course's telemetry picture (notebook 06): for each watched layer, its activation
// histograms side by side, one column per training batch, the lowest bin at the bottom and the
// colour the log of the count, so dead activations show as a bright band along the bottom.
#pragma once

#include <string>

#include <ember/train/callbacks.h>

namespace ember::cli {

/// One panel per layer that recorded batches, labelled with its name and module kind. Throws
/// ValueError when nothing was recorded; the PNG is written atomically.
void plot_activation_histograms(const train::ActivationStats& stats, const std::string& path);

}  // namespace ember::cli
