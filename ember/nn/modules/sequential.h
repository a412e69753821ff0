// Sequential: children run one after another; they are named "0", "1", ... as in PyTorch.
//   nn::Sequential model(nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10));
#pragma once

#include "ember/nn/module.h"

namespace ember::nn {

class SequentialImpl : public Module {
 public:
  SequentialImpl() : Module("Sequential") {}
  template <class... Modules, std::enable_if_t<(sizeof...(Modules) > 0), int> = 0>
  explicit SequentialImpl(Modules&&... modules) : Module("Sequential") {
    (push_back(std::shared_ptr<Module>(std::forward<Modules>(modules))), ...);
  }
  void push_back(std::shared_ptr<Module> module);
  Tensor forward(const Tensor& input) override;
  size_t size() const { return named_children().size(); }
  std::shared_ptr<Module> operator[](size_t i) const;
};
EMBER_MODULE(Sequential);

}  // namespace ember::nn
