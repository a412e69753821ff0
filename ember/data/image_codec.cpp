// Format sniffing, files in and out; the codecs themselves are png_codec.cpp and jpeg_codec.cpp.
#include "ember/data/image_codec.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "ember/core/atomic_file.h"
#include "ember/core/error.h"

namespace ember::data {

ImageFormat sniff_image_format(std::string_view bytes, const std::string& name) {
  static constexpr std::string_view kPng("\x89PNG\r\n\x1a\n", 8), kJpeg("\xFF\xD8\xFF", 3);
  if (bytes.substr(0, kPng.size()) == kPng) return ImageFormat::PNG;
  if (bytes.substr(0, kJpeg.size()) == kJpeg) return ImageFormat::JPEG;
  if (bytes.empty()) throw IOError(name + ": the file is empty, not a PNG or JPEG image");
  std::string start;
  for (size_t i = 0; i < std::min<size_t>(bytes.size(), 8); ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(bytes[i]));
    start += (i ? " " : "") + std::string(hex);
  }
  throw IOError(name + ": not a PNG or JPEG image (it starts with bytes " + start + ")");
}

void check_pixel_count(int64_t width, int64_t height, int64_t max_pixels, const std::string& name) {
  if (width > 0 && height > 0 && width <= max_pixels / height) return;
  throw IOError(name + ": the header claims " + std::to_string(width) + " x " + std::to_string(height) +
                " pixels, more than the " + std::to_string(max_pixels) +
                " allowed (a corrupt file or a decompression bomb); nothing was allocated");
}

Image decode_image(std::string_view bytes, const std::string& name, int64_t max_pixels) {
  return sniff_image_format(bytes, name) == ImageFormat::PNG ? decode_png(bytes, name, max_pixels)
                                                             : decode_jpeg(bytes, name, max_pixels);
}

std::string read_file_bytes(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw IOError(path + ": cannot open file (does it exist, and can it be read?)");
  std::string bytes;
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) bytes.append(buffer, n);
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) throw IOError(path + ": cannot read file (is it a folder?)");
  return bytes;
}

Image read_image(const std::string& path, int64_t max_pixels) { return decode_image(read_file_bytes(path), path, max_pixels); }

void write_image(const std::string& path, const Image& image, int jpeg_quality) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".png") return write_file_atomically(path, encode_png(image));
  if (ext == ".jpg" || ext == ".jpeg") return write_file_atomically(path, encode_jpeg(image, jpeg_quality));
  throw ValueError("[write_image] " + path + ": the extension must be .png, .jpg or .jpeg");
}

}  // namespace ember::data
