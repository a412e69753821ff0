// ModuleList and ModuleDict, as libtorch's: children held in order ("0", "1", ...) or by key,
// registered so that parameters(), named_parameters(), train() and saving see them, but with no
// forward of their own (the parent decides how to call them).
//   nn::ModuleList blocks;  blocks->push_back(nn::Linear(4, 4));  blocks[0];  blocks->ptr<nn::LinearImpl>(0);
//   std::vector<std::pair<std::string, std::shared_ptr<nn::Module>>> named = {{"digits", nn::Linear(64, 10).ptr()}};
//   nn::ModuleDict heads(named);  heads["digits"];
#pragma once

#include <string>
#include <vector>

#include "ember/nn/module.h"

namespace ember::nn {

class ModuleListImpl : public Module {
 public:
  ModuleListImpl() : Module("ModuleList") {}
  template <class... Modules, std::enable_if_t<(sizeof...(Modules) > 0), int> = 0>
  explicit ModuleListImpl(Modules&&... modules) : Module("ModuleList") {
    (push_back(std::forward<Modules>(modules)), ...);
  }

  template <class M>
  void push_back(std::shared_ptr<M> module) {
    modules_.push_back(register_module(std::to_string(size()), std::move(module)));
  }
  template <class Holder, class = typename Holder::ImplType>
  void push_back(const Holder& holder) {
    push_back(holder.ptr());
  }
  /// Appends every module of another list.
  void extend(const ModuleListImpl& other);

  size_t size() const { return modules_.size(); }
  bool is_empty() const { return modules_.empty(); }
  std::shared_ptr<Module> operator[](size_t i) const { return ptr(i); }
  /// IndexError naming the size when i is past the end.
  std::shared_ptr<Module> ptr(size_t i) const;
  /// The i-th module as a T; TypeError when it is not one.
  template <class T>
  std::shared_ptr<T> ptr(size_t i) const {
    auto typed = std::dynamic_pointer_cast<T>(ptr(i));
    EMBER_CHECK(typed != nullptr, TypeError, "[ModuleList] module ", i, " is a ", ptr(i)->name(),
                ", not the type asked for");
    return typed;
  }
  template <class T>
  T& at(size_t i) const { return *ptr<T>(i); }
  auto begin() const { return modules_.begin(); }
  auto end() const { return modules_.end(); }

  /// ModuleList has no forward; calling one is an error naming it.
  Tensor forward(const Tensor& input) override;
  /// A ModuleList of clones of the modules.
  std::shared_ptr<Module> clone() const override;

 protected:
  void on_child_replaced(size_t index) override { modules_[index] = named_children()[index].second; }

 private:
  std::vector<std::shared_ptr<Module>> modules_;  // the children, for iteration
};
EMBER_MODULE(ModuleList);

class ModuleDictImpl : public Module {
 public:
  ModuleDictImpl() : Module("ModuleDict") {}
  explicit ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);

  /// Adds `module` under `key`, or replaces the one there (its place in the order stays).
  template <class M>
  void insert(const std::string& key, std::shared_ptr<M> module) {
    if (contains(key)) replace_module(key, std::move(module));
    else register_module(key, std::move(module));
  }
  template <class Holder, class = typename Holder::ImplType>
  void insert(const std::string& key, const Holder& holder) {
    insert(key, holder.ptr());
  }
  void update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules);

  bool contains(const std::string& key) const;
  size_t size() const { return named_children().size(); }
  bool is_empty() const { return size() == 0; }
  std::vector<std::string> keys() const;
  std::vector<std::shared_ptr<Module>> values() const { return children(); }
  /// The module under `key`; IndexError listing the keys when there is none.
  std::shared_ptr<Module> operator[](const std::string& key) const;
  template <class T>
  std::shared_ptr<T> at(const std::string& key) const {
    auto typed = std::dynamic_pointer_cast<T>((*this)[key]);
    EMBER_CHECK(typed != nullptr, TypeError, "[ModuleDict] module '", key, "' is a ", (*this)[key]->name(),
                ", not the type asked for");
    return typed;
  }

  /// ModuleDict has no forward; calling one is an error naming it.
  Tensor forward(const Tensor& input) override;
  /// A ModuleDict of clones of the modules, under the same keys.
  std::shared_ptr<Module> clone() const override;
};
EMBER_MODULE(ModuleDict);

}  // namespace ember::nn
