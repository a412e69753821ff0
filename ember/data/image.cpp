#include "ember/data/image.h"

#include <algorithm>
#include <cmath>

#include "ember/core/error.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"

namespace ember::data {

Image::Image(int64_t h, int64_t w, int64_t c) : height(h), width(w), channels(c), pixels(static_cast<size_t>(h * w * c)) {}

Image convert_channels(const Image& image, int64_t channels) {
  EMBER_CHECK(channels == 1 || channels == 3, ValueError, "[convert_channels] channels must be 1 (grey) or 3 (RGB); got ",
              channels);
  if (image.channels == channels) return image;
  Image out(image.height, image.width, channels);
  const int64_t n = image.height * image.width, c = image.channels;
  const uint8_t* src = image.pixels.data();
  uint8_t* dst = out.pixels.data();
  const bool colour = c >= 3;
  for (int64_t i = 0; i < n; ++i, src += c) {
    if (channels == 1) {
      // PIL's integer luma: (R*19595 + G*38470 + B*7471 + 0x8000) >> 16.
      dst[i] = colour ? static_cast<uint8_t>((src[0] * 19595 + src[1] * 38470 + src[2] * 7471 + 0x8000) >> 16) : src[0];
    } else {
      for (int k = 0; k < 3; ++k) dst[i * 3 + k] = colour ? src[k] : src[0];
    }
  }
  return out;
}

void image_to_chw(const Image& image, uint8_t* out) {
  const int64_t n = image.height * image.width, c = image.channels;
  for (int64_t k = 0; k < c; ++k)
    for (int64_t i = 0; i < n; ++i) out[k * n + i] = image.pixels[static_cast<size_t>(i * c + k)];
}

Tensor image_to_tensor(const Image& image) {
  Tensor t = empty({image.channels, image.height, image.width}, kFloat32);
  float* p = t.data_ptr<float>();
  const int64_t n = image.height * image.width, c = image.channels;
  for (int64_t k = 0; k < c; ++k)
    for (int64_t i = 0; i < n; ++i) p[k * n + i] = static_cast<float>(image.pixels[static_cast<size_t>(i * c + k)]) / 255.0f;
  return t;
}

Image tensor_to_image(const Tensor& chw_in) {
  EMBER_CHECK(chw_in.dim() == 2 || chw_in.dim() == 3, ShapeError, "[tensor_to_image] expected (C, H, W) or (H, W); got ",
              shape_str(chw_in.sizes()));
  const Tensor chw = (chw_in.dim() == 2 ? chw_in.unsqueeze(0) : chw_in).contiguous();
  const int64_t c = chw.size(0), h = chw.size(1), w = chw.size(2);
  EMBER_CHECK(c >= 1 && c <= 4, ShapeError, "[tensor_to_image] expected 1 to 4 channels; got ", shape_str(chw_in.sizes()));
  Image out(h, w, c);
  const bool bytes = chw.dtype() == kUInt8;
  const Tensor values = bytes ? chw : chw.to(kFloat32);
  for (int64_t k = 0; k < c; ++k)
    for (int64_t i = 0; i < h * w; ++i) {
      uint8_t v = 0;
      if (bytes) {
        v = values.data_ptr<uint8_t>()[k * h * w + i];
      } else {
        const float f = values.data_ptr<float>()[k * h * w + i] * 255.0f;
        v = static_cast<uint8_t>(std::lround(std::clamp(std::isnan(f) ? 0.0f : f, 0.0f, 255.0f)));
      }
      out.pixels[static_cast<size_t>(i * c + k)] = v;
    }
  return out;
}

std::vector<std::pair<double, double>> channel_stats(const Tensor& images_nchw) {
  EMBER_CHECK(images_nchw.dtype() == kUInt8 && images_nchw.dim() == 4, ValueError,
              "[channel_stats] expected uint8 images (N, C, H, W); got ", dtype_name(images_nchw.dtype()), " ",
              shape_str(images_nchw.sizes()));
  const Tensor raw = images_nchw.contiguous();
  const int64_t n = raw.size(0), c = raw.size(1), plane = raw.size(2) * raw.size(3);
  EMBER_CHECK(n * plane > 1, ValueError, "[channel_stats] needs more than one pixel per channel; got ", shape_str(raw.sizes()));
  // One pass over the bytes with exact integer sums; the std is the unbiased one, as torch.std.
  std::vector<uint64_t> sum(static_cast<size_t>(c)), sum_sq(static_cast<size_t>(c));
  const uint8_t* p = raw.data_ptr<uint8_t>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < c; ++k, p += plane) {
      uint64_t s = 0, s2 = 0;
      for (int64_t j = 0; j < plane; ++j) {
        s += p[j];
        s2 += static_cast<uint64_t>(p[j]) * p[j];
      }
      sum[static_cast<size_t>(k)] += s;
      sum_sq[static_cast<size_t>(k)] += s2;
    }
  std::vector<std::pair<double, double>> stats;
  const auto count = static_cast<double>(n * plane);
  for (int64_t k = 0; k < c; ++k) {
    const double mean = static_cast<double>(sum[static_cast<size_t>(k)]) / count;
    const double var = (static_cast<double>(sum_sq[static_cast<size_t>(k)]) - count * mean * mean) / (count - 1);
    stats.emplace_back(mean / 255.0, std::sqrt(std::max(var, 0.0)) / 255.0);
  }
  return stats;
}

}  // namespace ember::data
