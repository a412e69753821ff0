// EMBER_ARG(T, name): an option with libtorch's accessors (its TORCH_ARG), for Options structs:
//   struct SGDOptions { EMBER_ARG(double, momentum) = 0; };
//   SGDOptions(0.1).momentum(0.9)   sets it and returns the options, for chaining;
//   opts.momentum()                 reads it (and the non-const overload lets it be assigned).
// The value lives in the public field `name_`.
#pragma once

#define EMBER_ARG(T, name)                                         \
  auto name(const T& new_##name)->decltype(*this) {                \
    this->name##_ = new_##name;                                    \
    return *this;                                                  \
  }                                                                \
  const T& name() const noexcept { return this->name##_; }         \
  T& name() noexcept { return this->name##_; }                     \
  T name##_
