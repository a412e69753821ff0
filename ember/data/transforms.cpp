#include "ember/data/transforms.h"

#include <algorithm>
#include <cmath>

#include "ember/core/error.h"
#include "ember/ops/creation.h"

namespace ember::data {

namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

ItemRandom::ItemRandom(uint64_t seed, uint64_t epoch, uint64_t index) : state_(seed) {
  // Each part stirred in through the mixer, so nearby (epoch, index) pairs give unrelated streams.
  state_ = splitmix64(state_) ^ epoch;
  state_ = splitmix64(state_) ^ index;
  splitmix64(state_);
}

uint64_t ItemRandom::next() { return splitmix64(state_); }

double ItemRandom::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

int64_t ItemRandom::integer(int64_t low, int64_t high) {
  EMBER_CHECK(low <= high, ValueError, "[ItemRandom] empty range [", low, ", ", high, "]");
  const auto span = static_cast<unsigned __int128>(static_cast<uint64_t>(high - low) + 1);
  return low + static_cast<int64_t>((span * next()) >> 64);
}

namespace transforms {

namespace {

// The image as a contiguous float32 (C, H, W), checked.
Tensor chw_float(const Tensor& image, const char* op) {
  EMBER_CHECK(image.dim() == 3, ShapeError, "[", op, "] expected an image (C, H, W); got ", shape_str(image.sizes()));
  EMBER_CHECK(is_floating_point(image.dtype()), TypeError, "[", op, "] expected a floating-point image; got ",
              dtype_name(image.dtype()), " (data::image_to_tensor converts bytes to [0, 1])");
  return image.to(kFloat32).contiguous();
}

// The value padding writes in channel c.
double fill_of(const std::vector<double>& fill, int64_t c) { return fill.size() == 1 ? fill[0] : fill[static_cast<size_t>(c)]; }

// One output sample of a resampling along one axis: the first input index and its weights.
struct Taps {
  int64_t first;
  std::vector<float> weights;
};

// The taps of each output index when `in` samples become `out`, as PIL's triangle filter (torch's
// antialiased bilinear); without antialias, the two-tap bilinear of align_corners=False.
std::vector<Taps> resample_taps(int64_t in, int64_t out, bool antialias) {
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  std::vector<Taps> taps(static_cast<size_t>(out));
  for (int64_t i = 0; i < out; ++i) {
    Taps& t = taps[static_cast<size_t>(i)];
    if (!antialias || scale <= 1.0) {
      const double src = std::max(0.0, (static_cast<double>(i) + 0.5) * scale - 0.5);
      const auto i0 = std::min(static_cast<int64_t>(src), in - 1);
      const int64_t i1 = std::min(i0 + 1, in - 1);
      const auto l1 = static_cast<float>(src - static_cast<double>(i0));
      t.first = i0;
      t.weights = i1 == i0 ? std::vector<float>{1.0f} : std::vector<float>{1.0f - l1, l1};
      continue;
    }
    const double center = scale * (static_cast<double>(i) + 0.5), support = scale, inv = 1.0 / scale;
    const auto lo = std::max<int64_t>(static_cast<int64_t>(center - support + 0.5), 0);
    const auto hi = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in);
    double total = 0;
    std::vector<double> w;
    for (int64_t j = lo; j < hi; ++j) {
      w.push_back(std::max(0.0, 1.0 - std::abs((static_cast<double>(j) - center + 0.5) * inv)));
      total += w.back();
    }
    t.first = lo;
    for (double v : w) t.weights.push_back(static_cast<float>(total > 0 ? v / total : 0.0));
  }
  return taps;
}

}  // namespace

Compose::Compose(std::vector<TransformPtr> transforms) : transforms_(std::move(transforms)) {
  for (const auto& t : transforms_) EMBER_CHECK(t != nullptr, ValueError, "[Compose] a transform is null");
}

Tensor Compose::operator()(const Tensor& image, ItemRandom& rng) const {
  Tensor x = image;
  for (const auto& t : transforms_) x = (*t)(x, rng);
  return x;
}

Tensor resize(const Tensor& image, int64_t height, int64_t width, bool antialias) {
  const Tensor x = chw_float(image, "resize");
  EMBER_CHECK(height > 0 && width > 0, ValueError, "[resize] the size must be positive; got ", height, " x ", width);
  const int64_t C = x.size(0), H = x.size(1), W = x.size(2);
  EMBER_CHECK(H > 0 && W > 0, ShapeError, "[resize] cannot resize an empty image ", shape_str(x.sizes()));
  const std::vector<Taps> cols = resample_taps(W, width, antialias), rows = resample_taps(H, height, antialias);
  // Rows first (W -> width), then columns (H -> height).
  Tensor mid = empty({C, H, width}, kFloat32), out = empty({C, height, width}, kFloat32);
  const float* src = x.data_ptr<float>();
  float* m = mid.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  for (int64_t c = 0; c < C; ++c)
    for (int64_t y = 0; y < H; ++y) {
      const float* in_row = src + (c * H + y) * W;
      float* out_row = m + (c * H + y) * width;
      for (int64_t i = 0; i < width; ++i) {
        const Taps& t = cols[static_cast<size_t>(i)];
        float acc = 0;
        for (size_t k = 0; k < t.weights.size(); ++k) acc += t.weights[k] * in_row[t.first + static_cast<int64_t>(k)];
        out_row[i] = acc;
      }
    }
  for (int64_t c = 0; c < C; ++c)
    for (int64_t i = 0; i < height; ++i) {
      const Taps& t = rows[static_cast<size_t>(i)];
      float* out_row = dst + (c * height + i) * width;
      std::fill(out_row, out_row + width, 0.0f);
      for (size_t k = 0; k < t.weights.size(); ++k) {
        const float* in_row = m + (c * H + t.first + static_cast<int64_t>(k)) * width;
        for (int64_t x0 = 0; x0 < width; ++x0) out_row[x0] += t.weights[k] * in_row[x0];
      }
    }
  return out;
}

Tensor crop(const Tensor& image, int64_t top, int64_t left, int64_t height, int64_t width, const std::vector<double>& fill) {
  const Tensor x = chw_float(image, "crop");
  const int64_t C = x.size(0), H = x.size(1), W = x.size(2);
  EMBER_CHECK(height > 0 && width > 0, ValueError, "[crop] the size must be positive; got ", height, " x ", width);
  EMBER_CHECK(fill.size() == 1 || static_cast<int64_t>(fill.size()) == C, ValueError, "[crop] fill has ", fill.size(),
              " values for an image of ", C, " channels (give one, or one per channel)");
  Tensor out = empty({C, height, width}, kFloat32);
  const float* src = x.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  // Columns x0 in [lo, hi) of each row read the image; the rest are padding.
  const int64_t lo = std::clamp<int64_t>(-left, 0, width), hi = std::clamp<int64_t>(W - left, lo, width);
  for (int64_t c = 0; c < C; ++c) {
    const auto f = static_cast<float>(fill_of(fill, c));
    for (int64_t y = 0; y < height; ++y) {
      const int64_t sy = top + y;
      float* row = dst + (c * height + y) * width;
      if (sy < 0 || sy >= H) {
        std::fill(row, row + width, f);
        continue;
      }
      std::fill(row, row + lo, f);
      std::copy(src + (c * H + sy) * W + left + lo, src + (c * H + sy) * W + left + hi, row + lo);
      std::fill(row + hi, row + width, f);
    }
  }
  return out;
}

Resize::Resize(ExpandingArray<2> size, bool antialias) : height_(size[0]), width_(size[1]), antialias_(antialias) {
  EMBER_CHECK(height_ > 0 && width_ > 0, ValueError, "[Resize] the size must be positive; got ", height_, " x ", width_);
}

Tensor Resize::operator()(const Tensor& image, ItemRandom&) const { return resize(image, height_, width_, antialias_); }

CenterCrop::CenterCrop(ExpandingArray<2> size) : height_(size[0]), width_(size[1]) {
  EMBER_CHECK(height_ > 0 && width_ > 0, ValueError, "[CenterCrop] the size must be positive; got ", height_, " x ", width_);
}

Tensor CenterCrop::operator()(const Tensor& image, ItemRandom&) const {
  const Tensor x = chw_float(image, "CenterCrop");
  const int64_t H = x.size(1), W = x.size(2);
  EMBER_CHECK(H >= height_ && W >= width_, ValueError, "[CenterCrop] the image is ", H, " x ", W,
              ", smaller than the ", height_, " x ", width_, " crop");
  // torchvision rounds the offsets: int(round((H - h) / 2.0)).
  const auto top = static_cast<int64_t>(std::nearbyint(static_cast<double>(H - height_) / 2.0));
  const auto left = static_cast<int64_t>(std::nearbyint(static_cast<double>(W - width_) / 2.0));
  return crop(x, top, left, height_, width_);
}

RandomCrop::RandomCrop(ExpandingArray<2> size, int64_t padding, std::vector<double> fill)
    : height_(size[0]), width_(size[1]), padding_(padding), fill_(std::move(fill)) {
  EMBER_CHECK(height_ > 0 && width_ > 0, ValueError, "[RandomCrop] the size must be positive; got ", height_, " x ", width_);
  EMBER_CHECK(padding >= 0, ValueError, "[RandomCrop] padding must be non-negative; got ", padding);
  EMBER_CHECK(!fill_.empty(), ValueError, "[RandomCrop] fill needs a value (or one per channel)");
}

Tensor RandomCrop::operator()(const Tensor& image, ItemRandom& rng) const {
  const Tensor x = chw_float(image, "RandomCrop");
  const int64_t H = x.size(1) + 2 * padding_, W = x.size(2) + 2 * padding_;
  EMBER_CHECK(H >= height_ && W >= width_, ValueError, "[RandomCrop] the image is ", x.size(1), " x ", x.size(2),
              (padding_ ? " (padded by " + std::to_string(padding_) + ")" : std::string()), ", smaller than the ", height_,
              " x ", width_, " crop");
  const int64_t top = rng.integer(0, H - height_), left = rng.integer(0, W - width_);
  return crop(x, top - padding_, left - padding_, height_, width_, fill_);
}

RandomHorizontalFlip::RandomHorizontalFlip(double p) : p_(p) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "[RandomHorizontalFlip] p must be in [0, 1]; got ", p);
}

