// Module: the base of every layer and model. A module owns named parameters (tensors that
// require grad), named buffers (state such as running statistics) and named child modules, in
// registration order; named_parameters() gives PyTorch's state_dict keys ("0.weight",
// "fc1.bias"), so weights move between ember and PyTorch by name.
//
// Ownership, as in libtorch: modules live in std::shared_ptr. Each layer is a class FooImpl
// plus a holder Foo (EMBER_MODULE below) that wraps a shared_ptr<FooImpl>, so
//     nn::Linear fc(784, 100);   fc->weight;   fc(x);
// reads like libtorch. Copying a holder copies the pointer: both names refer to one module and
// one set of weights; clone() makes a deep copy with weights of its own. A parent keeps its children
// alive through the shared_ptrs it registered; register_module accepts a holder or a shared_ptr.
// Not here: the layers themselves (nn/modules/), the math (nn/functional/, ops/).
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "ember/nn/detail/forward_traits.h"
#include "ember/tensor/tensor.h"

namespace ember::nn {

class Module;
namespace detail {
template <class Impl>
void adopt(Impl& module);
}

class Module : public std::enable_shared_from_this<Module> {
 public:
  explicit Module(std::string name = "Module") : name_(std::move(name)) {}
  virtual ~Module() = default;
  Module& operator=(const Module&) = delete;

  /// The module's computation on one input. Layers override it; losses take two inputs and
  /// have their own forward(input, target) instead. A module whose own forward hides this one
  /// (`Tensor forward(Tensor x)`, as libtorch users write it) is reached from here too, once
  /// its holder, register_module or an AnyModule has seen its type.
  virtual Tensor forward(const Tensor& input);
  /// forward(), then any forward hooks (used by activation statistics).
  Tensor operator()(const Tensor& input);

  /// Registers a tensor as a parameter (it is made to require grad) and returns it.
  Tensor& register_parameter(const std::string& name, Tensor tensor, bool requires_grad = true);
  Tensor& register_buffer(const std::string& name, Tensor tensor);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> module) {
    if (module) detail::adopt(*module);
    add_child(name, module);
    return module;
  }
  template <class Holder, class = typename Holder::ImplType>
  Holder register_module(const std::string& name, Holder holder) {
    add_child(name, holder.ptr());
    return holder;
  }

