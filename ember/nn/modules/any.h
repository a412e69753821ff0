// AnyModule: any module, whatever its forward() takes and returns, behind one type, as
// libtorch's torch::nn::AnyModule. Sequential keeps its layers as AnyModules, so a user's
//   struct BlockImpl : nn::Module { Tensor forward(Tensor x); };  EMBER_MODULE(Block);
// runs inside it, and so does a first layer whose forward takes more than one argument.
//   nn::AnyModule any(nn::Linear(3, 4));   Tensor y = any.forward(x);
// The module must have one forward (not an overload set or a template); one whose forward
// cannot be read (a Sequential) is called through the virtual forward(const Tensor&).
// Arguments are matched to forward's parameters by exact type, as in libtorch: pass an int64_t
// where forward takes int64_t. A mismatch is a TypeError naming the module and both types.
#pragma once

#include <functional>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "ember/nn/module.h"
#include "ember/nn/modules/any_value.h"

namespace ember::nn {

class AnyModule {
 public:
  AnyModule() = default;
  template <class M>
    requires std::is_base_of_v<Module, M>
  explicit AnyModule(std::shared_ptr<M> module) {
    EMBER_CHECK(module != nullptr, ValueError, "[AnyModule] the module is null");
    detail::adopt(*module);
    module_ = module;
    type_ = &typeid(M);
    clone_ = [](const Module& m) { return AnyModule(std::dynamic_pointer_cast<M>(m.clone())); };
    if constexpr (detail::called_as_unary<M>()) {
      arity_ = 1;
      unary_ = true;
    } else {
      using Traits = detail::ForwardTraits<decltype(&M::forward)>;
      static_assert(!std::is_void_v<typename Traits::Return>, "AnyModule: forward() must return a value");
      arity_ = Traits::arity;
      forward_ = [m = module.get()](std::vector<AnyValue>& args) {
        return call<M, typename Traits::Args>(*m, args, std::make_index_sequence<Traits::arity>());
      };
    }
  }
  template <class Holder, class Impl = typename Holder::ImplType>
  explicit AnyModule(const Holder& holder) : AnyModule(holder.ptr()) {}

  /// Runs forward on the arguments and returns its result, whatever its type.
  template <class... Args>
  AnyValue any_forward(Args&&... args) {
    if constexpr (detail::is_one_tensor<Args...>())
      if (unary_) return AnyValue(call_unary(args...));
    std::vector<AnyValue> boxed;
    boxed.reserve(sizeof...(Args));
    (boxed.emplace_back(std::decay_t<Args>(std::forward<Args>(args))), ...);
    return call_boxed(boxed);
  }
  /// any_forward(), its result read as ReturnType (a Tensor unless told otherwise).
  template <class ReturnType = Tensor, class... Args>
  ReturnType forward(Args&&... args) {
    if constexpr (std::is_same_v<ReturnType, Tensor> && detail::is_one_tensor<Args...>())
      if (unary_) return call_unary(args...);  // the common case: no boxing
    return any_forward(std::forward<Args>(args)...).template get<ReturnType>();
  }
  /// Runs forward on arguments that are already boxed (the first layer of a Sequential).
  AnyValue call_boxed(std::vector<AnyValue>& args);

  const std::shared_ptr<Module>& ptr() const { return module_; }
  /// The module as a T; TypeError when it is not one.
  template <class T>
  std::shared_ptr<T> ptr() const {
    auto typed = std::dynamic_pointer_cast<T>(module_);
    EMBER_CHECK(typed != nullptr, TypeError, "[AnyModule] asked for ", ember::detail::type_name(typeid(T)), "; it holds ",
                ember::detail::type_name(type_info()));
    return typed;
  }
  template <class T>
  T& get() const { return *ptr<T>(); }
  bool is_empty() const { return module_ == nullptr; }
  const std::type_info& type_info() const;
  /// An AnyModule holding a deep copy (Module::clone) of the module, with its type.
  AnyModule clone() const;

 private:
  Tensor call_unary(const Tensor& input);

  template <class M, class ArgTuple, size_t... I>
  static AnyValue call(M& module, std::vector<AnyValue>& args, std::index_sequence<I...>) {
    return AnyValue(module.forward(
        argument<std::decay_t<std::tuple_element_t<I, ArgTuple>>>(module, args[I], I)...));
  }
  template <class T>
  static T& argument(const Module& module, AnyValue& value, size_t index) {
    T* typed = value.try_get<T>();
    EMBER_CHECK(typed != nullptr, TypeError, "[", module.name(), "] forward argument ", index + 1, " expects ",
                ember::detail::type_name(typeid(T)), "; got ", ember::detail::type_name(value.type_info()));
    return *typed;
  }

  std::shared_ptr<Module> module_;
  const std::type_info* type_ = nullptr;
  std::function<AnyValue(std::vector<AnyValue>&)> forward_;  // unset when unary_
  std::function<AnyModule(const Module&)> clone_;
  size_t arity_ = 0;
  bool unary_ = false;
};

}  // namespace ember::nn
