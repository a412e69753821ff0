#include "data_source.h"

#include <filesystem>

#include "args.h"

namespace ember::cli {

namespace fs = std::filesystem;

namespace {

// Images and their float copy must fit beside training in this machine's memory.
constexpr double kMemoryBudgetBytes = 8.0 * (1ull << 30);

bool exists_with_gz(const fs::path& p) { return fs::exists(p) || fs::exists(p.string() + ".gz"); }

// The folder of an image folder's split, or "" when there is none.
std::string split_folder(const std::string& dir, DataSplit split) {
  const bool has_train = fs::is_directory(fs::path(dir) / "train");
  if (split == DataSplit::Train) return has_train ? (fs::path(dir) / "train").string() : dir;
  if (!has_train) return "";
  for (const char* name : {"test", "valid", "val"})
    if (fs::is_directory(fs::path(dir) / name)) return (fs::path(dir) / name).string();
  return "";
}

ImageSet load_idx(const std::string& dir, DataSplit split, const ImageLoadOptions& options) {
  const data::MNIST mnist(dir, split == DataSplit::Train ? data::MNIST::Split::Train : data::MNIST::Split::Test);
  const Tensor raw = mnist.raw_images();
  ImageSet set{raw.reshape({raw.size(0), 1, raw.size(1), raw.size(2)}), mnist.targets(), {}, dir};
  if ((options.channels > 1) || (!options.size.empty() && (options.size[0] != raw.size(1) || options.size[1] != raw.size(2))))
    throw UsageError(dir + " holds " + std::to_string(raw.size(1)) + "x" + std::to_string(raw.size(2)) +
                     " grey IDX images, not the images the model takes");
  return set;
}

}  // namespace

bool is_idx_folder(const std::string& dir) {
  return exists_with_gz(fs::path(dir) / "train-images-idx3-ubyte") || exists_with_gz(fs::path(dir) / "t10k-images-idx3-ubyte");
}

std::optional<ImageSet> load_image_set(const std::string& dir, DataSplit split, const ImageLoadOptions& options) {
  if (is_idx_folder(dir)) return load_idx(dir, split, options);
  if (!fs::is_directory(dir))
    throw IOError(dir + ": no such folder\n---> HINT: --data takes a folder of MNIST-style IDX files or of images in "
                        "one folder per class");
  const std::string root = split_folder(dir, split);
  if (root.empty()) return std::nullopt;
  const data::ImageFolderOptions folder_options =
      data::ImageFolderOptions().channels(options.channels).size(options.size);
  // Labelled by the given classes (the training split's) when there are any, so that a class
  // missing from one split cannot shift the others' numbers.
  std::shared_ptr<data::ImageFolder> folder = std::make_shared<data::ImageFolder>(root, folder_options);
  if (!options.classes.empty() && folder->classes() != options.classes) {
    const data::CategoryVocab vocab(options.classes);
    std::vector<data::ImageItem> items;
    for (const data::ImageItem& item : folder->items()) {
      const std::string& name = folder->classes()[static_cast<size_t>(item.label)];
      if (std::find(options.classes.begin(), options.classes.end(), name) == options.classes.end())
        throw UsageError(root + " has a class folder '" + name + "' that the training split (and the model) does not know");
      items.push_back({item.path, vocab.index(name)});
    }
    folder = std::make_shared<data::ImageFolder>(std::move(items), options.classes, folder_options);
  }
  // Refuse before decoding everything when the first image says it all would not fit.
  const Tensor first = folder->get_bytes(0);
  const double bytes = 5.0 * static_cast<double>(folder->size()) * static_cast<double>(first.numel());  // uint8 + float32
  if (bytes > kMemoryBudgetBytes)
    throw UsageError(root + ": " + std::to_string(folder->size()) + " images of " + shape_str(first.sizes()) + " need " +
                     std::to_string(static_cast<int64_t>(bytes / (1 << 30))) +
                     " GiB in memory, more than the 8 GiB ember train holds\n---> HINT: --image-size makes them smaller");
  data::ImageTensors all;
  try {
    all = folder->load_all();
  } catch (const ShapeError& e) {
    throw UsageError(std::string(e.what()) + "\n---> HINT: --channels 1 or 3 converts every image; --image-size HxW resizes them");
  }
  Tensor images = all.images;
  if (options.channels == 0 && (images.size(1) == 2 || images.size(1) == 4))  // drop alpha
    images = images.narrow(1, 0, images.size(1) - 1).contiguous();
  return ImageSet{images, all.targets, folder->classes(), root};
}

Tensor standardise(const Tensor& images, const std::vector<double>& mean, const std::vector<double>& std) {
  EMBER_CHECK(images.dtype() == kUInt8, TypeError, "[standardise] expected uint8 images; got ", dtype_name(images.dtype()));
  const Tensor bytes = images.contiguous();
  Tensor x = empty(bytes.sizes(), kFloat32);
  const uint8_t* src = bytes.data_ptr<uint8_t>();
  float* dst = x.data_ptr<float>();
  for (int64_t i = 0; i < x.numel(); ++i) dst[i] = static_cast<float>(src[i]) / 255.0f;
  data::transforms::normalize_(x, mean, std);
  return x;
}

data::transforms::TransformPtr augmentation(int64_t height, int64_t width, std::vector<double> fill) {
  namespace T = data::transforms;
  const int64_t pad = std::max<int64_t>(1, std::llround(static_cast<double>(std::min(height, width)) / 8.0));
  return std::make_shared<T::Compose>(std::vector<T::TransformPtr>{
      std::make_shared<T::RandomCrop>(std::vector<int64_t>{height, width}, pad, std::move(fill)),
      std::make_shared<T::RandomHorizontalFlip>()});
}

std::vector<int64_t> parse_image_size(const std::string& text) {
  if (text == "auto") return {};
  const size_t x = text.find('x');
  auto number = [&](const std::string& part) {
    size_t used = 0;
    int64_t v = 0;
    try {
      v = std::stoll(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != part.size() || v < 1 || v > 16384)
      throw UsageError("--image-size must be auto, N or HxW with sides 1 to 16384; got '" + text + "'");
    return v;
  };
  if (x == std::string::npos) return {number(text), number(text)};
  return {number(text.substr(0, x)), number(text.substr(x + 1))};
}

int64_t parse_channels(const std::string& text) {
  if (text == "auto") return 0;
  if (text == "1") return 1;
  if (text == "3") return 3;
  throw UsageError("--channels must be auto, 1 (grey) or 3 (RGB); got '" + text + "'");
}

}  // namespace ember::cli
