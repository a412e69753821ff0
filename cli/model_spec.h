// How the CLI describes a model in a file's metadata, so eval and predict can rebuild exactly
// the network that was trained, and normalise inputs the same way.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace ember::cli {

struct ModelSpec {
  std::string kind = "mlp";           // "mlp", "linear", "cnn", "resnet", "xresnet18" or "bn-cnn"
  std::vector<int64_t> hidden{100};   // hidden widths of an mlp
  int64_t channels = 1, height = 28, width = 28;  // the input images (C, H, W)
  int64_t classes = 10;
  std::vector<double> mean{0}, std{1};  // input normalisation per channel (the training split's)
  std::vector<std::string> class_names; // the labels of an image folder; empty: classes are numbers

  int64_t inputs() const { return channels * height * width; }
  /// "3x32x32" for colour, "28x28" for grey.
  std::string image_text() const;
  /// The name of class `c`: its label when known, else its number.
  std::string class_name(int64_t c) const;

  /// mlp and linear: Flatten -> [Linear -> ReLU]* -> Linear. cnn: LeNet-5 with ReLU and max
  /// pooling, Flatten -> Unflatten to (C, H, W) -> Conv2d(C, 6, 5, padding 2)
  /// -> ReLU -> MaxPool2d(2) -> Conv2d(6, 16, 5) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(.., 120)
  /// -> ReLU -> Linear(120, 84) -> ReLU -> Linear(84, classes). Named as PyTorch's nn.Sequential
  /// of the same layers would be (bench/compare/torch_train.py builds that twin).
  /// resnet, xresnet18 and bn-cnn: Flatten -> Unflatten to (C, H, W) -> ember::models'
  /// ResNet-20, xresnet18 or bn_cnn (their PyTorch twins: bench/compare/torch_models.py).
  /// Throws ValueError when a cnn's images are smaller than 12 x 12.
  std::shared_ptr<nn::SequentialImpl> build() const;
  Metadata to_metadata() const;
  static bool known_kind(const std::string& kind);
  /// The known kinds for a message: "mlp, linear, ... or bn-cnn".
  static std::string kinds_text();
  /// Throws IOError naming `path` when the metadata is missing or malformed.
  static ModelSpec from_metadata(const Metadata& meta, const std::string& path);
  std::string describe() const;  // "mlp 784-100-10", "cnn 28x28-10 (LeNet-5)"
  /// Weights and biases of build()'s network, computed without building it; INT64_MAX when the
  /// count does not fit (a file can then never hold them).
  int64_t parameter_count() const;
};

/// Loads a model file written by ember train: its spec, then its weights, in eval mode with every
/// BatchNorm that directly follows a convolution folded into it (nn::utils::fold_batchnorm).
std::pair<ModelSpec, std::shared_ptr<nn::SequentialImpl>> load_model_file(const std::string& path);

/// Default data folder: data/mnist under the current directory, else the source tree's.
std::string default_data_dir();

}  // namespace ember::cli
