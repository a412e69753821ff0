// How the CLI describes a model in a file's metadata, so eval and predict can rebuild exactly
// the network that was trained, and normalise inputs the same way.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace ember::cli {

struct ModelSpec {
  std::string kind = "mlp";           // "mlp" or "linear"
  std::vector<int64_t> hidden{100};   // hidden widths of an mlp
  int64_t inputs = 784, classes = 10;
  double mean = 0, std = 1;           // input normalisation (the training set's)

  /// Flatten -> [Linear -> ReLU]* -> Linear, named as PyTorch's nn.Sequential would.
  std::shared_ptr<nn::SequentialImpl> build() const;
  Metadata to_metadata() const;
  /// Throws IOError naming `path` when the metadata is missing or malformed.
  static ModelSpec from_metadata(const Metadata& meta, const std::string& path);
  std::string describe() const;  // "mlp 784-100-10"
};

/// Loads a model file written by ember train: its spec, then its weights.
std::pair<ModelSpec, std::shared_ptr<nn::SequentialImpl>> load_model_file(const std::string& path);

/// Default data folder: data/mnist under the current directory, else the source tree's.
std::string default_data_dir();

}  // namespace ember::cli
