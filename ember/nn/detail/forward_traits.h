// What a module's forward() looks like, read from its type: its arguments and return type when
// the module has exactly one forward (libtorch requires the same of modules in an AnyModule).
// Used to reach a user's `Tensor forward(Tensor x)`, which hides Module's virtual
// forward(const Tensor&) rather than overriding it, and to unpack type-erased arguments.
#pragma once

#include <tuple>
#include <type_traits>

#include "ember/tensor/tensor.h"

namespace ember::nn::detail {

template <class F>
struct ForwardTraits;  // specialised for pointers to member functions below

template <bool Const, class R, class... A>
struct ForwardTraitsBase {
  using Return = R;
  using Args = std::tuple<A...>;
  static constexpr size_t arity = sizeof...(A);
  static constexpr bool is_const = Const;
};
template <class C, class R, class... A>
struct ForwardTraits<R (C::*)(A...)> : ForwardTraitsBase<false, R, A...> {};
template <class C, class R, class... A>
struct ForwardTraits<R (C::*)(A...) const> : ForwardTraitsBase<true, R, A...> {};
template <class C, class R, class... A>
struct ForwardTraits<R (C::*)(A...) noexcept> : ForwardTraitsBase<false, R, A...> {};
template <class C, class R, class... A>
struct ForwardTraits<R (C::*)(A...) const noexcept> : ForwardTraitsBase<true, R, A...> {};

/// True when Impl has one forward (not an overload set or a template), so its type can be read.
template <class Impl>
concept HasSingleForward = requires { &Impl::forward; };

/// True when Impl's forward takes one tensor and returns one: the shape every layer in a
/// Sequential has, called through Module::operator() so that forward hooks run.
template <class Impl>
constexpr bool has_unary_tensor_forward() {
  if constexpr (HasSingleForward<Impl>) {
    using T = ForwardTraits<decltype(&Impl::forward)>;
    if constexpr (T::arity == 1)
      return std::is_same_v<std::decay_t<std::tuple_element_t<0, typename T::Args>>, Tensor> &&
             std::is_convertible_v<typename T::Return, Tensor>;
  }
  return false;
}

/// True when Impl is called through Module::operator()(const Tensor&): its forward takes one
/// tensor, or cannot be read (an overload set, as Sequential's), so the virtual one is the call.
template <class Impl>
constexpr bool called_as_unary() {
  return has_unary_tensor_forward<Impl>() || !HasSingleForward<Impl>;
}

/// True when the arguments are one tensor: the call that takes the one-tensor path.
template <class... Args>
constexpr bool is_one_tensor() {
  return sizeof...(Args) == 1 && (std::is_convertible_v<Args, const Tensor&> && ...);
}

/// True when that one-tensor forward is not the virtual Module::forward(const Tensor&) (or an
/// override of it): `Tensor forward(Tensor x)`, as libtorch users write it, or a const one.
/// Such a forward is reached through detail::adopt (nn/module.h).
template <class Impl>
constexpr bool hides_virtual_forward() {
  if constexpr (has_unary_tensor_forward<Impl>()) {
    using T = ForwardTraits<decltype(&Impl::forward)>;
    return T::is_const || !std::is_same_v<std::tuple_element_t<0, typename T::Args>, const Tensor&> ||
           !std::is_same_v<typename T::Return, Tensor>;
  }
  return false;
}

}  // namespace ember::nn::detail