  /// Puts `module` where the child registered as `name` was, as libtorch's replace_module:
  /// parameters, printing and containers (Sequential) see the new one. Throws ValueError when
  /// there is no such child.
  template <class M>
  std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> module) {
    if (module) detail::adopt(*module);
    replace_child(name, module);
    return module;
  }
  template <class Holder, class = typename Holder::ImplType>
  Holder replace_module(const std::string& name, Holder holder) {
    replace_module(name, holder.ptr());
    return holder;
  }

  /// Parameters of this module and (recurse) its descendants, in registration order.
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// (dotted name, parameter) pairs: "weight", "0.weight", "encoder.fc1.bias", ...
  std::vector<std::pair<std::string, Tensor>> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  std::vector<std::pair<std::string, Tensor>> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }
  /// This module (include_self; it must be owned by a shared_ptr) and every descendant, depth
  /// first in registration order, as libtorch's.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true) const;
  /// The same with dotted names ("", "0", "0.conv", ...); `name_prefix` names this module.
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> named_modules(const std::string& name_prefix = "",
                                                                              bool include_self = true) const;
  /// Calls fn on this module, then on every descendant (depth first), as libtorch's apply.
  void apply(const std::function<void(Module&)>& fn);
  void apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix = "");
  /// A deep copy, as libtorch's clone(): the same structure and settings with parameters and
  /// buffers of its own holding the same values (and requires_grad flags, dtypes and train/eval
  /// modes); hooks are not copied. ember makes the copy the first way that applies to the
  /// module's type: an nn::Cloneable<Impl> is copied and rebuilt by its reset() (libtorch's way);
  /// a module with an `options` member is rebuilt from it (every built-in layer, models::ResNet);
  /// one without parameters, buffers or children is copied (activations, pooling); Sequential,
  /// ModuleList and ModuleDict clone their children. Any other module (a user's module that
  /// builds itself in its constructor) throws a ValueError saying so, rather than copy wrongly.
  /// Rebuilding draws initial weights from the generator before the values are copied over.
  virtual std::shared_ptr<Module> clone() const;

  /// Sets requires_grad on every parameter of this module and its descendants (PyTorch's
  /// Module.requires_grad_): false freezes the subtree, whose parameters then get no gradient
  /// and are skipped by the optimisers.
  void requires_grad_(bool requires_grad = true);

  /// Training mode (dropout active, ...) for this module and all descendants.
  virtual void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  /// Drops every parameter's gradient (set to undefined, as PyTorch's set_to_none=True).
  void zero_grad();
  /// Converts every parameter and buffer to dtype in place: tensors held elsewhere (by an
  /// optimiser, say) see the new data.
  void to(ScalarType dtype);

  const std::string& name() const { return name_; }
  /// The part inside the parentheses when printed: "in_features=784, out_features=100".
  virtual std::string extra_repr() const { return ""; }

  using ForwardHook = std::function<void(Module&, const Tensor& input, const Tensor& output)>;
  /// Calls hook after every forward through operator(); returns an id for remove_forward_hook.
  size_t register_forward_hook(ForwardHook hook);
  void remove_forward_hook(size_t id);

 protected:
  /// A copy of the name and mode only, for clone(): the copy registers its own tensors and
  /// children (a Cloneable's reset() does). Derived classes' copy constructors use it.
  Module(const Module& other) : std::enable_shared_from_this<Module>(), name_(other.name_), training_(other.training_) {}
  /// Called after the child at `index` (in named_children()) was replaced; containers that keep
  /// their own list of children update it here.
  virtual void on_child_replaced(size_t /*index*/) {}
  /// Copies the values, dtypes and requires_grad flags of `source`'s parameters and buffers, and
  /// the train/eval mode of every module, into this tree, which must have the same names and
  /// shapes (clone() checks what it rebuilt with it).
  void copy_state_from(const Module& source);
  /// Forgets every parameter, buffer and child, for a Cloneable's reset() to register anew.
  void clear_registrations();

 private:
  template <class Impl>
  friend void detail::adopt(Impl& module);
  void add_child(const std::string& name, std::shared_ptr<Module> child);
  void replace_child(const std::string& name, std::shared_ptr<Module> child);
  template <class Get>
  void collect(const std::string& prefix, bool recurse, Get get,
               std::vector<std::pair<std::string, Tensor>>& out) const;

  std::string name_;
  bool training_ = true;
  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  std::vector<std::pair<size_t, ForwardHook>> hooks_;
  size_t next_hook_id_ = 0;
  std::function<Tensor(const Tensor&)> hidden_forward_;  // set by detail::adopt
  std::function<std::shared_ptr<Module>(const Module&)> rebuild_;  // set by detail::adopt: clone()'s structure
};

/// libtorch's Cloneable: derive a module from nn::Cloneable<MyImpl> instead of nn::Module and
/// build its parameters, buffers and submodules in reset() (call reset() from the constructor),
/// and clone() deep-copies it: a copy of the object, reset() to register fresh tensors and
/// children, then the values of the original.
template <class Derived>
class Cloneable : public Module {
 public:
  using Module::Module;
  virtual void reset() = 0;

 protected:
  Cloneable(const Cloneable&) = default;
};

