#include "image.h"

#include <png.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <ember/core/atomic_file.h>
#include <ember/core/error.h>

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
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(width_);
  image.height = static_cast<png_uint_32>(height_);
  image.format = PNG_FORMAT_RGB;
  // Encoded in memory (libpng says how much it needs when asked with no buffer), then written
  // through AtomicFile like every file ember writes.
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, rgb_.data(), 0, nullptr))
    throw IOError(path + ": cannot write PNG (" + image.message + ")");
  std::string png(size, '\0');
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, rgb_.data(), 0, nullptr))
    throw IOError(path + ": cannot write PNG (" + image.message + ")");
  png.resize(size);
  write_file_atomically(path, png);
}

GreyImage read_png_grey(const std::string& path) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw IOError(path + ": cannot open file (does it exist, and can it be read?)");
    std::fclose(f);
    throw IOError(path + ": not a readable PNG image (" + image.message + ")");
  }
  image.format = PNG_FORMAT_GRAY;
  GreyImage out;
  out.width = static_cast<int>(image.width);
  out.height = static_cast<int>(image.height);
  out.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr)) {
    png_image_free(&image);
    throw IOError(path + ": corrupt PNG image (" + image.message + ")");
  }
  return out;
}

}  // namespace ember::cli
