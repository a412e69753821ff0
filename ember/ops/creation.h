// Creating tensors: from values (tensor, from_blob), filled (zeros, ones, full, empty, eye),
// ranges (arange, linspace) and random (rand, randn, randint). Options as in libtorch:
//   auto w = ember::randn({784, 100}, ember::dtype(ember::kFloat64).requires_grad(true));
//   auto x = ember::tensor({{1, 2}, {3, 4}});   // int64, shape (2, 2)
#pragma once

#include <functional>
#include <initializer_list>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember {

/// A value or a nested braced list of values (ember::tensor's argument, as libtorch's
/// TensorDataContainer). Floating literals give float32, integer literals int64, bools bool;
/// a std::vector<T> keeps T's dtype.
class TensorData {
 public:
  TensorData();  // the empty list: shape (0)
  TensorData(const Scalar& value);
  template <class T, std::enable_if_t<std::is_arithmetic_v<T>, int> = 0>
  TensorData(T value) : TensorData(Scalar(value)) {}
  TensorData(std::initializer_list<TensorData> list);
  template <class T>
  TensorData(const std::vector<T>& values) : shape_{static_cast<int64_t>(values.size())}, dtype_(dtype_of<T>) {
    for (const T& v : values) values_.emplace_back(v);
  }

  const Shape& shape() const { return shape_; }
  ScalarType dtype() const { return dtype_; }
  const std::vector<Scalar>& values() const { return values_; }

 private:
  Shape shape_;
  std::vector<Scalar> values_;
  ScalarType dtype_;
};

Tensor tensor(const TensorData& data, const TensorOptions& options = {});
/// A tensor over memory the caller owns (no copy). The memory must outlive every view of it;
/// `deleter`, if given, runs when the last view goes. Strides default to contiguous.
Tensor from_blob(void* data, const Shape& sizes, const TensorOptions& options = {});
Tensor from_blob(void* data, const Shape& sizes, const Strides& strides, const TensorOptions& options = {});
Tensor from_blob(void* data, const Shape& sizes, std::function<void(void*)> deleter,
                 const TensorOptions& options = {});

Tensor empty(const Shape& sizes, const TensorOptions& options = {});
Tensor zeros(const Shape& sizes, const TensorOptions& options = {});
Tensor ones(const Shape& sizes, const TensorOptions& options = {});
Tensor full(const Shape& sizes, const Scalar& value, const TensorOptions& options = {});
Tensor eye(int64_t n, const TensorOptions& options = {});
Tensor eye(int64_t n, int64_t m, const TensorOptions& options = {});
/// [0, end) or [start, end) by step; int64 when every argument is an integer, else float32.
Tensor arange(const Scalar& end, const TensorOptions& options = {});
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step = 1,
              const TensorOptions& options = {});
Tensor linspace(double start, double end, int64_t steps, const TensorOptions& options = {});

/// Uniform on [0, 1).
Tensor rand(const Shape& sizes, const TensorOptions& options = {});
/// Standard normal.
Tensor randn(const Shape& sizes, const TensorOptions& options = {});
/// Uniform integers in [low, high); int64 unless a dtype is given.
Tensor randint(int64_t low, int64_t high, const Shape& sizes, const TensorOptions& options = {});
Tensor randint(int64_t high, const Shape& sizes, const TensorOptions& options = {});
/// A random permutation of 0 .. n-1 (int64 unless a dtype is given), from the default generator.
Tensor randperm(int64_t n, const TensorOptions& options = {});

// *_like: the shape (and, unless options say otherwise, dtype) of another tensor.
Tensor empty_like(const Tensor& t, const TensorOptions& options = {});
Tensor zeros_like(const Tensor& t, const TensorOptions& options = {});
Tensor ones_like(const Tensor& t, const TensorOptions& options = {});
Tensor full_like(const Tensor& t, const Scalar& value, const TensorOptions& options = {});
Tensor rand_like(const Tensor& t, const TensorOptions& options = {});
Tensor randn_like(const Tensor& t, const TensorOptions& options = {});

/// Rows of a (N, C) int64 one-hot encoding of class indices (any shape; C = num_classes, or
/// max + 1 when num_classes is -1).
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1);

}  // namespace ember
