// Image transforms on float (C, H, W) tensors, torchvision's names and semantics: resizing,
// cropping, flips, the course's dihedral group and ResizeFixed, per-channel normalisation, and
// Compose to chain them. Random transforms draw from an ItemRandom, a stream of its own for each
// (seed, epoch, example), so an augmented epoch is the same whichever thread builds which item,
// on one thread or two, and changes from epoch to epoch.
//   auto augment = data::transforms::Compose({std::make_shared<data::transforms::RandomCrop>(28, 4),
//                                             std::make_shared<data::transforms::RandomHorizontalFlip>()});
//   data::ItemRandom rng(/*seed=*/0, /*epoch=*/0, /*index=*/17);
//   Tensor out = (*augment)(image, rng);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ember/core/expanding_array.h"
#include "ember/tensor/tensor.h"

namespace ember::data {

/// A small counter-based random stream (SplitMix64) seeded by (seed, epoch, index): cheap to
/// create per example, independent between examples.
class ItemRandom {
 public:
  ItemRandom(uint64_t seed, uint64_t epoch, uint64_t index);
  uint64_t next();
  double uniform();                         // [0, 1)
  int64_t integer(int64_t low, int64_t high);  // [low, high], both included
  bool bernoulli(double p) { return uniform() < p; }

 private:
  uint64_t state_;
};

namespace transforms {

class Transform {
 public:
  virtual ~Transform() = default;
  /// `image` is (C, H, W) floating point. Transforms never write into their input; one that
  /// changes nothing (a flip not drawn) may return it.
  virtual Tensor operator()(const Tensor& image, ItemRandom& rng) const = 0;
};
using TransformPtr = std::shared_ptr<const Transform>;

/// Each transform in turn.
class Compose : public Transform {
 public:
  explicit Compose(std::vector<TransformPtr> transforms);
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;
  const std::vector<TransformPtr>& transforms() const { return transforms_; }

 private:
  std::vector<TransformPtr> transforms_;
};

// Sizes are ExpandingArray<2> as in libtorch's options: one side for a square or {height, width}.

/// To exactly height x width, bilinear (align_corners=False). antialias widens the filter when
/// shrinking, as PIL and torch's interpolate(antialias=True) do, so a large photo shrunk to 32x32
/// keeps its detail instead of aliasing; without it this is interpolate(mode="bilinear").
class Resize : public Transform {
 public:
  explicit Resize(ExpandingArray<2> size, bool antialias = true);
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;

 private:
  int64_t height_, width_;
  bool antialias_;
};

/// The course's ResizeFixed: a size x size square, whatever the image's aspect ratio.
class ResizeFixed : public Resize {
 public:
  explicit ResizeFixed(int64_t size) : Resize(size) {}
};

/// The centre height x width window (ValueError when the image is smaller).
class CenterCrop : public Transform {
 public:
  explicit CenterCrop(ExpandingArray<2> size);
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;

 private:
  int64_t height_, width_;
};

/// A height x width window at a random place of the image padded by `padding` on every side
/// with `fill` (one value, or one per channel), as torchvision's RandomCrop(size, padding, fill).
class RandomCrop : public Transform {
 public:
  explicit RandomCrop(ExpandingArray<2> size, int64_t padding = 0, std::vector<double> fill = {0.0});
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;

 private:
  int64_t height_, width_, padding_;
  std::vector<double> fill_;
};

/// Mirrors left-right with probability p.
class RandomHorizontalFlip : public Transform {
 public:
  explicit RandomHorizontalFlip(double p = 0.5);
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;

 private:
  double p_;
};

/// A random part of the image, of scale (fraction of the area) and aspect ratio drawn as
/// torchvision's RandomResizedCrop (ten tries, then the centre crop at the nearest allowed
/// ratio), resized to height x width.
class RandomResizedCrop : public Transform {
 public:
  explicit RandomResizedCrop(ExpandingArray<2> size, std::pair<double, double> scale = {0.08, 1.0},
                             std::pair<double, double> ratio = {3.0 / 4.0, 4.0 / 3.0});
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;

 private:
  int64_t height_, width_;
  std::pair<double, double> scale_, ratio_;
};

/// One of the eight symmetries of the square (the course's dihedral augmentation): k = 0..7
/// bit 0 flips left-right, bit 1 flips top-bottom, bit 2 transposes (swapping H and W).
Tensor dihedral(const Tensor& image, int k);
class RandomDihedral : public Transform {
 public:
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;
};

/// (x - mean[c]) / std[c] per channel (one value each applies to every channel).
class Normalize : public Transform {
 public:
  Normalize(std::vector<double> mean, std::vector<double> std);
  Tensor operator()(const Tensor& image, ItemRandom& rng) const override;

 private:
  std::vector<double> mean_, std_;
};

/// (x - mean[c]) / std[c] in place on a contiguous float32 (..., C, H, W): one image or a whole
/// data set of them, with no temporary.
void normalize_(Tensor& images, const std::vector<double>& mean, const std::vector<double>& std);

/// The rows top .. top+height-1 and columns left .. left+width-1 of `image`, where those outside
/// it read as fill[c]: a crop and a padding at once.
Tensor crop(const Tensor& image, int64_t top, int64_t left, int64_t height, int64_t width,
            const std::vector<double>& fill = {0.0});
/// Bilinear resampling of (C, H, W) to (C, height, width); see Resize.
Tensor resize(const Tensor& image, int64_t height, int64_t width, bool antialias = true);

}  // namespace transforms
}  // namespace ember::data
