#include "ember/nn/modules/sequential.h"

namespace ember::nn {

void SequentialImpl::push_back(std::string name, AnyModule module) {
  EMBER_CHECK(!module.is_empty(), ValueError, "[Sequential] cannot add an empty AnyModule");
  register_module(name, module.ptr());
  modules_.push_back(std::move(module));
}

Tensor SequentialImpl::forward(const Tensor& input) {
  EMBER_CHECK(!modules_.empty(), ValueError, "[Sequential] forward called on an empty Sequential");
  Tensor x = input;
  for (AnyModule& module : modules_) x = module.forward(x);
  return x;
}

AnyValue SequentialImpl::run(std::vector<AnyValue> inputs) {
  EMBER_CHECK(!modules_.empty(), ValueError, "[Sequential] forward called on an empty Sequential");
  AnyValue x = modules_.front().call_boxed(inputs);
  for (size_t i = 1; i < modules_.size(); ++i) {
    std::vector<AnyValue> previous{std::move(x)};
    x = modules_[i].call_boxed(previous);
  }
  return x;
}

std::shared_ptr<Module> SequentialImpl::clone() const {
  auto copy = std::make_shared<SequentialImpl>();
  for (size_t i = 0; i < modules_.size(); ++i) copy->push_back(named_children()[i].first, modules_[i].clone());
  copy->copy_state_from(*this);  // the train/eval modes, at every depth
  return copy;
}

const AnyModule& SequentialImpl::module_at(size_t i) const {
  EMBER_CHECK(i < size(), IndexError, "[Sequential] index ", i, " is out of range for ", size(), " modules");
  return modules_[i];
}

std::shared_ptr<Module> SequentialImpl::ptr(size_t i) const { return module_at(i).ptr(); }

// The new child is known here only as a Module, so it runs through the one-tensor virtual.
void SequentialImpl::on_child_replaced(size_t index) { modules_[index] = AnyModule(named_children()[index].second); }

}  // namespace ember::nn
