// Pictures for people: an RGB canvas with lines, rectangles and 5x7 bitmap text, written as PNG
// (through ember::data's encoder, atomically).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::cli {

struct Color {
  uint8_t r, g, b;
};

class Canvas {
 public:
  Canvas(int width, int height, Color background = {255, 255, 255});
  int width() const { return width_; }
  int height() const { return height_; }
  void set(int x, int y, Color c);
  void fill_rect(int x0, int y0, int x1, int y1, Color c);
  /// A line `thickness` pixels wide (Bresenham, thickened with squares).
  void line(int x0, int y0, int x1, int y1, Color c, int thickness = 1);
  /// Text with the top-left corner at (x, y); `scale` multiplies the 5x7 glyphs. Letters are
  /// drawn lower-case; characters without a glyph are drawn as blanks.
  void text(int x, int y, const std::string& s, Color c, int scale = 1);
  static int text_width(const std::string& s, int scale = 1) { return static_cast<int>(s.size()) * 6 * scale; }
  /// Writes the canvas as an 8-bit RGB PNG (through AtomicFile: never half a file).
  void write_png(const std::string& path) const;

 private:
  int width_, height_;
  std::vector<uint8_t> rgb_;
};

/// The 7 rows (5 bits each, most significant bit leftmost) of a character, or null.
const uint8_t* glyph(char c);

}  // namespace ember::cli
