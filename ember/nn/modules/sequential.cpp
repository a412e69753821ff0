#include "ember/nn/modules/sequential.h"

namespace ember::nn {

void SequentialImpl::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(size()), std::move(module));
}

Tensor SequentialImpl::forward(const Tensor& input) {
  Tensor x = input;
  for (const auto& [name, child] : named_children()) x = (*child)(x);
  return x;
}

std::shared_ptr<Module> SequentialImpl::operator[](size_t i) const {
  EMBER_CHECK(i < size(), IndexError, "[Sequential] index ", i, " is out of range for ", size(), " modules");
  return named_children()[i].second;
}

}  // namespace ember::nn
