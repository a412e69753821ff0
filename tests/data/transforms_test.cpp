// Image transforms: resize against torch's interpolate, and each augmentation's geometry shown by
// where a marked pixel lands; random transforms' draws reproducible per (seed, epoch, item).
#include <gtest/gtest.h>

#include <set>

#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace T = data::transforms;

// A (C, H, W) image of zeros with pixel (y, x) set to 1 in every channel.
Tensor marked(int64_t c, int64_t h, int64_t w, int64_t y, int64_t x) {
  Tensor img = zeros({c, h, w});
  for (int64_t k = 0; k < c; ++k) img.data_ptr<float>()[(k * h + y) * w + x] = 1.0f;
  return img;
}

// Where the single 1 of channel 0 is, or (-1, -1).
std::pair<int64_t, int64_t> mark_of(const Tensor& img) {
  const Tensor c = img.contiguous();
  const int64_t h = c.size(1), w = c.size(2);
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      if (c.data_ptr<float>()[y * w + x] == 1.0f) return {y, x};
  return {-1, -1};
}

TEST(Transforms, ResizeMatchesTorchInterpolate) {
  const auto fixture = load_safetensors(std::string(EMBER_FIXTURE_DIR) + "/torch_resize.safetensors").tensors;
  Tensor input;
  for (const auto& [name, t] : fixture)
    if (name == "input") input = t;
  int checked = 0;
  for (const auto& [name, expected] : fixture) {
    if (name == "input") continue;
    const bool aa = name.find(".aa") != std::string::npos;
    SCOPED_TRACE(name);
    EXPECT_TENSOR_NEAR(T::resize(input, expected.size(1), expected.size(2), aa), expected, 1e-5, 1e-5);
    ++checked;
  }
  EXPECT_EQ(checked, 10);
}

TEST(Transforms, CropPadsOutsideTheImageWithFill) {
  const Tensor img = marked(2, 4, 5, 1, 2);
  const Tensor out = T::crop(img, -2, -3, 6, 7, {0.25, 0.5});
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{2, 6, 7}));
  EXPECT_EQ(mark_of(out), (std::pair<int64_t, int64_t>{3, 5}));
  EXPECT_FLOAT_EQ(out[0][0][0].item<float>(), 0.25f);  // padding, per channel
  EXPECT_FLOAT_EQ(out[1][0][0].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(out[0][2][3].item<float>(), 0.0f);   // image
  EXPECT_THROW_MSG(T::crop(img, 0, 0, 2, 2, {1, 2, 3}), ValueError, "fill has 3 values for an image of 2 channels");
}

TEST(Transforms, CenterCropRoundsItsOffsetsAsTorchvision) {
  data::ItemRandom rng(0, 0, 0);
  // 7 -> 4 leaves 3 rows: round(1.5) = 2 above (ties to even); 9 -> 4 leaves 5 columns: round(2.5) = 2.
  const Tensor out = T::CenterCrop(4)(marked(1, 7, 9, 2, 2), rng);
  EXPECT_EQ(out.sizes(), (std::vector<int64_t>{1, 4, 4}));
  EXPECT_EQ(mark_of(out), (std::pair<int64_t, int64_t>{0, 0}));
  EXPECT_THROW_MSG(T::CenterCrop(8)(marked(1, 7, 9, 0, 0), rng), ValueError, "the image is 7 x 9, smaller than the 8 x 8 crop");
}

TEST(Transforms, RandomCropDrawsEveryOffsetOfThePaddedImage) {
  const Tensor img = marked(1, 6, 6, 2, 3);
  const T::RandomCrop random_crop(6, /*padding=*/2);
  std::set<std::pair<int64_t, int64_t>> seen;
  for (uint64_t i = 0; i < 400; ++i) {
    data::ItemRandom rng(1, 0, i);
    // The mark sits at (4, 5) of the 10 x 10 padded image; a window at (top, left), each 0..4,
    // puts it at (4 - top, 5 - left).
    const auto [y, x] = mark_of(random_crop(img, rng));
    EXPECT_TRUE(y >= 0 && y <= 4 && x >= 1 && x <= 5) << y << ", " << x;
    seen.insert({y, x});
  }
  EXPECT_EQ(seen.size(), 25u);  // every one of the 5 x 5 windows drawn
  data::ItemRandom rng(0, 0, 0);
  EXPECT_THROW_MSG(T::RandomCrop(9)(img, rng), ValueError, "the image is 6 x 6, smaller than the 9 x 9 crop");
}

TEST(Transforms, HorizontalFlipMirrorsColumns) {
  const Tensor img = marked(3, 4, 5, 1, 1);
  data::ItemRandom rng(0, 0, 0);
  EXPECT_EQ(mark_of(T::RandomHorizontalFlip(1.0)(img, rng)), (std::pair<int64_t, int64_t>{1, 3}));
  EXPECT_EQ(mark_of(T::RandomHorizontalFlip(0.0)(img, rng)), (std::pair<int64_t, int64_t>{1, 1}));
  int flipped = 0;
  for (uint64_t i = 0; i < 1000; ++i) {
    data::ItemRandom r(5, 0, i);
    flipped += mark_of(T::RandomHorizontalFlip()(img, r)).second == 3;
  }
  EXPECT_NEAR(flipped, 500, 60);  // p = 0.5: 6 standard deviations
}

