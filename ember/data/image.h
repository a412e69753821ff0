// Image: decoded 8-bit pixels, rows of interleaved channels (grey, grey+alpha, RGB or RGBA), as
// image libraries hand them over; and the conversions to and from the tensors a model reads
// (float32 (C, H, W) in [0, 1]).
#pragma once

#include <cstdint>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::data {

struct Image {
  int64_t height = 0, width = 0, channels = 0;  // channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
  std::vector<uint8_t> pixels;                  // height * width * channels, row-major, interleaved

  Image() = default;
  Image(int64_t height, int64_t width, int64_t channels);
  uint8_t& at(int64_t y, int64_t x, int64_t c) { return pixels[static_cast<size_t>((y * width + x) * channels + c)]; }
  uint8_t at(int64_t y, int64_t x, int64_t c) const { return pixels[static_cast<size_t>((y * width + x) * channels + c)]; }
};

/// The image with `channels` channels (1 or 3): grey <-> RGB (grey is ITU-R 601 luma,
/// 0.299 R + 0.587 G + 0.114 B, as PIL's convert("L")), alpha dropped (as PIL's convert("RGB")).
/// `channels` equal to the image's own returns it unchanged. Throws ValueError for others.
Image convert_channels(const Image& image, int64_t channels);

/// Float32 (C, H, W) in [0, 1] (pixel / 255).
Tensor image_to_tensor(const Image& image);
/// Writes `image` as uint8 (C, H, W) into `out` (C * H * W bytes): what to_tensor's /255 starts from.
void image_to_chw(const Image& image, uint8_t* out);
/// An (C, H, W) or (H, W) tensor back to an Image: uint8 taken as is, floating point read as
/// [0, 1] and rounded (clamped) to 0..255. C must be 1..4.
Image tensor_to_image(const Tensor& chw);

/// Per channel, the mean and (unbiased) standard deviation of uint8 images (N, C, H, W) scaled to
/// [0, 1], from exact integer sums: the statistics Normalize needs, of a training split.
std::vector<std::pair<double, double>> channel_stats(const Tensor& images_nchw);

}  // namespace ember::data
