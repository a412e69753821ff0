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

// The horizontal axis: its name, and whether x holds log10 of the values (ticks at powers of 10).
struct XAxis {
  std::string label = "epoch";
  bool log10 = false;
};

// One panel: axes, grid, ticks, the series and a legend, inside (x0, y0)-(x0 + w, y0 + h).
// Non-finite points (a metric missing from an epoch) are left out.
void panel(Canvas& c, int x0, int y0, int w, int h, const std::string& title, const std::vector<double>& x,
           const std::vector<Series>& series, const XAxis& axis = {}) {
  const int left = x0 + 58, right = x0 + w - 12, top = y0 + 28, bottom = y0 + h - 34;
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series)
    for (double v : s.y)
      if (std::isfinite(v)) {
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
  auto tick = [&](double v, const std::string& label) {
    c.line(px(v), bottom, px(v), bottom + 4, kAxis);
    c.text(px(v) - Canvas::text_width(label) / 2, bottom + 8, label, kAxis);
  };
  if (axis.log10) {
    for (double e = std::ceil(xmin); e <= xmax; ++e) tick(e, "1e" + format_tick(e));
  } else {
    const int step = std::max<int>(1, static_cast<int>(std::ceil(x.size() / 10.0)));
    for (size_t i = 0; i < x.size(); i += step) tick(x[i], format_tick(x[i]));
  }
  c.text((left + right - Canvas::text_width(axis.label)) / 2, bottom + 20, axis.label, kAxis);
  c.line(left, top, left, bottom, kAxis);
  c.line(left, bottom, right, bottom, kAxis);
  int legend_y = top + 4;
  for (const auto& s : series) {
    for (size_t i = 0; i + 1 < s.y.size(); ++i)
      if (std::isfinite(s.y[i]) && std::isfinite(s.y[i + 1]))
        c.line(px(x[i]), py(s.y[i]), px(x[i + 1]), py(s.y[i + 1]), s.color, 2);
    if (s.y.size() <= 30)  // markers where there are few points (epochs); a sweep is a line
      for (size_t i = 0; i < s.y.size(); ++i)
        if (std::isfinite(s.y[i])) c.fill_rect(px(x[i]) - 2, py(s.y[i]) - 2, px(x[i]) + 3, py(s.y[i]) + 3, s.color);
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

void plot_lr_find(const std::vector<double>& lrs, const std::vector<double>& losses, double suggested_lr,
                  const std::string& path) {
  if (lrs.empty()) return;
  std::vector<double> x;
  for (double lr : lrs) x.push_back(std::log10(lr));
  Canvas canvas(640, 400);
  panel(canvas, 0, 0, 640, 400, "loss against learning rate", x, {{"loss", losses, kBlue}},
        {"learning rate (log scale)", true});
  // The suggestion as a vertical line at its place on the same axis as panel() drew it.
  const int left = 58, right = 640 - 12, top = 28, bottom = 400 - 34;
  const double xmin = x.front(), xmax = x.size() > 1 ? x.back() : x.front() + 1;
  const double at = std::log10(suggested_lr);
  if (at >= xmin && at <= xmax) {
    const int px = left + static_cast<int>(std::lround((at - xmin) / (xmax - xmin) * (right - left)));
    canvas.line(px, top, px, bottom, kOrange);
    canvas.text(px + 4, top + 4, "suggested " + format_tick(suggested_lr), kOrange);
  }
  canvas.write_png(path);
}

void plot_curves(const std::string& title, const std::string& x_label, const std::vector<double>& x,
                 const std::vector<std::pair<std::string, std::vector<double>>>& series, const std::string& path) {
  if (x.empty()) return;
  const Color colors[] = {kBlue, kOrange, kGreen, {214, 39, 40}, {148, 103, 189}};
  std::vector<Series> drawn;
  for (size_t i = 0; i < series.size(); ++i) drawn.push_back({series[i].first, series[i].second, colors[i % 5]});
  Canvas canvas(640, 400);
  panel(canvas, 0, 0, 640, 400, title, x, drawn, {x_label, false});
  canvas.write_png(path);
}

}  // namespace ember::cli
