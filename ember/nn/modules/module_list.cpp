#include "ember/nn/modules/module_list.h"

namespace ember::nn {

void ModuleListImpl::extend(const ModuleListImpl& other) {
  for (const auto& m : other.children()) push_back(m);
}

std::shared_ptr<Module> ModuleListImpl::ptr(size_t i) const {
  EMBER_CHECK(i < size(), IndexError, "[ModuleList] index ", i, " is out of range for ", size(), " modules");
  return modules_[i];
}

std::shared_ptr<Module> ModuleListImpl::clone() const {
  auto copy = std::make_shared<ModuleListImpl>();
  for (const auto& m : modules_) copy->push_back(m->clone());
  copy->copy_state_from(*this);  // the train/eval modes, at every depth
  return copy;
}

Tensor ModuleListImpl::forward(const Tensor&) {
  throw ValueError("[ModuleList] has no forward: call its modules from the parent's forward");
}

ModuleDictImpl::ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules)
    : Module("ModuleDict") {
  update(modules);
}

void ModuleDictImpl::update(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
  for (const auto& [key, m] : modules) insert(key, m);
}

bool ModuleDictImpl::contains(const std::string& key) const {
  for (const auto& [name, m] : named_children())
    if (name == key) return true;
  return false;
}

std::vector<std::string> ModuleDictImpl::keys() const {
  std::vector<std::string> out;
  for (const auto& [name, m] : named_children()) out.push_back(name);
  return out;
}

std::shared_ptr<Module> ModuleDictImpl::operator[](const std::string& key) const {
  std::string known;
  for (const auto& [name, m] : named_children()) {
    if (name == key) return m;
    known += (known.empty() ? "" : ", ") + name;
  }
  throw IndexError("[ModuleDict] no module '" + key + "'; the keys are " + (known.empty() ? "(none)" : known));
}

std::shared_ptr<Module> ModuleDictImpl::clone() const {
  auto copy = std::make_shared<ModuleDictImpl>();
  for (const auto& [key, m] : named_children()) copy->insert(key, m->clone());
  copy->copy_state_from(*this);
  return copy;
}

Tensor ModuleDictImpl::forward(const Tensor&) {
  throw ValueError("[ModuleDict] has no forward: call its modules from the parent's forward");
}

}  // namespace ember::nn
