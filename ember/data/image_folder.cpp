#include "ember/data/image_folder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "ember/core/parallel.h"
#include "ember/data/transforms.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"

namespace ember::data {

namespace fs = std::filesystem;

ImageFolder::ImageFolder(const std::string& root, ImageFolderOptions options) : options_(std::move(options)) {
  check_options();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw IOError(root + ": not a folder (or it cannot be read)");
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec) && it->path().filename().string().rfind('.', 0) != 0)
      classes_.push_back(it->path().filename().string());
  if (ec) throw IOError(root + ": cannot list the folder (" + ec.message() + ")");
  std::sort(classes_.begin(), classes_.end());
  EMBER_CHECK(!classes_.empty(), ValueError, "[ImageFolder] ", root,
              " has no class folders: it should hold one folder per class (root/cat/1.png, root/dog/2.png, ...)");
  for (size_t c = 0; c < classes_.size(); ++c) {
    const std::string folder = (fs::path(root) / classes_[c]).string();
    const std::vector<std::string> files = get_files(folder, options_.extensions());
    EMBER_CHECK(!files.empty(), ValueError, "[ImageFolder] the class folder ", folder, " has no images (files ending in ",
                options_.extensions().empty() ? std::string("anything") : options_.extensions().front(), ", ...)");
    for (const std::string& f : files) items_.push_back({f, static_cast<int64_t>(c)});
  }
}

ImageFolder::ImageFolder(std::vector<ImageItem> items, std::vector<std::string> classes, ImageFolderOptions options)
    : items_(std::move(items)), classes_(std::move(classes)), options_(std::move(options)) {
  check_options();
  for (const ImageItem& item : items_)
    EMBER_CHECK(item.label >= 0 && item.label < static_cast<int64_t>(classes_.size()), ValueError, "[ImageFolder] ", item.path,
                " has class ", item.label, " but there are ", classes_.size(), " classes");
}

void ImageFolder::check_options() const {
  const int64_t c = options_.channels();
  EMBER_CHECK(c == 0 || c == 1 || c == 3, ValueError, "[ImageFolder] channels must be 0 (as the files), 1 or 3; got ", c);
  const auto& s = options_.size();
  EMBER_CHECK(s.empty() || (s.size() == 2 && s[0] > 0 && s[1] > 0), ValueError,
              "[ImageFolder] size must be {} or {height, width}, both positive");
  EMBER_CHECK(options_.max_pixels() > 0, ValueError, "[ImageFolder] max_pixels must be positive");
}

std::string ImageFolder::describe(int64_t index) const {
  return index >= 0 && index < size() ? items_[static_cast<size_t>(index)].path : Dataset::describe(index);
}

Tensor read_image_bytes(const std::string& path, int64_t channels, const std::vector<int64_t>& size, int64_t max_pixels) {
  Image image = read_image(path, max_pixels);
  if (channels != 0) image = convert_channels(image, channels);
  Tensor bytes = empty({image.channels, image.height, image.width}, kUInt8);
  image_to_chw(image, bytes.data_ptr<uint8_t>());
  if (size.empty() || (size[0] == image.height && size[1] == image.width)) return bytes;
  // Resampled in float, rounded back to bytes: an image reads the same whether loaded one by
  // one or all at once.
  const Tensor resized = transforms::resize(bytes.to(kFloat32), size[0], size[1]);
  Tensor out = empty(resized.sizes(), kUInt8);
  const float* src = resized.data_ptr<float>();
  uint8_t* dst = out.data_ptr<uint8_t>();
  for (int64_t i = 0; i < out.numel(); ++i) dst[i] = static_cast<uint8_t>(std::lround(std::clamp(src[i], 0.0f, 255.0f)));
  return out;
}

Tensor ImageFolder::get_bytes(int64_t index) const {
  EMBER_CHECK(index >= 0 && index < size(), IndexError, "[ImageFolder] index ", index, " is out of range for ", size(),
              " images");
  return read_image_bytes(items_[static_cast<size_t>(index)].path, options_.channels(), options_.size(), options_.max_pixels());
}

Example ImageFolder::get(int64_t index) const {
  return {get_bytes(index).to(kFloat32) / 255.0, full({}, items_[static_cast<size_t>(index)].label, kInt64)};
}

ImageTensors ImageFolder::load_all() const {
  EMBER_CHECK(size() > 0, ValueError, "[ImageFolder] there are no images to load");
  const auto n = static_cast<size_t>(size());
  std::vector<Tensor> images(n);
  parallel_for_each(0, size(), [&](int64_t i) { images[static_cast<size_t>(i)] = get_bytes(i); });
  const std::vector<int64_t> shape = images[0].sizes();
  for (size_t i = 1; i < n; ++i)
    EMBER_CHECK(images[i].sizes() == shape, ShapeError, "[ImageFolder] ", items_[i].path, " is (C, H, W) ",
                shape_str(images[i].sizes()), " but ", items_[0].path, " is ", shape_str(shape),
                (images[i].size(0) != shape[0] ? ": convert the channels (channels(1) or channels(3))"
                                               : ": resize them to one size (size({height, width}))"));
  Tensor all = empty({static_cast<int64_t>(n), shape[0], shape[1], shape[2]}, kUInt8), targets = empty({static_cast<int64_t>(n)}, kInt64);
  const auto per = static_cast<size_t>(shape[0] * shape[1] * shape[2]);
  uint8_t* dst = all.data_ptr<uint8_t>();
  for (size_t i = 0; i < n; ++i) {
    std::memcpy(dst + i * per, images[i].data_ptr<uint8_t>(), per);
    targets.data_ptr<int64_t>()[i] = items_[i].label;
  }
  return {all, targets};
}

}  // namespace ember::data
