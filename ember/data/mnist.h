// MNIST and Fashion-MNIST (same format, same file names) from a folder of IDX files:
//   train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
//   t10k-images-idx3-ubyte[.gz],  t10k-labels-idx1-ubyte[.gz].
// Images become float32 (N, 1, 28, 28) scaled to [0, 1]; normalize(mean, std) then standardises
// them, with the training set's statistics for both splits (stats() computes them).
#pragma once

#include <string>

#include "ember/data/dataset.h"

namespace ember::data {

class MNIST : public TensorDataset {
 public:
  enum class Split { Train, Test };
  MNIST(const std::string& root, Split split);

  /// Mean and standard deviation over every pixel (after scaling to [0, 1]).
  std::pair<double, double> stats() const;
  /// Standardises the images in place: (x - mean) / std.
  void normalize(double mean, double std);
  /// The raw bytes (N, 28, 28) uint8, for pictures.
  const Tensor& raw_images() const { return raw_; }

 private:
  MNIST(std::pair<Tensor, Tensor> loaded);
  Tensor raw_;
};

/// Mean and (unbiased) standard deviation of uint8 pixels, scaled to [0, 1], with exact integer
/// sums: MNIST::stats() of a subset of the images (a training split's, say).
std::pair<double, double> pixel_stats(const Tensor& raw_uint8);

/// The file of `name` in root: name.gz if present, else name; throws IOError listing both.
std::string find_idx_file(const std::string& root, const std::string& name);

}  // namespace ember::data
