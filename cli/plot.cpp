#include "plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "image.h"

namespace ember::cli {

namespace {

constexpr Color kAxis{60, 60, 60}, kGrid{225, 225, 225}, kBlue{31, 119, 180}, kOrange{255, 127, 14}, kGreen{44, 160, 44};

struct Series {
  std::string name;
  std::vector<double> y;
  Color color;
};

std::string format_tick(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// One panel: axes, grid, ticks, the series and a legend, inside (x0, y0)-(x0 + w, y0 + h).
void panel(Canvas& c, int x0, int y0, int w, int h, const std::string& title, const std::vector<double>& x,
           const std::vector<Series>& series) {
  const int left = x0 + 58, right = x0 + w - 12, top = y0 + 28, bottom = y0 + h - 34;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series)
    for (double v : s.y) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const double xmin = x.front(), xmax = x.size() > 1 ? x.back() : x.front() + 1;
  auto px = [&](double v) { return left + static_cast<int>(std::lround((v - xmin) / (xmax - xmin) * (right - left))); };
  auto py = [&](double v) { return bottom - static_cast<int>(std::lround((v - lo) / (hi - lo) * (bottom - top))); };

  c.text(x0 + (w - Canvas::text_width(title, 2)) / 2, y0 + 6, title, kAxis, 2);
  for (int i = 0; i <= 4; ++i) {  // horizontal grid with value labels
    const double v = lo + (hi - lo) * i / 4;
    c.line(left, py(v), right, py(v), kGrid);
    const std::string label = format_tick(v);
    c.text(left - 6 - Canvas::text_width(label), py(v) - 3, label, kAxis);
  }
  const int step = std::max<int>(1, static_cast<int>(std::ceil(x.size() / 10.0)));
  for (size_t i = 0; i < x.size(); i += step) {  // epoch ticks
    const std::string label = format_tick(x[i]);
    c.line(px(x[i]), bottom, px(x[i]), bottom + 4, kAxis);
    c.text(px(x[i]) - Canvas::text_width(label) / 2, bottom + 8, label, kAxis);
  }
  c.text((left + right - Canvas::text_width("epoch")) / 2, bottom + 20, "epoch", kAxis);
  c.line(left, top, left, bottom, kAxis);
  c.line(left, bottom, right, bottom, kAxis);
  int legend_y = top + 4;
  for (const auto& s : series) {
    for (size_t i = 0; i + 1 < s.y.size(); ++i) c.line(px(x[i]), py(s.y[i]), px(x[i + 1]), py(s.y[i + 1]), s.color, 2);
    for (size_t i = 0; i < s.y.size(); ++i) c.fill_rect(px(x[i]) - 2, py(s.y[i]) - 2, px(x[i]) + 3, py(s.y[i]) + 3, s.color);
    c.fill_rect(right - 90, legend_y + 2, right - 78, legend_y + 5, s.color);
    c.text(right - 72, legend_y, s.name, kAxis);
    legend_y += 12;
  }
}

}  // namespace

void plot_history(const std::vector<train::EpochMetrics>& history, const std::string& path) {
  if (history.empty()) return;
  std::vector<double> epochs;
  // The loss panel, then one panel per metric (the metrics of the first epoch).
  Series train_loss{"train", {}, kBlue}, valid_loss{"valid", {}, kOrange};
  std::vector<Series> metrics;
  std::vector<std::string> titles;
  for (const auto& [name, value] : history.front().metrics) {
    metrics.push_back({"valid", {}, kGreen});
    titles.push_back(name);
  }
  for (const auto& m : history) {
    epochs.push_back(static_cast<double>(m.epoch));
    train_loss.y.push_back(m.train_loss);
    valid_loss.y.push_back(m.valid_loss);
    for (size_t i = 0; i < metrics.size(); ++i) metrics[i].y.push_back(m.has(titles[i]) ? m.metric(titles[i]) : NAN);
  }
  constexpr int kPanel = 450, kHeight = 360;
  Canvas canvas(kPanel * static_cast<int>(1 + metrics.size()), kHeight);
  panel(canvas, 0, 0, kPanel, kHeight, "loss", epochs, {train_loss, valid_loss});
  for (size_t i = 0; i < metrics.size(); ++i)
    panel(canvas, kPanel * static_cast<int>(i + 1), 0, kPanel, kHeight, titles[i], epochs, {metrics[i]});
  canvas.write_png(path);
}

}  // namespace ember::cli