Tensor RandomHorizontalFlip::operator()(const Tensor& image, ItemRandom& rng) const {
  const Tensor x = chw_float(image, "RandomHorizontalFlip");
  return rng.bernoulli(p_) ? dihedral(x, 1) : x;
}

RandomResizedCrop::RandomResizedCrop(ExpandingArray<2> size, std::pair<double, double> scale, std::pair<double, double> ratio)
    : height_(size[0]), width_(size[1]), scale_(scale), ratio_(ratio) {
  EMBER_CHECK(height_ > 0 && width_ > 0, ValueError, "[RandomResizedCrop] the size must be positive; got ", height_, " x ",
              width_);
  EMBER_CHECK(0 < scale.first && scale.first <= scale.second && scale.second <= 1, ValueError,
              "[RandomResizedCrop] scale must satisfy 0 < min <= max <= 1; got (", scale.first, ", ", scale.second, ")");
  EMBER_CHECK(0 < ratio.first && ratio.first <= ratio.second, ValueError,
              "[RandomResizedCrop] ratio must satisfy 0 < min <= max; got (", ratio.first, ", ", ratio.second, ")");
}

Tensor RandomResizedCrop::operator()(const Tensor& image, ItemRandom& rng) const {
  const Tensor x = chw_float(image, "RandomResizedCrop");
  const int64_t H = x.size(1), W = x.size(2);
  const double area = static_cast<double>(H * W);
  const double log_lo = std::log(ratio_.first), log_hi = std::log(ratio_.second);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * (scale_.first + rng.uniform() * (scale_.second - scale_.first));
    const double aspect = std::exp(log_lo + rng.uniform() * (log_hi - log_lo));
    const auto w = static_cast<int64_t>(std::nearbyint(std::sqrt(target * aspect)));
    const auto h = static_cast<int64_t>(std::nearbyint(std::sqrt(target / aspect)));
    if (w > 0 && w <= W && h > 0 && h <= H) {
      const int64_t top = rng.integer(0, H - h), left = rng.integer(0, W - w);
      return resize(crop(x, top, left, h, w), height_, width_);
    }
  }
  // No try fitted: the whole image cut to the nearest allowed aspect ratio, centred.
  const double in_ratio = static_cast<double>(W) / static_cast<double>(H);
  int64_t w = W, h = H;
  if (in_ratio < ratio_.first) h = static_cast<int64_t>(std::nearbyint(static_cast<double>(W) / ratio_.first));
  else if (in_ratio > ratio_.second) w = static_cast<int64_t>(std::nearbyint(static_cast<double>(H) * ratio_.second));
  return resize(crop(x, (H - h) / 2, (W - w) / 2, h, w), height_, width_);
}