TEST(Transforms, DihedralIsTheEightSymmetries) {
  const Tensor img = marked(1, 3, 4, 0, 1);  // H 3, W 4; the mark at row 0, column 1
  const std::pair<int64_t, int64_t> expected[8] = {
      {0, 1}, {0, 2},  // identity, flip left-right
      {2, 1}, {2, 2},  // flip top-bottom, both (a half turn)
      {1, 0}, {2, 0},  // transpose, then the transposes of the flipped images
      {1, 2}, {2, 2}};
  std::set<std::vector<float>> distinct;
  for (int k = 0; k < 8; ++k) {
    const Tensor out = T::dihedral(img, k);
    EXPECT_EQ(out.sizes(), (k & 4 ? std::vector<int64_t>{1, 4, 3} : std::vector<int64_t>{1, 3, 4})) << k;
    EXPECT_EQ(mark_of(out), expected[k]) << "k = " << k;
    const Tensor ramp = T::dihedral(arange(12, kFloat32).reshape({1, 3, 4}), k).contiguous();
    distinct.insert(std::vector<float>(ramp.data_ptr<float>(), ramp.data_ptr<float>() + 12));
  }
  EXPECT_EQ(distinct.size(), 8u);
  EXPECT_THROW_MSG(T::dihedral(img, 8), ValueError, "k must be 0..7");
}

TEST(Transforms, RandomResizedCropOfTheWholeImageIsAResize) {
  const Tensor img = rand({3, 12, 16});
  data::ItemRandom rng(0, 0, 0);
  const T::RandomResizedCrop whole({6, 8}, {1.0, 1.0}, {16.0 / 12.0, 16.0 / 12.0});
  EXPECT_TENSOR_NEAR(whole(img, rng), T::resize(img, 6, 8), 1e-6, 1e-6);
  // The default scale and ratio: always the output size, and the crops differ between items.
  const T::RandomResizedCrop rrc(10);
  data::ItemRandom a(0, 0, 1), b(0, 0, 2);
  const Tensor x = rrc(img, a), y = rrc(img, b);
  EXPECT_EQ(x.sizes(), (std::vector<int64_t>{3, 10, 10}));
  EXPECT_GT((x - y).abs().max().item<float>(), 0.0f);
  EXPECT_THROW_MSG(T::RandomResizedCrop(4, {0.5, 0.2}), ValueError, "scale must satisfy");
}

TEST(Transforms, NormalizeIsPerChannel) {
  const Tensor img = full({2, 1, 2}, 0.5);
  data::ItemRandom rng(0, 0, 0);
  const Tensor out = T::Normalize({0.25, 0.5}, {0.5, 2.0})(img, rng);
  EXPECT_FLOAT_EQ(out[0][0][0].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(out[1][0][1].item<float>(), 0.0f);
  EXPECT_THROW_MSG(T::Normalize({0.1, 0.2, 0.3}, {1, 1, 1})(img, rng), ShapeError, "3 means and 3 stds for images of 2 channels");
  EXPECT_THROW_MSG(T::Normalize({0.1}, {0.0}), ValueError, "std must be positive");
}

TEST(Transforms, ComposeAppliesInOrder) {
  const T::Compose both({std::make_shared<T::RandomHorizontalFlip>(1.0), std::make_shared<T::CenterCrop>(2)});
  data::ItemRandom rng(0, 0, 0);
  EXPECT_EQ(mark_of(both(marked(1, 4, 4, 1, 2), rng)), (std::pair<int64_t, int64_t>{0, 0}));
  EXPECT_THROW_MSG(T::Compose({nullptr}), ValueError, "a transform is null");
}

TEST(Transforms, TransformsTakeFloatImagesOnly) {
  data::ItemRandom rng(0, 0, 0);
  EXPECT_THROW_MSG(T::CenterCrop(2)(zeros({3, 4, 4}, kUInt8), rng), TypeError, "expected a floating-point image; got uint8");
  EXPECT_THROW_MSG(T::CenterCrop(2)(zeros({4, 4}), rng), ShapeError, "expected an image (C, H, W); got (4, 4)");
}

TEST(ItemRandom, StreamsAreReproducibleAndIndependent) {
  data::ItemRandom a(3, 1, 7), b(3, 1, 7), c(3, 1, 8), d(3, 2, 7);
  const uint64_t first = a.next();
  EXPECT_EQ(first, b.next());
  EXPECT_NE(first, c.next());
  EXPECT_NE(first, d.next());
  std::set<int64_t> values;
  for (int i = 0; i < 200; ++i) {
    const int64_t v = a.integer(-2, 2);
    EXPECT_GE(v, -2);
    EXPECT_LE(v, 2);
    values.insert(v);
  }
  EXPECT_EQ(values.size(), 5u);  // both ends included
}

}  // namespace
}  // namespace ember
