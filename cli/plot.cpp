// Line plots drawn with cairo (anti-aliased lines, real fonts) and written as PNG atomically.
#include "plot.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <ember/core/atomic_file.h>

namespace ember::cli {

namespace {

struct Rgb {
  double r, g, b;
};
constexpr Rgb kAxis{0.2, 0.2, 0.2}, kGrid{0.88, 0.88, 0.88}, kOrange{1.0, 0.5, 0.055};
constexpr Rgb kPalette[] = {{0.12, 0.47, 0.71}, {1.0, 0.5, 0.055}, {0.17, 0.63, 0.17}, {0.84, 0.15, 0.16}, {0.58, 0.4, 0.74}};

struct Series {
  std::string name;
  std::vector<double> y;
  Rgb color;
};

// The horizontal axis: its name, and whether x holds log10 of the values (ticks at powers of 10).
struct XAxis {
  std::string label = "epoch";
  bool log10 = false;
};

std::string format_tick(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// A white canvas with a cairo context; png() writes it through write_file_atomically.
class Figure {
 public:
  Figure(int width, int height)
      : surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height), cairo_surface_destroy),
        cr_(cairo_create(surface_.get()), cairo_destroy) {
    EMBER_CHECK(cairo_surface_status(surface_.get()) == CAIRO_STATUS_SUCCESS, IOError, "plot: cairo cannot make a ",
                width, "x", height, " image");
    cairo_set_source_rgb(cr(), 1, 1, 1);
    cairo_paint(cr());
    cairo_select_font_face(cr(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  }
  cairo_t* cr() const { return cr_.get(); }
  void png(const std::string& path) const {
    std::string bytes;
    const auto append = [](void* out, const unsigned char* data, unsigned int n) {
      static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(data), n);
      return CAIRO_STATUS_SUCCESS;
    };
    EMBER_CHECK(cairo_surface_write_to_png_stream(surface_.get(), append, &bytes) == CAIRO_STATUS_SUCCESS, IOError, path,
                ": cairo could not encode the plot");
    write_file_atomically(path, bytes);
  }

 private:
  std::unique_ptr<cairo_surface_t, void (*)(cairo_surface_t*)> surface_;
  std::unique_ptr<cairo_t, void (*)(cairo_t*)> cr_;
};

void set_color(cairo_t* cr, Rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

// Text anchored at (x, y): align 0 left, 0.5 centre, 1 right of x; y is the baseline.
void text(cairo_t* cr, double x, double y, const std::string& s, double size, Rgb c, double align = 0) {
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  set_color(cr, c);
  cairo_move_to(cr, x - align * e.x_advance, y);
  cairo_show_text(cr, s.c_str());
}

// Where a panel put its data: maps x and y values to pixels.
struct Frame {
  double left, right, top, bottom, xmin, xmax, lo, hi;
  double px(double v) const { return left + (v - xmin) / (xmax - xmin) * (right - left); }
  double py(double v) const { return bottom - (v - lo) / (hi - lo) * (bottom - top); }
};

// One panel: title, grid, ticks, axes, the series and a legend, inside (x0, y0)-(x0 + w, y0 + h).
// Non-finite points (a metric missing from an epoch) are left out.
Frame panel(cairo_t* cr, double x0, double y0, double w, double h, const std::string& title, const std::vector<double>& x,
            const std::vector<Series>& series, const XAxis& axis = {}) {
  Frame f{x0 + 62, x0 + w - 16, y0 + 36, y0 + h - 44, x.front(), x.size() > 1 ? x.back() : x.front() + 1, INFINITY, -INFINITY};
  for (const auto& s : series)
    for (double v : s.y)
      if (std::isfinite(v)) {
        f.lo = std::min(f.lo, v);
        f.hi = std::max(f.hi, v);
      }
  if (!(f.hi > f.lo)) {
    f.lo = std::isfinite(f.lo) ? f.lo - 0.5 : 0;
    f.hi = std::isfinite(f.hi) ? f.hi + 0.5 : 1;
  }
  const double pad = (f.hi - f.lo) * 0.05;
  f.lo -= pad;
  f.hi += pad;

  text(cr, x0 + w / 2, y0 + 22, title, 15, kAxis, 0.5);
  cairo_set_line_width(cr, 1);
  for (int i = 0; i <= 4; ++i) {  // horizontal grid with value labels
    const double v = f.lo + (f.hi - f.lo) * i / 4, y = std::round(f.py(v)) + 0.5;
    set_color(cr, kGrid);
    cairo_move_to(cr, f.left, y);
    cairo_line_to(cr, f.right, y);
    cairo_stroke(cr);
    text(cr, f.left - 6, y + 4, format_tick(v), 11, kAxis, 1);
  }
  auto tick = [&](double v, const std::string& label) {
    const double px = std::round(f.px(v)) + 0.5;
    set_color(cr, kAxis);
    cairo_move_to(cr, px, f.bottom);
    cairo_line_to(cr, px, f.bottom + 4);
    cairo_stroke(cr);
    text(cr, px, f.bottom + 17, label, 11, kAxis, 0.5);
  };
  if (axis.log10) {
    for (double e = std::ceil(f.xmin); e <= f.xmax; ++e) tick(e, "1e" + format_tick(e));
  } else {
    const size_t step = std::max<size_t>(1, (x.size() + 9) / 10);
    for (size_t i = 0; i < x.size(); i += step) tick(x[i], format_tick(x[i]));
  }
  text(cr, (f.left + f.right) / 2, f.bottom + 34, axis.label, 12, kAxis, 0.5);
  set_color(cr, kAxis);
  cairo_move_to(cr, f.left + 0.5, f.top);
  cairo_line_to(cr, f.left + 0.5, f.bottom + 0.5);
  cairo_line_to(cr, f.right, f.bottom + 0.5);
  cairo_stroke(cr);

  double legend_y = f.top + 12;
  for (const auto& s : series) {
    set_color(cr, s.color);
    cairo_set_line_width(cr, 2);
    bool drawing = false;
    for (size_t i = 0; i < s.y.size() && i < x.size(); ++i) {
      if (!std::isfinite(s.y[i])) {
        drawing = false;
        continue;
      }
      if (drawing) cairo_line_to(cr, f.px(x[i]), f.py(s.y[i]));
      else cairo_move_to(cr, f.px(x[i]), f.py(s.y[i]));
      drawing = true;
    }
    cairo_stroke(cr);
    if (s.y.size() <= 30)  // markers where there are few points (epochs); a sweep is a line
      for (size_t i = 0; i < s.y.size() && i < x.size(); ++i)
        if (std::isfinite(s.y[i])) {
          cairo_arc(cr, f.px(x[i]), f.py(s.y[i]), 3, 0, 2 * M_PI);
          cairo_fill(cr);
        }
    cairo_set_font_size(cr, 12);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.name.c_str(), &e);
    const double lx = f.right - e.x_advance - 28;
    cairo_move_to(cr, lx, legend_y - 4);
    cairo_line_to(cr, lx + 20, legend_y - 4);
    cairo_stroke(cr);
    text(cr, lx + 24, legend_y, s.name, 12, kAxis);
    legend_y += 16;
  }
  return f;
}

}  // namespace

void plot_history(const std::vector<train::EpochMetrics>& history, const std::string& path) {
  if (history.empty()) return;
  // The loss panel, then one panel per metric (the metrics of the first epoch).
  std::vector<double> epochs;
  Series train_loss{"train", {}, kPalette[0]}, valid_loss{"valid", {}, kPalette[1]};
  std::vector<Series> metrics;
  for (const auto& [name, value] : history.front().metrics) metrics.push_back({name, {}, kPalette[2]});
  for (const auto& m : history) {
    epochs.push_back(static_cast<double>(m.epoch));
    train_loss.y.push_back(m.train_loss);
    valid_loss.y.push_back(m.valid_loss);
    for (auto& s : metrics) s.y.push_back(m.has(s.name) ? m.metric(s.name) : NAN);
  }
  constexpr int kPanel = 460, kHeight = 360;
  Figure fig(kPanel * static_cast<int>(1 + metrics.size()), kHeight);
  panel(fig.cr(), 0, 0, kPanel, kHeight, "loss", epochs, {train_loss, valid_loss});
  for (size_t i = 0; i < metrics.size(); ++i)
    panel(fig.cr(), kPanel * static_cast<double>(i + 1), 0, kPanel, kHeight, "validation " + metrics[i].name, epochs,
          {metrics[i]});
  fig.png(path);
}

void plot_curves(const std::string& title, const std::string& x_label, const std::vector<double>& x,
                 const std::vector<std::pair<std::string, std::vector<double>>>& series, const std::string& path) {
  if (x.empty()) return;
  std::vector<Series> drawn;
  for (size_t i = 0; i < series.size(); ++i) drawn.push_back({series[i].first, series[i].second, kPalette[i % 5]});
  Figure fig(640, 400);
  panel(fig.cr(), 0, 0, 640, 400, title, x, drawn, {x_label, false});
  fig.png(path);
}

void plot_lr_find(const std::vector<double>& lrs, const std::vector<double>& losses, double suggested_lr,
                  const std::string& path) {
  if (lrs.empty()) return;
  std::vector<double> x;
  for (double lr : lrs) x.push_back(std::log10(lr));
  Figure fig(640, 400);
  const Frame f = panel(fig.cr(), 0, 0, 640, 400, "Loss against learning rate", x, {{"smoothed loss", losses, kPalette[0]}},
                        {"learning rate (log scale)", true});
  const double at = std::log10(suggested_lr);
  if (at >= f.xmin && at <= f.xmax) {  // the suggestion as a dashed vertical line
    cairo_t* cr = fig.cr();
    const double dash = 4;
    set_color(cr, kOrange);
    cairo_set_line_width(cr, 1.5);
    cairo_set_dash(cr, &dash, 1, 0);
    cairo_move_to(cr, f.px(at), f.top);
    cairo_line_to(cr, f.px(at), f.bottom);
    cairo_stroke(cr);
    cairo_set_dash(cr, nullptr, 0, 0);
    text(cr, f.px(at) + 5, f.bottom - 8, "suggested " + format_tick(suggested_lr), 12, kOrange);
  }
  fig.png(path);
}

}  // namespace ember::cli
