// PNG and JPEG in and out: known pixels back from files the test writes, channel conversions,
// and every way a file can be bad (truncated, corrupt, not an image, a decompression bomb).
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

using data::Image;

// A test card: each pixel's channels a different function of (y, x, c).
Image card(int64_t h, int64_t w, int64_t c) {
  Image img(h, w, c);
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      for (int64_t k = 0; k < c; ++k) img.at(y, x, k) = static_cast<uint8_t>((y * 37 + x * 11 + k * 80) % 256);
  return img;
}

void write_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

TEST(ImageCodec, PngKeepsEveryChannelCountExactly) {
  for (int64_t c = 1; c <= 4; ++c) {
    const Image img = card(9, 13, c);
    const Image back = data::decode_png(data::encode_png(img), "card.png");
    EXPECT_EQ(back.height, 9);
    EXPECT_EQ(back.width, 13);
    EXPECT_EQ(back.channels, c);
    EXPECT_EQ(back.pixels, img.pixels) << c << " channels";
  }
}

TEST(ImageCodec, JpegOfFlatBlocksDecodesToTheirValues) {
  // Blocks of one colour, aligned to JPEG's 16x16 colour blocks, survive compression almost
  // exactly inside (quality 100 leaves rounding only); at their edges the decoder's smooth
  // upsampling of the colour planes blends neighbours, as every libjpeg reader does.
  for (int64_t c : {1, 3}) {
    Image img(32, 48, c);
    for (int64_t y = 0; y < 32; ++y)
      for (int64_t x = 0; x < 48; ++x)
        for (int64_t k = 0; k < c; ++k) img.at(y, x, k) = static_cast<uint8_t>(40 + 70 * ((y / 16 + x / 16 + k) % 3));
    const Image back = data::decode_jpeg(data::encode_jpeg(img, 100), "blocks.jpg");
    ASSERT_EQ(back.channels, c);
    ASSERT_EQ(back.height, 32);
    ASSERT_EQ(back.width, 48);
    int worst = 0;
    for (int64_t y = 0; y < 32; ++y)
      for (int64_t x = 0; x < 48; ++x)
        for (int64_t k = 0; k < c; ++k)
          if (c == 1 || (y % 16 > 1 && y % 16 < 14 && x % 16 > 1 && x % 16 < 14))
            worst = std::max(worst, std::abs(img.at(y, x, k) - back.at(y, x, k)));
    EXPECT_LE(worst, 3) << c << " channels";
    EXPECT_EQ(back.at(5, 5, 0), back.at(10, 10, 0));  // flat inside a block
  }
}

TEST(ImageCodec, ReadImageSniffsTheFormatNotTheExtension) {
  testing::TempDir dir;
  const Image img = card(5, 6, 3);
  data::write_image(dir.file("a.png"), img);
  data::write_image(dir.file("b.JPG"), img, 90);
  std::filesystem::copy_file(dir.file("a.png"), dir.file("really_png.jpg"));
  EXPECT_EQ(data::read_image(dir.file("a.png")).pixels, img.pixels);
  EXPECT_EQ(data::read_image(dir.file("really_png.jpg")).pixels, img.pixels);
  const Image jpeg = data::read_image(dir.file("b.JPG"));
  EXPECT_EQ(jpeg.channels, 3);
  EXPECT_EQ(jpeg.width, 6);
  EXPECT_THROW_MSG(data::write_image(dir.file("c.bmp"), img), ValueError, "must be .png, .jpg or .jpeg");
}

TEST(ImageCodec, ChannelConversions) {
  Image rgba(1, 2, 4);
  rgba.pixels = {200, 100, 50, 7, 0, 255, 0, 255};
  const Image rgb = data::convert_channels(rgba, 3);
  EXPECT_EQ(rgb.pixels, (std::vector<uint8_t>{200, 100, 50, 0, 255, 0}));  // alpha dropped
  const Image grey = data::convert_channels(rgb, 1);
  // PIL's L = R * 299/1000 + G * 587/1000 + B * 114/1000: 200,100,50 -> 124.2; 0,255,0 -> 149.7.
  EXPECT_EQ(grey.pixels, (std::vector<uint8_t>{124, 150}));
  EXPECT_EQ(data::convert_channels(grey, 3).pixels, (std::vector<uint8_t>{124, 124, 124, 150, 150, 150}));
  EXPECT_THROW_MSG(data::convert_channels(grey, 2), ValueError, "1 (grey) or 3 (RGB)");
}

TEST(ImageCodec, TensorsAreChannelsFirstInZeroToOne) {
  const Image img = card(3, 4, 3);
  const Tensor t = data::image_to_tensor(img);
  ASSERT_EQ(t.sizes(), (std::vector<int64_t>{3, 3, 4}));
  EXPECT_FLOAT_EQ(t[2][1][3].item<float>(), img.at(1, 3, 2) / 255.0f);
  EXPECT_EQ(data::tensor_to_image(t).pixels, img.pixels);
  EXPECT_THROW_MSG(data::tensor_to_image(zeros({5, 2, 2})), ShapeError, "1 to 4 channels");
}

