// ImageFolder: images in class folders, as torchvision's ImageFolder:
//   root/cat/1.png, root/cat/2.jpg, root/dog/a.png ...   classes sorted by name: cat 0, dog 1.
// An example is the image as float32 (C, H, W) in [0, 1] and its class (int64). Images are read
// when asked for (get, get_batch on every thread of ember's pool), or all at once by load_all().
// Options convert the channels (grey or RGB, for folders that mix them) and resize every image
// to one size (bilinear, antialiased), so they can share a batch.
//   data::ImageFolder images("pets/train", data::ImageFolderOptions().channels(3).size({64, 64}));
//   images.classes();   // {"cat", "dog"}
#pragma once

#include <string>
#include <vector>

#include "ember/core/arg.h"
#include "ember/data/data_block.h"
#include "ember/data/dataset.h"
#include "ember/data/image_codec.h"

namespace ember::data {

struct ImageFolderOptions {
  /// Which files are images (compared without regard to case).
  EMBER_ARG(std::vector<std::string>, extensions) = kImageExtensions;
  /// 0: each image's own (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA); 1 or 3: converted to grey or RGB.
  EMBER_ARG(int64_t, channels) = 0;
  /// {}: each image's own size; {height, width}: resized to it (ResizeFixed for a square).
  EMBER_ARG(std::vector<int64_t>, size) = {};
  /// Images claiming more pixels are refused unread (see image_codec.h).
  EMBER_ARG(int64_t, max_pixels) = kMaxImagePixels;
};

/// What ImageFolder does with each file: read it, convert it to `channels` (0: keep) and resize it
/// to `size` ({} keep; {height, width}, bilinear with antialias, rounded back to bytes). uint8
/// (C, H, W). For one image given by a user (ember predict) just as training read its images.
Tensor read_image_bytes(const std::string& path, int64_t channels, const std::vector<int64_t>& size,
                        int64_t max_pixels = kMaxImagePixels);

/// Every example of an image dataset in memory: uint8 (N, C, H, W) and int64 (N).
struct ImageTensors {
  Tensor images, targets;
};

class ImageFolder : public Dataset {
 public:
  /// root/<class>/**/<image>: ValueError when root has no class folders or a class folder has no
  /// images; IOError when root cannot be read.
  explicit ImageFolder(const std::string& root, ImageFolderOptions options = {});
  /// From the data block: labelled files and the class names their labels index.
  ImageFolder(std::vector<ImageItem> items, std::vector<std::string> classes, ImageFolderOptions options = {});

  int64_t size() const override { return static_cast<int64_t>(items_.size()); }
  Example get(int64_t index) const override;
  Example get_batch(const std::vector<int64_t>& indices) const override { return parallel_get_batch(*this, indices); }
  std::string describe(int64_t index) const override;

  /// Image `index` read, converted and resized as the options say: uint8 (C, H, W).
  Tensor get_bytes(int64_t index) const;
  /// Every image read on every thread; ShapeError naming two files when their sizes or channel
  /// counts differ (set size() or channels() to make them one).
  ImageTensors load_all() const;

  const std::vector<std::string>& classes() const { return classes_; }
  const std::vector<ImageItem>& items() const { return items_; }
  const ImageFolderOptions& options() const { return options_; }

 private:
  void check_options() const;
  std::vector<ImageItem> items_;
  std::vector<std::string> classes_;
  ImageFolderOptions options_;
};

}  // namespace ember::data
