// libFuzzer target: decode_image (PNG through libpng, JPEG through libjpeg-turbo) on any bytes.
// It may refuse them only with ember::IOError. The pixel limit is set to 4 Mi pixels (16 MiB of
// RGBA) so that mutation explores the parsers rather than the limit, which the unit tests check,
// and so that -malloc_limit_mb catches any other allocation that trusts the file.
#include <ember/ember.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const ember::data::Image img =
        ember::data::decode_image(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", 1 << 22);
    if (img.pixels.size() != static_cast<size_t>(img.height * img.width * img.channels)) __builtin_trap();
  } catch (const ember::IOError&) {
  }
  return 0;
}
