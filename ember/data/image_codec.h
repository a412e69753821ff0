// Reading and writing image files: PNG through libpng, JPEG through libjpeg-turbo. Decoding
// never trusts the file: a corrupt, truncated or unsupported image is an IOError that names the
// file and what is wrong, and an image whose header claims more than `max_pixels` pixels (a
// decompression bomb: a few bytes that would expand to gigabytes) is refused before its pixels
// are allocated. Writing goes through AtomicFile, as every file ember writes.
//   data::Image img = data::read_image("cat.jpg");           // grey, grey+alpha, RGB or RGBA
//   data::write_image("cat.png", data::convert_channels(img, 1));
#pragma once

#include <string>
#include <string_view>

#include "ember/data/image.h"

namespace ember::data {

/// PIL's default limit (Image.MAX_IMAGE_PIXELS): about a 9459 x 9459 image.
inline constexpr int64_t kMaxImagePixels = 89'478'485;

enum class ImageFormat { PNG, JPEG };

/// The format from the first bytes (PNG's or JPEG's signature); throws IOError naming `name`
/// for anything else.
ImageFormat sniff_image_format(std::string_view bytes, const std::string& name);

/// 8-bit pixels with the file's channels: PNG grey, grey+alpha, RGB or RGBA (palettes expanded,
/// 16-bit samples reduced to 8); JPEG grey or RGB. `name` is the file the bytes came from.
Image decode_png(std::string_view bytes, const std::string& name, int64_t max_pixels = kMaxImagePixels);
Image decode_jpeg(std::string_view bytes, const std::string& name, int64_t max_pixels = kMaxImagePixels);
Image decode_image(std::string_view bytes, const std::string& name, int64_t max_pixels = kMaxImagePixels);
/// The file at `path`, PNG or JPEG whatever its extension says.
Image read_image(const std::string& path, int64_t max_pixels = kMaxImagePixels);

/// PNG keeps every channel count; JPEG takes grey or RGB (quality 1-100, 4:2:0 subsampling for
/// colour as libjpeg's default).
std::string encode_png(const Image& image);
std::string encode_jpeg(const Image& image, int quality = 95);
/// PNG for .png, JPEG for .jpg / .jpeg (any case); written atomically.
void write_image(const std::string& path, const Image& image, int jpeg_quality = 95);

/// Throws IOError naming `name` unless 0 < width * height <= max_pixels: what each decoder checks
/// on the header's dimensions before it allocates the pixels.
void check_pixel_count(int64_t width, int64_t height, int64_t max_pixels, const std::string& name);

/// The whole file as bytes; IOError naming `path` when it cannot be opened or read.
std::string read_file_bytes(const std::string& path);

}  // namespace ember::data