TEST(ImageCodec, TruncatedAndCorruptFilesNameTheFileAndTheProblem) {
  testing::TempDir dir;
  const std::string png = data::encode_png(card(20, 20, 3)), jpeg = data::encode_jpeg(card(20, 20, 3));
  write_bytes(dir.file("cut.png"), png.substr(0, png.size() / 2));
  write_bytes(dir.file("cut.jpg"), jpeg.substr(0, jpeg.size() / 2));
  std::string bad_png = png;
  bad_png[40] ^= 0x55;  // inside the compressed data: its CRC no longer matches
  write_bytes(dir.file("bad.png"), bad_png);
  write_bytes(dir.file("text.png"), "hello, not an image");
  write_bytes(dir.file("empty.jpg"), "");
  EXPECT_THROW_MSG(data::read_image(dir.file("cut.png")), IOError, "cut.png: corrupt or truncated PNG");
  EXPECT_THROW_MSG(data::read_image(dir.file("cut.jpg")), IOError, "cut.jpg: corrupt or truncated JPEG");
  EXPECT_THROW_MSG(data::read_image(dir.file("bad.png")), IOError, "bad.png:");
  EXPECT_THROW_MSG(data::read_image(dir.file("text.png")), IOError, "text.png: not a PNG or JPEG image (it starts with bytes 68 65");
  EXPECT_THROW_MSG(data::read_image(dir.file("empty.jpg")), IOError, "empty.jpg: the file is empty");
  EXPECT_THROW_MSG(data::read_image(dir.file("missing.png")), IOError, "missing.png: cannot open file");
  EXPECT_THROW_MSG(data::read_image(dir.path().string()), IOError, "cannot read file");
  // A JPEG whose header is cut off before the frame.
  EXPECT_THROW_MSG(data::decode_jpeg(jpeg.substr(0, 30), "head.jpg"), IOError, "head.jpg: corrupt or truncated JPEG");
}

// `png` with its IHDR claiming width x height (and the chunk's CRC recomputed, so only the size
// is wrong).
std::string png_claiming(std::string png, uint32_t width, uint32_t height) {
  auto put32 = [&](size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) png[at + i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
  };
  put32(16, width);  // 8 signature + 4 length + 4 "IHDR"
  put32(20, height);
  put32(29, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(png.data() + 12), 17)));
  return png;
}

// `jpeg` with its frame header (SOF0) claiming width x height.
std::string jpeg_claiming(std::string jpeg, uint16_t width, uint16_t height) {
  const size_t sof = jpeg.find("\xFF\xC0");
  EXPECT_NE(sof, std::string::npos);
  jpeg[sof + 5] = static_cast<char>(height >> 8);
  jpeg[sof + 6] = static_cast<char>(height & 0xFF);
  jpeg[sof + 7] = static_cast<char>(width >> 8);
  jpeg[sof + 8] = static_cast<char>(width & 0xFF);
  return jpeg;
}

TEST(ImageCodec, DecompressionBombsAreRefusedBeforeAllocation) {
  const std::string png = data::encode_png(card(8, 8, 1)), jpeg = data::encode_jpeg(card(16, 16, 3));
  // 60000 x 60000 RGB would be 10.8 GB.
  EXPECT_THROW_MSG(data::decode_png(png_claiming(png, 60000, 60000), "bomb.png"), IOError,
                   "bomb.png: the header claims 60000 x 60000 pixels, more than the 89478485 allowed");
  EXPECT_THROW_MSG(data::decode_jpeg(jpeg_claiming(jpeg, 60000, 60000), "bomb.jpg"), IOError,
                   "bomb.jpg: the header claims 60000 x 60000 pixels");
  // The limit is the caller's to set.
  EXPECT_THROW_MSG(data::decode_png(png, "small.png", 63), IOError, "more than the 63 allowed");
  EXPECT_EQ(data::decode_png(png, "small.png", 64).width, 8);
  // A plausible size that the data does not fill is an ordinary truncation.
  EXPECT_THROW_MSG(data::decode_png(png_claiming(png, 300, 300), "short.png"), IOError, "short.png: corrupt or truncated PNG");
}

TEST(ImageCodec, EncodersRefuseWhatTheFormatCannotHold) {
  EXPECT_THROW_MSG(data::encode_jpeg(card(4, 4, 4)), ValueError, "grey or RGB images; this one has 4 channels");
  EXPECT_THROW_MSG(data::encode_jpeg(card(4, 4, 3), 0), ValueError, "quality must be 1 to 100");
  EXPECT_THROW_MSG(data::encode_png(Image(0, 4, 3)), ValueError, "cannot write a 4 x 0 image");
}

}  // namespace
}  // namespace ember
