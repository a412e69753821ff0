// PNG through libpng's simplified API (png_image), which reports errors in image.message
// instead of longjmp-ing through our frames.
#include <png.h>

#include <cstring>

#include "ember/core/error.h"
#include "ember/data/image_codec.h"

namespace ember::data {

namespace {

png_image fresh_png_image() {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  return image;
}

}  // namespace

Image decode_png(std::string_view bytes, const std::string& name, int64_t max_pixels) {
  png_image image = fresh_png_image();
  if (!png_image_begin_read_from_memory(&image, bytes.data(), bytes.size()))
    throw IOError(name + ": not a readable PNG image (" + image.message + ")");
  try {
    check_pixel_count(image.width, image.height, max_pixels, name);
  } catch (...) {
    png_image_free(&image);
    throw;
  }
  // Keep the file's channels; 16-bit samples and palettes come out as 8-bit values.
  const bool colour = image.format & PNG_FORMAT_FLAG_COLOR, alpha = image.format & PNG_FORMAT_FLAG_ALPHA;
  image.format = (colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY) | (alpha ? PNG_FORMAT_FLAG_ALPHA : 0);
  Image out(image.height, image.width, PNG_IMAGE_PIXEL_CHANNELS(image.format));
  // png_image_finish_read frees the decoder whether it succeeds or not.
  if (!png_image_finish_read(&image, nullptr, out.pixels.data(), 0, nullptr))
    throw IOError(name + ": corrupt or truncated PNG image (" + image.message + ")");
  return out;
}

std::string encode_png(const Image& image) {
  EMBER_CHECK(image.channels >= 1 && image.channels <= 4, ValueError, "[encode_png] an image has 1 to 4 channels; got ",
              image.channels);
  EMBER_CHECK(image.width > 0 && image.height > 0 && image.width <= PNG_UINT_31_MAX && image.height <= PNG_UINT_31_MAX,
              ValueError, "[encode_png] cannot write a ", image.width, " x ", image.height, " image");
  static constexpr png_uint_32 kFormats[] = {PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB, PNG_FORMAT_RGBA};
  png_image png = fresh_png_image();
  png.width = static_cast<png_uint_32>(image.width);
  png.height = static_cast<png_uint_32>(image.height);
  png.format = kFormats[image.channels - 1];
  // libpng says how much memory it needs when asked with no buffer.
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.pixels.data(), 0, nullptr))
    throw IOError(std::string("[encode_png] ") + png.message);
  std::string bytes(size, '\0');
  if (!png_image_write_to_memory(&png, bytes.data(), &size, 0, image.pixels.data(), 0, nullptr))
    throw IOError(std::string("[encode_png] ") + png.message);
  bytes.resize(size);
  return bytes;
}

}  // namespace ember::data
