// What `--data DIR` names for every command: a folder of MNIST-style IDX files, or an image
// folder (PNG / JPEG files in one folder per class). An image folder's splits:
//   DIR/train/<class>/...  and  DIR/test/<class>/...  (or valid/, val/: the first present), or
//   DIR/<class>/...        all of it the training split, with no test split.
// Either way a split comes into memory as uint8 (N, C, H, W) images and int64 labels, so the
// commands treat both alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace ember::cli {

struct ImageSet {
  Tensor images;                     // uint8 (N, C, H, W)
  Tensor targets;                    // int64 (N)
  std::vector<std::string> classes;  // an image folder's class names; empty for IDX (numbers)
  std::string where;                 // the folder it was read from, for messages
};

enum class DataSplit { Train, Test };

/// How an image folder's images become one tensor: channels 0 keeps the files' own (all must
/// agree; an alpha channel is dropped), 1 or 3 converts; size {} keeps theirs (all must agree),
/// {height, width} resizes. IDX data must already match what is asked.
/// classes: the training split's, for the test split: its folders are labelled by them (a folder
/// they lack is an error), so a class missing from one split cannot shift the others' numbers.
struct ImageLoadOptions {
  int64_t channels = 0;
  std::vector<int64_t> size;
  std::vector<std::string> classes;
};

/// True when DIR holds MNIST's IDX files (train-images-idx3-ubyte[.gz] ...).
bool is_idx_folder(const std::string& dir);

/// The split of DIR; nullopt when an image folder has no such split. Throws UsageError with a
/// hint when images disagree in size or channels, and when the split would not fit in memory.
std::optional<ImageSet> load_image_set(const std::string& dir, DataSplit split, const ImageLoadOptions& options = {});

/// uint8 images as float32 in [0, 1], then (x - mean[c]) / std[c] per channel: what every command
/// feeds a model.
Tensor standardise(const Tensor& images, const std::vector<double>& mean, const std::vector<double>& std);

/// What --augment does to each training image of height x width: a random crop of the image
/// padded by an eighth of its shorter side with `fill` (per channel), then a horizontal flip half
/// the time.
data::transforms::TransformPtr augmentation(int64_t height, int64_t width, std::vector<double> fill = {0.0});

/// Parses --image-size: "auto" (-> {}), "N" (N x N) or "HxW".
std::vector<int64_t> parse_image_size(const std::string& text);
/// Parses --channels: "auto" (-> 0), "1" or "3".
int64_t parse_channels(const std::string& text);

}  // namespace ember::cli