namespace detail {
/// "Block" for a class BlockImpl (any namespace), as printed in a module tree.
std::string module_type_name(const std::type_info& type);

/// Learns what only the module's static type tells: its name when the constructor gave none,
/// and a forward that hides the virtual one. Idempotent; called wherever a typed module enters
/// (a holder, register_module, AnyModule).
template <class Impl>
void adopt(Impl& module) {
  Module& base = module;
  if (base.name_ == "Module") base.name_ = module_type_name(typeid(Impl));
  if constexpr (hides_virtual_forward<Impl>())
    if (!base.hidden_forward_) base.hidden_forward_ = [m = &module](const Tensor& x) -> Tensor { return m->forward(x); };
  if (!base.rebuild_) base.rebuild_ = [](const Module& original) -> std::shared_ptr<Module> {
      const Impl& self = static_cast<const Impl&>(original);
      std::shared_ptr<Impl> copy;
      if constexpr (std::is_base_of_v<Cloneable<Impl>, Impl>) {
        copy = std::make_shared<Impl>(self);
        copy->clear_registrations();
        copy->reset();
      } else if constexpr (requires(const Impl& m) { Impl(m.options); }) {
        copy = std::make_shared<Impl>(self.options);
      } else if constexpr (std::is_copy_constructible_v<Impl>) {
        if (!original.parameters_.empty() || !original.buffers_.empty() || !original.children_.empty()) return nullptr;
        copy = std::make_shared<Impl>(self);
      } else {
        return nullptr;
      }
      adopt(*copy);
      return copy;
    };
}
}  // namespace detail

/// Prints the module tree as PyTorch does: Sequential(\n  (0): Linear(in_features=...)\n ...).
std::ostream& operator<<(std::ostream& out, const Module& module);

/// A shared_ptr<Impl> with libtorch's holder conveniences: construct with Impl's arguments,
/// use -> for members, call like a function.
template <class Impl>
class ModuleHolder {
 public:
  using ImplType = Impl;
  /// Constructs a new Impl from the arguments (none for layers like ReLU). Disabled for a
  /// single holder or shared_ptr argument, which copy the pointer instead.
  template <class... Args, std::enable_if_t<!(sizeof...(Args) == 1 && (std::is_convertible_v<Args, std::shared_ptr<Impl>> && ...)), int> = 0>
  explicit ModuleHolder(Args&&... args) : impl_(std::make_shared<Impl>(std::forward<Args>(args)...)) {
    detail::adopt(*impl_);
  }
  ModuleHolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {
    if (impl_) detail::adopt(*impl_);
  }
  ModuleHolder(const ModuleHolder&) = default;
  ModuleHolder(ModuleHolder&&) noexcept = default;
  ModuleHolder& operator=(const ModuleHolder&) = default;
  ModuleHolder& operator=(ModuleHolder&&) noexcept = default;
  operator std::shared_ptr<Impl>() const { return impl_; }

  Impl* operator->() const { return impl_.get(); }
  Impl& operator*() const { return *impl_; }
  const std::shared_ptr<Impl>& ptr() const { return impl_; }
  /// As libtorch's: a holder made from nullptr holds no module.
  bool is_empty() const noexcept { return impl_ == nullptr; }
  explicit operator bool() const noexcept { return !is_empty(); }
  operator std::shared_ptr<Module>() const { return impl_; }
  /// Indexing forwarded to the module (a ModuleList's list[0], a ModuleDict's dict["head"]).
  template <class Arg>
  decltype(auto) operator[](Arg&& arg) const {
    return (*impl_)[std::forward<Arg>(arg)];
  }
  /// Exists only for arguments Impl's own forward() takes: a loss's forward(input, target)
  /// makes loss(x) a compile error rather than a run-time one. A one-tensor forward goes
  /// through Module::operator(), so forward hooks see it.
  template <class... Args>
    requires requires(Impl& m, Args&&... a) { m.forward(std::forward<Args>(a)...); }
  decltype(auto) operator()(Args&&... args) const {
    if constexpr (detail::called_as_unary<Impl>() && detail::is_one_tensor<Args...>())
      return static_cast<Module&>(*impl_)(std::forward<Args>(args)...);
    else
      return impl_->forward(std::forward<Args>(args)...);
  }

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace ember::nn

/// Declares the holder `Name` for `NameImpl`, as libtorch's TORCH_MODULE.
#define EMBER_MODULE(Name)                                \
  class Name : public ::ember::nn::ModuleHolder<Name##Impl> { \
   public:                                                \
    using ::ember::nn::ModuleHolder<Name##Impl>::ModuleHolder; \
  }
