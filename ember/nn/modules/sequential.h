// Sequential: children run one after another; they are named "0", "1", ... as in PyTorch.
//   nn::Sequential model(nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10));
//   model->push_back(MyBlock(...));   // any module, held as an AnyModule (nn/modules/any.h)
// As in libtorch, the first layer receives all of forward's arguments and each later layer the
// previous one's output; forward<T>(...) reads a final output that is not a Tensor.
#pragma once

#include <string>
#include <vector>

#include "ember/nn/module.h"
#include "ember/nn/modules/any.h"

namespace ember::nn {

class SequentialImpl : public Module {
 public:
  SequentialImpl() : Module("Sequential") {}
  template <class... Modules, std::enable_if_t<(sizeof...(Modules) > 0), int> = 0>
  explicit SequentialImpl(Modules&&... modules) : Module("Sequential") {
    (push_back(std::forward<Modules>(modules)), ...);
  }

  void push_back(AnyModule module) { push_back(std::to_string(size()), std::move(module)); }
  void push_back(std::string name, AnyModule module);
  template <class M>
  void push_back(std::shared_ptr<M> module) { push_back(AnyModule(std::move(module))); }
  template <class Holder, class Impl = typename Holder::ImplType>
  void push_back(const Holder& holder) { push_back(AnyModule(holder)); }
  template <class Holder, class Impl = typename Holder::ImplType>
  void push_back(std::string name, const Holder& holder) { push_back(std::move(name), AnyModule(holder)); }

  Tensor forward(const Tensor& input) override;
  /// A Sequential of clones of the layers, under the same names.
  std::shared_ptr<Module> clone() const override;
  template <class ReturnType = Tensor, class... Inputs>
  ReturnType forward(Inputs&&... inputs) {
    if constexpr (std::is_same_v<ReturnType, Tensor> && detail::is_one_tensor<Inputs...>())
      return forward(static_cast<const Tensor&>(inputs)...);
    else
      return run(std::vector<AnyValue>{AnyValue(std::decay_t<Inputs>(std::forward<Inputs>(inputs)))...})
          .template get<ReturnType>();
  }

  size_t size() const { return modules_.size(); }
  bool is_empty() const { return modules_.empty(); }
  std::shared_ptr<Module> operator[](size_t i) const { return ptr(i); }
  std::shared_ptr<Module> ptr(size_t i) const;
  /// The i-th layer as a T; TypeError when it is not one.
  template <class T>
  std::shared_ptr<T> ptr(size_t i) const { return module_at(i).template ptr<T>(); }
  template <class T>
  T& at(size_t i) const { return *ptr<T>(i); }

 protected:
  void on_child_replaced(size_t index) override;

 private:
  const AnyModule& module_at(size_t i) const;
  AnyValue run(std::vector<AnyValue> inputs);

  std::vector<AnyModule> modules_;
};
EMBER_MODULE(Sequential);

}  // namespace ember::nn
