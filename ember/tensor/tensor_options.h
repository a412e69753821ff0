// TensorOptions: the dtype and requires_grad of a tensor being created, written as in libtorch:
//   ember::zeros({2, 3}, ember::dtype(ember::kFloat64).requires_grad(true))
//   ember::ones({4}, ember::kInt64)          // a bare dtype converts to options
#pragma once

#include <optional>

#include "ember/core/dtype.h"

namespace ember {

class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(ScalarType dtype) : dtype_(dtype) {}  // implicit, as in libtorch

  TensorOptions dtype(ScalarType d) const { TensorOptions o = *this; o.dtype_ = d; return o; }
  TensorOptions requires_grad(bool r = true) const { TensorOptions o = *this; o.requires_grad_ = r; return o; }

  /// The dtype if one was set; creation functions that infer a dtype need to know.
  std::optional<ScalarType> dtype_opt() const { return dtype_; }
  ScalarType dtype_or(ScalarType fallback) const { return dtype_.value_or(fallback); }
  bool requires_grad_flag() const { return requires_grad_; }

 private:
  std::optional<ScalarType> dtype_;
  bool requires_grad_ = false;
};

inline TensorOptions dtype(ScalarType d) { return TensorOptions().dtype(d); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace ember
