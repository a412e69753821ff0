// AnyValue: one value of any type, as libtorch's torch::nn::AnyValue: what an AnyModule's
// forward returns when its type is known only at run time. get<T>() names both types when they
// differ.
#pragma once

#include <any>
#include <typeinfo>
#include <utility>

#include "ember/core/error.h"
#include "ember/core/type_name.h"

namespace ember::nn {

class AnyValue {
 public:
  template <class T>
    requires(!std::is_same_v<std::decay_t<T>, AnyValue>)
  explicit AnyValue(T&& value) : value_(std::forward<T>(value)) {}

  /// The value, or nullptr when it is not a T.
  template <class T>
  T* try_get() { return std::any_cast<T>(&value_); }
  template <class T>
  const T* try_get() const { return std::any_cast<T>(&value_); }

  /// The value; TypeError when it is not a T.
  template <class T>
  T get() const {
    const T* value = try_get<T>();
    EMBER_CHECK(value != nullptr, TypeError, "[AnyValue] asked for ", ember::detail::type_name(typeid(T)), "; it holds ",
                ember::detail::type_name(type_info()));
    return *value;
  }

  const std::type_info& type_info() const { return value_.type(); }

 private:
  std::any value_;
};

}  // namespace ember::nn
