#include "telemetry.h"

#include <algorithm>
#include <cmath>

#include "image.h"

namespace ember::cli {
namespace {

// A dark-blue -> green -> yellow ramp (viridis's ends and middle) for t in [0, 1].
Color ramp(double t) {
  const Color stops[] = {{68, 1, 84}, {33, 145, 140}, {253, 231, 37}};
  const double x = std::clamp(t, 0.0, 1.0) * 2;
  const int i = std::min(static_cast<int>(x), 1);
  const double f = x - i;
  auto mix = [f](uint8_t a, uint8_t b) { return static_cast<uint8_t>(std::lround(a + (b - a) * f)); };
  return {mix(stops[i].r, stops[i + 1].r), mix(stops[i].g, stops[i + 1].g), mix(stops[i].b, stops[i + 1].b)};
}

}  // namespace

void plot_activation_histograms(const train::ActivationStats& stats, const std::string& path) {
  std::vector<size_t> layers;
  for (size_t i = 0; i < stats.layers().size(); ++i)
    if (!stats.histograms(i).empty()) layers.push_back(i);
  EMBER_CHECK(!layers.empty(), ValueError, "[telemetry] no training batch was recorded; nothing to draw");
  const int bins = static_cast<int>(stats.histogram_settings().bins);
  const int cell_h = std::max(1, 160 / bins), plot_h = bins * cell_h;
  const int columns = 2, panel_w = 360, panel_h = plot_h + 40;
  const int rows = static_cast<int>((layers.size() + columns - 1) / columns);
  Canvas canvas(columns * panel_w, rows * panel_h);
  for (size_t k = 0; k < layers.size(); ++k) {
    const size_t layer = layers[k];
    const auto& hists = stats.histograms(layer);
    const int x0 = static_cast<int>(k % columns) * panel_w + 10, y0 = static_cast<int>(k / columns) * panel_h + 22;
    const int plot_w = panel_w - 20;
    canvas.text(x0, y0 - 16, "layer " + stats.layers()[layer] + " (" + stats.kind(layer) + ")", {40, 40, 40});
    double top = 0;  // the largest log count, for the colour scale
    for (const Tensor& h : hists) top = std::max(top, std::log1p(h.max().item<double>()));
    const double batches = static_cast<double>(hists.size());
    for (int px = 0; px < plot_w; ++px) {
      const Tensor& h = hists[static_cast<size_t>(px / static_cast<double>(plot_w) * batches)];
      const double* counts = h.data_ptr<double>();
      for (int b = 0; b < bins; ++b) {
        const Color c = ramp(top > 0 ? std::log1p(counts[b]) / top : 0);
        const int y = y0 + plot_h - (b + 1) * cell_h;
        canvas.fill_rect(x0 + px, y, x0 + px + 1, y + cell_h, c);
      }
    }
  }
  canvas.write_png(path);
}

}  // namespace ember::cli
