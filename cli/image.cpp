#include "image.h"

#include <cstdlib>

#include <ember/core/atomic_file.h>
#include <ember/core/error.h>
#include <ember/data/image_codec.h>

namespace ember::cli {

Canvas::Canvas(int width, int height, Color background)
    : width_(width), height_(height), rgb_(static_cast<size_t>(width) * height * 3) {
  fill_rect(0, 0, width, height, background);
}

void Canvas::set(int x, int y, Color c) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  uint8_t* p = &rgb_[(static_cast<size_t>(y) * width_ + x) * 3];
  p[0] = c.r;
  p[1] = c.g;
  p[2] = c.b;
}

void Canvas::fill_rect(int x0, int y0, int x1, int y1, Color c) {
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) set(x, y, c);
}

void Canvas::line(int x0, int y0, int x1, int y1, Color c, int thickness) {
  const int dx = std::abs(x1 - x0), dy = -std::abs(y1 - y0);
  const int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  int err = dx + dy;
  const int half = thickness / 2;
  while (true) {
    fill_rect(x0 - half, y0 - half, x0 - half + thickness, y0 - half + thickness, c);
    if (x0 == x1 && y0 == y1) break;
    const int e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void Canvas::text(int x, int y, const std::string& s, Color c, int scale) {
  for (size_t i = 0; i < s.size(); ++i) {
    const uint8_t* rows = glyph(s[i]);
    if (!rows) continue;
    for (int r = 0; r < 7; ++r)
      for (int col = 0; col < 5; ++col)
        if (rows[r] & (0x10 >> col))
          fill_rect(x + (static_cast<int>(i) * 6 + col) * scale, y + r * scale,
                    x + (static_cast<int>(i) * 6 + col + 1) * scale, y + (r + 1) * scale, c);
  }
}

void Canvas::write_png(const std::string& path) const {
  data::Image image(height_, width_, 3);
  image.pixels = rgb_;
  write_file_atomically(path, data::encode_png(image));
}

}  // namespace ember::cli
