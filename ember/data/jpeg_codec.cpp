// JPEG through libjpeg-turbo's libjpeg API. libjpeg reports errors by calling error_exit, which
// must not return: ours longjmps back to the setjmp in decode/encode, whose frames hold nothing
// with a destructor between the two, and the message becomes an IOError after the jump. Warnings
// (premature end of data, corrupt segments) count as errors: a truncated JPEG decodes to grey
// rows otherwise, silently.
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
// jpeglib.h needs size_t and FILE declared first.
#include <jpeglib.h>

#include "ember/core/error.h"
#include "ember/data/image_codec.h"

namespace ember::data {

namespace {

struct ErrorManager {
  jpeg_error_mgr pub;  // first, so libjpeg's pointer to it is a pointer to the whole
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  err->pub.format_message(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

void on_message(j_common_ptr cinfo, int level) {
  if (level < 0) on_error(cinfo);  // a warning: the data is damaged
}

void install(jpeg_error_mgr* pub) {
  jpeg_std_error(pub);
  pub->error_exit = on_error;
  pub->emit_message = on_message;
}

// What the decoder learns before it needs memory, and the jump-free part of decoding.
struct JpegHeader {
  int64_t width = 0, height = 0, channels = 0;
  bool unsupported_colour = false;
};

// Returns false with err.message set when libjpeg fails. Only plain data lives in this frame.
bool decode_into(std::string_view bytes, ErrorManager& err, JpegHeader& header, Image& out, int64_t max_pixels) {
  jpeg_decompress_struct cinfo;
  cinfo.err = &err.pub;
  install(&err.pub);
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
  jpeg_read_header(&cinfo, TRUE);
  header.width = cinfo.image_width;
  header.height = cinfo.image_height;
  header.unsupported_colour = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  const bool size_ok = header.width > 0 && header.height > 0 && header.width <= max_pixels / header.height;
  if (!size_ok || header.unsupported_colour) {
    jpeg_destroy_decompress(&cinfo);
    return true;  // the caller throws with the header's values
  }
  cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  header.channels = cinfo.output_components;
  out.height = cinfo.output_height;
  out.width = cinfo.output_width;
  out.channels = header.channels;
  out.pixels.resize(static_cast<size_t>(out.height * out.width * out.channels));
  const size_t row = static_cast<size_t>(out.width * out.channels);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW rows[1] = {out.pixels.data() + cinfo.output_scanline * row};
    jpeg_read_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

bool encode_into(const Image& image, int quality, ErrorManager& err, unsigned char** buffer, unsigned long* size) {
  jpeg_compress_struct cinfo;
  cinfo.err = &err.pub;
  install(&err.pub);
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    return false;
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, buffer, size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = static_cast<int>(image.channels);
  cinfo.in_color_space = image.channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const size_t row = static_cast<size_t>(image.width * image.channels);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW rows[1] = {const_cast<unsigned char*>(image.pixels.data()) + cinfo.next_scanline * row};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return true;
}

}  // namespace

Image decode_jpeg(std::string_view bytes, const std::string& name, int64_t max_pixels) {
  ErrorManager err;
  JpegHeader header;
  Image out;
  if (!decode_into(bytes, err, header, out, max_pixels))
    throw IOError(name + ": corrupt or truncated JPEG image (" + err.message + ")");
  if (header.unsupported_colour)
    throw IOError(name + ": a CMYK JPEG image; only grey and colour (YCbCr/RGB) JPEGs can be read");
  if (header.channels == 0) check_pixel_count(header.width, header.height, max_pixels, name);
  return out;
}

std::string encode_jpeg(const Image& image, int quality) {
  EMBER_CHECK(image.channels == 1 || image.channels == 3, ValueError,
              "[encode_jpeg] JPEG holds grey or RGB images; this one has ", image.channels,
              " channels (convert_channels(image, 3) drops an alpha channel)");
  EMBER_CHECK(image.width > 0 && image.height > 0 && image.width <= JPEG_MAX_DIMENSION && image.height <= JPEG_MAX_DIMENSION,
              ValueError, "[encode_jpeg] cannot write a ", image.width, " x ", image.height, " image (JPEG's limit is ",
              JPEG_MAX_DIMENSION, " a side)");
  EMBER_CHECK(quality >= 1 && quality <= 100, ValueError, "[encode_jpeg] quality must be 1 to 100; got ", quality);
  ErrorManager err;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const bool ok = encode_into(image, quality, err, &buffer, &size);
  std::string bytes = ok ? std::string(reinterpret_cast<const char*>(buffer), size) : std::string();
  std::free(buffer);  // jpeg_mem_dest's buffer is malloc'ed and ours to free
  if (!ok) throw IOError(std::string("[encode_jpeg] ") + err.message);
  return bytes;
}

}  // namespace ember::data
