#include "ember/data/mnist.h"

#include <filesystem>

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/data/idx.h"
#include "ember/data/image.h"
#include "ember/data/transforms.h"
#include "ember/ops/creation.h"
#include "ember/ops/op_helpers.h"

namespace ember::data {

std::string find_idx_file(const std::string& root, const std::string& name) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(root))
    throw IOError(root + ": data folder not found\n---> HINT: --data takes a folder holding MNIST-style IDX files "
                         "(train-images-idx3-ubyte.gz, ...)");
  for (const std::string& candidate : {name + ".gz", name})
    if (fs::exists(fs::path(root) / candidate)) return (fs::path(root) / candidate).string();
  throw IOError(detail::str((fs::path(root) / name).string(), "[.gz]: file not found\n---> HINT: the folder needs ",
                            "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and ",
                            "t10k-labels-idx1-ubyte (gzipped or not)"));
}

namespace {

std::pair<Tensor, Tensor> load(const std::string& root, MNIST::Split split) {
  const std::string prefix = split == MNIST::Split::Train ? "train" : "t10k";
  const std::string images_path = find_idx_file(root, prefix + "-images-idx3-ubyte");
  const std::string labels_path = find_idx_file(root, prefix + "-labels-idx1-ubyte");
  IdxArray images = read_idx(images_path, 3);
  IdxArray labels = read_idx(labels_path, 1);
  if (images.sizes[0] != labels.sizes[0])
    throw IOError(detail::str(images_path, " holds ", images.sizes[0], " images but ", labels_path, " holds ",
                              labels.sizes[0], " labels; they must match"));
  for (size_t i = 0; i < labels.data.size(); ++i)
    if (labels.data[i] > 9)
      throw IOError(detail::str(labels_path, ": label ", static_cast<int>(labels.data[i]), " at index ", i,
                                " is not a class 0-9"));
  const int64_t n = images.sizes[0];
  Tensor raw = empty({n, images.sizes[1], images.sizes[2]}, kUInt8);
  std::copy(images.data.begin(), images.data.end(), raw.data_ptr<uint8_t>());
  Tensor targets = empty({n}, kInt64);
  std::copy(labels.data.begin(), labels.data.end(), targets.data_ptr<int64_t>());
  return {raw, targets};
}

}  // namespace

MNIST::MNIST(const std::string& root, Split split) : MNIST(load(root, split)) {}

// Images go straight from bytes to float32 in one pass: no float64 or intermediate copies of
// the whole set (60,000 images are 188 MB as float32).
MNIST::MNIST(std::pair<Tensor, Tensor> loaded)
    : TensorDataset(detail::map<float, uint8_t>(loaded.first, [](uint8_t v) { return static_cast<float>(v) / 255.0f; })
                        .unsqueeze(1),
                    loaded.second),
      raw_(loaded.first) {}

std::pair<double, double> MNIST::stats() const { return pixel_stats(raw_); }

std::pair<double, double> pixel_stats(const Tensor& raw_uint8) {
  EMBER_CHECK(raw_uint8.dtype() == kUInt8 && raw_uint8.numel() > 1, ValueError,
              "[pixel_stats] needs more than one uint8 pixel; got ", dtype_name(raw_uint8.dtype()), " ",
              shape_str(raw_uint8.sizes()));
  return channel_stats(raw_uint8.reshape({1, 1, 1, raw_uint8.numel()}))[0];
}

void MNIST::normalize(double mean, double std) {
  Tensor x = data();
  transforms::normalize_(x, {mean}, {std});  // in place: no temporary the size of the data set
}

}  // namespace ember::data
