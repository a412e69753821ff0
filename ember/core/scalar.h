// Scalar: a number that is not a tensor (the 2 in `t * 2`), remembering whether it was written
// as a bool, an integer or a floating-point value, because that decides the result's dtype.
#pragma once

#include <cstdint>
#include <type_traits>

#include "ember/core/dtype.h"
#include "ember/core/float_to_int.h"

namespace ember {

class Scalar {
 public:
  enum class Kind { Bool, Integral, Floating };

  Scalar(bool v) : kind_(Kind::Bool), i_(v), d_(v) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  Scalar(T v) : kind_(Kind::Integral), i_(static_cast<int64_t>(v)), d_(static_cast<double>(v)) {}
  template <class T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Scalar(T v) : kind_(Kind::Floating), i_(float_to_int<int64_t>(v)), d_(static_cast<double>(v)) {}

  Kind kind() const { return kind_; }
  bool is_floating_point() const { return kind_ == Kind::Floating; }
  double to_double() const { return d_; }
  int64_t to_int64() const { return i_; }
  template <class T> T to() const {
    if constexpr (std::is_floating_point_v<T>) return static_cast<T>(d_);
    else if constexpr (std::is_same_v<T, bool>) return d_ != 0;
    else return kind_ == Kind::Floating ? float_to_int<T>(d_) : static_cast<T>(i_);
  }
  /// The dtype a tensor made from this scalar alone would have (as torch.tensor(2.5)).
  ScalarType natural_dtype() const {
    return kind_ == Kind::Bool ? kBool : kind_ == Kind::Integral ? kInt64 : kDefaultFloat;
  }

 private:
  Kind kind_;
  int64_t i_;
  double d_;
};

}  // namespace ember