Tensor dihedral(const Tensor& image, int k) {
  EMBER_CHECK(k >= 0 && k < 8, ValueError, "[dihedral] k must be 0..7; got ", k);
  const Tensor x = chw_float(image, "dihedral");
  const int64_t C = x.size(0), H = x.size(1), W = x.size(2);
  const bool flip_lr = k & 1, flip_ud = k & 2, transpose = k & 4;
  const int64_t OH = transpose ? W : H, OW = transpose ? H : W;
  Tensor out = empty({C, OH, OW}, kFloat32);
  const float* src = x.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  for (int64_t c = 0; c < C; ++c)
    for (int64_t y = 0; y < OH; ++y)
      for (int64_t x0 = 0; x0 < OW; ++x0) {
        // (y, x0) of the output is (fy, fx) of the flipped image, itself a pixel of the input.
        const int64_t fy = transpose ? x0 : y, fx = transpose ? y : x0;
        const int64_t sy = flip_ud ? H - 1 - fy : fy, sx = flip_lr ? W - 1 - fx : fx;
        dst[(c * OH + y) * OW + x0] = src[(c * H + sy) * W + sx];
      }
  return out;
}

Tensor RandomDihedral::operator()(const Tensor& image, ItemRandom& rng) const {
  return dihedral(image, static_cast<int>(rng.integer(0, 7)));
}

