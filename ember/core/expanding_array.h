// ExpandingArray<D>: a per-axis setting (kernel size, stride, padding, dilation) of a D-dim
// window, given as one value for every axis or as D values, as libtorch's ExpandingArray:
//   conv2d(x, w, b, /*stride=*/2)  is  conv2d(x, w, b, /*stride=*/{2, 2}).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "ember/core/error.h"

namespace ember {

template <std::size_t D>
class ExpandingArray {
 public:
  ExpandingArray(int64_t value) { values_.fill(value); }  // NOLINT: implicit, as in libtorch
  ExpandingArray(std::initializer_list<int64_t> values) : ExpandingArray(std::vector<int64_t>(values)) {}
  ExpandingArray(const std::vector<int64_t>& values) {
    if (values.size() == 1) {
      values_.fill(values[0]);
      return;
    }
    EMBER_CHECK(values.size() == D, ValueError, "expected 1 or ", D, " values (one per spatial dim); got ",
                values.size());
    for (std::size_t i = 0; i < D; ++i) values_[i] = values[i];
  }
  int64_t operator[](std::size_t i) const { return values_[i]; }
  const std::array<int64_t, D>& values() const { return values_; }
  bool operator==(const ExpandingArray&) const = default;
  /// "(2, 2)", for messages and module reprs (PyTorch prints tuples the same way); with
  /// `compact`, one value when all are equal ("2"), as PyTorch's pooling modules print.
  std::string str(bool compact = false) const {
    bool uniform = true;
    for (std::size_t i = 1; i < D; ++i) uniform = uniform && values_[i] == values_[0];
    if (compact && uniform) return std::to_string(values_[0]);
    std::string s = "(";
    for (std::size_t i = 0; i < D; ++i) s += (i ? ", " : "") + std::to_string(values_[i]);
    return s + ")";
  }

 private:
  std::array<int64_t, D> values_{};
};

}  // namespace ember