Normalize::Normalize(std::vector<double> mean, std::vector<double> std) : mean_(std::move(mean)), std_(std::move(std)) {
  EMBER_CHECK(!mean_.empty() && mean_.size() == std_.size(), ValueError, "[Normalize] mean has ", mean_.size(),
              " values and std ", std_.size(), "; give the same number, one or one per channel");
  for (double s : std_) EMBER_CHECK(s > 0, ValueError, "[Normalize] std must be positive; got ", s);
}

void normalize_(Tensor& images, const std::vector<double>& mean, const std::vector<double>& std) {
  EMBER_CHECK(images.dim() >= 3 && images.dtype() == kFloat32 && images.is_contiguous(), ValueError,
              "[normalize_] expected contiguous float32 images (..., C, H, W); got ", dtype_name(images.dtype()), " ",
              shape_str(images.sizes()));
  const int64_t C = images.size(images.dim() - 3), plane = images.size(images.dim() - 2) * images.size(images.dim() - 1);
  EMBER_CHECK(mean.size() == std.size() && (mean.size() == 1 || static_cast<int64_t>(mean.size()) == C), ShapeError,
              "[Normalize] ", mean.size(), " means and ", std.size(), " stds for images of ", C, " channels");
  for (double s : std) EMBER_CHECK(s > 0, ValueError, "[Normalize] std must be positive; got ", s);
  float* p = images.data_ptr<float>();
  for (int64_t i = 0, n = images.numel() / (C * plane); i < n; ++i)
    for (int64_t c = 0; c < C; ++c, p += plane) {
      const auto m = static_cast<float>(fill_of(mean, c)), inv = static_cast<float>(1.0 / fill_of(std, c));
      for (int64_t j = 0; j < plane; ++j) p[j] = (p[j] - m) * inv;
    }
  images.impl()->storage->bump_version();
}

Tensor Normalize::operator()(const Tensor& image, ItemRandom&) const {
  Tensor out = chw_float(image, "Normalize").clone();
  normalize_(out, mean_, std_);
  return out;
}

}  // namespace transforms
}  // namespace ember::data
