#include "ember/nn/module.h"

#include <algorithm>
#include <ostream>

#include "ember/autograd/grad_mode.h"
#include "ember/core/type_name.h"

namespace ember::nn {

Tensor Module::forward(const Tensor& input) {
  if (hidden_forward_) return hidden_forward_(input);
  EMBER_CHECK(false, ValueError, "[", name_, "] this module does not implement forward(Tensor)");
  return {};
}

std::string detail::module_type_name(const std::type_info& type) {
  std::string name = ember::detail::type_name(type);
  const size_t template_args = name.find('<');  // namespaces inside them stay
  if (const size_t colon = name.rfind("::", template_args); colon != std::string::npos) name = name.substr(colon + 2);
  if (name.size() > 4 && name.ends_with("Impl")) name.resize(name.size() - 4);
  return name;
}

Tensor Module::operator()(const Tensor& input) {
  Tensor output = forward(input);
  for (auto& [id, hook] : hooks_) hook(*this, input, output);
  return output;
}

Tensor& Module::register_parameter(const std::string& name, Tensor tensor, bool requires_grad) {
  EMBER_CHECK(!name.empty() && name.find('.') == std::string::npos, ValueError, "[", name_,
              "] parameter name '", name, "' must be non-empty and contain no '.'");
  for (const auto& [n, t] : parameters_)
    EMBER_CHECK(n != name, ValueError, "[", name_, "] parameter '", name, "' is already registered");
  if (tensor.defined() && requires_grad && !tensor.requires_grad()) tensor.requires_grad_(true);
  parameters_.emplace_back(name, tensor);
  return parameters_.back().second;
}

Tensor& Module::register_buffer(const std::string& name, Tensor tensor) {
  EMBER_CHECK(!name.empty() && name.find('.') == std::string::npos, ValueError, "[", name_,
              "] buffer name '", name, "' must be non-empty and contain no '.'");
  buffers_.emplace_back(name, tensor);
  return buffers_.back().second;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> child) {
  EMBER_CHECK(child != nullptr, ValueError, "[", name_, "] child module '", name, "' is null");
  EMBER_CHECK(!name.empty() && name.find('.') == std::string::npos, ValueError, "[", name_,
              "] module name '", name, "' must be non-empty and contain no '.'");
  for (const auto& [n, m] : children_)
    EMBER_CHECK(n != name, ValueError, "[", name_, "] a child module named '", name, "' already exists");
  children_.emplace_back(name, std::move(child));
}

void Module::replace_child(const std::string& name, std::shared_ptr<Module> child) {
  EMBER_CHECK(child != nullptr, ValueError, "[", name_, "] replacement for child module '", name, "' is null");
  for (size_t i = 0; i < children_.size(); ++i)
    if (children_[i].first == name) {
      children_[i].second = std::move(child);
      on_child_replaced(i);
      return;
    }
  EMBER_CHECK(false, ValueError, "[", name_, "] has no child module named '", name, "' to replace");
}

template <class Get>
void Module::collect(const std::string& prefix, bool recurse, Get get,
                     std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [name, t] : get(*this))
    if (t.defined()) out.emplace_back(prefix + name, t);
  if (!recurse) return;
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", true, get, out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", recurse, [](const Module& m) -> const auto& { return m.parameters_; }, out);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect("", recurse, [](const Module& m) -> const auto& { return m.buffers_; }, out);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_parameters(recurse)) out.push_back(t);
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, t] : named_buffers(recurse)) out.push_back(t);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& [name, child] : children_) out.push_back(child);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) const {
  std::vector<std::shared_ptr<Module>> out;
  for (auto& [name, m] : named_modules("", include_self)) out.push_back(m);
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_modules(const std::string& name_prefix,
                                                                                    bool include_self) const {
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> out;
  if (include_self) {
    auto self = std::const_pointer_cast<Module>(weak_from_this().lock());
    EMBER_CHECK(self != nullptr, ValueError, "[", name_, "] modules() and named_modules() with include_self need the module "
                "to be owned by a std::shared_ptr (a holder or std::make_shared); pass include_self = false");
    out.emplace_back(name_prefix, self);
  }
  for (const auto& [name, child] : children_) {
    if (!child) continue;
    const std::string full = name_prefix.empty() ? name : name_prefix + "." + name;
    out.emplace_back(full, child);
    for (auto& entry : child->named_modules(full, false)) out.push_back(std::move(entry));
  }
  return out;
}

void Module::apply(const std::function<void(Module&)>& fn) {
  fn(*this);
  for (auto& [name, child] : children_)
    if (child) child->apply(fn);
}

void Module::apply(const std::function<void(const std::string&, Module&)>& fn, const std::string& name_prefix) {
  fn(name_prefix, *this);
  for (auto& [name, child] : children_)
    if (child) child->apply(fn, name_prefix.empty() ? name : name_prefix + "." + name);
}

std::shared_ptr<Module> Module::clone() const {
  std::shared_ptr<Module> copy = rebuild_ ? rebuild_(*this) : nullptr;
  EMBER_CHECK(copy != nullptr, ValueError, "[", name_, "] cannot be cloned: ember copies a module by rebuilding it, and ",
              name_, " has no way to be rebuilt (no `options` member to construct it from, and it holds parameters, "
              "buffers or submodules)\n---> HINT: derive it from nn::Cloneable<", name_, "Impl> and build it in "
              "reset(), as in libtorch");
  copy->copy_state_from(*this);
  return copy;
}

namespace {
// `t` (a tensor of the module tree) holding `dtype`, in place: every handle to it sees the change.
void retype(Tensor& t, ScalarType dtype) {
  if (!t.defined() || t.dtype() == dtype) return;
  const Tensor converted = t.to(dtype).contiguous();
  TensorImpl* impl = t.impl();
  impl->storage = converted.impl()->storage;
  impl->sizes = converted.sizes();
  impl->strides = converted.strides();
  impl->offset = converted.storage_offset();
  impl->dtype = dtype;
  if (impl->autograd) impl->autograd->grad.reset();
}
}  // namespace

void Module::copy_state_from(const Module& source) {
  NoGradGuard no_grad;
  auto copy_all = [&](std::vector<std::pair<std::string, Tensor>> mine, const std::vector<std::pair<std::string, Tensor>>& theirs,
                      const char* what) {
    bool same = mine.size() == theirs.size();
    for (size_t i = 0; same && i < mine.size(); ++i)
      same = mine[i].first == theirs[i].first && mine[i].second.sizes() == theirs[i].second.sizes();
    EMBER_CHECK(same, ValueError, "[", name_, "] clone: the rebuilt module's ", what, " differ from the original's "
                "(its constructor or reset() built another structure)");
    for (size_t i = 0; i < mine.size(); ++i) {
      Tensor& t = mine[i].second;
      retype(t, theirs[i].second.dtype());
      t.copy_(theirs[i].second);
      if (t.is_leaf()) t.requires_grad_(theirs[i].second.requires_grad());
    }
  };
  copy_all(named_parameters(), source.named_parameters(), "parameters");
  copy_all(named_buffers(), source.named_buffers(), "buffers");
  // Train/eval mode, module by module (a frozen BatchNorm in eval inside a training model).
  const auto mine = named_modules("", /*include_self=*/false), theirs = source.named_modules("", false);
  EMBER_CHECK(mine.size() == theirs.size(), ValueError, "[", name_, "] clone: the rebuilt module has ", mine.size(),
              " submodules, the original ", theirs.size());
  training_ = source.training_;
  for (size_t i = 0; i < mine.size(); ++i) mine[i].second->training_ = theirs[i].second->training_;
}

void Module::clear_registrations() {
  parameters_.clear();
  buffers_.clear();
  children_.clear();
}

void Module::requires_grad_(bool requires_grad) {
  for (Tensor& p : parameters()) p.requires_grad_(requires_grad);
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::zero_grad() {
  for (Tensor& p : parameters()) p.set_grad(Tensor());
}

void Module::to(ScalarType dtype) {
  NoGradGuard no_grad;
  for (auto& t : parameters()) retype(t, dtype);  // the data is swapped under every handle to it
  for (auto& t : buffers()) retype(t, dtype);
}

size_t Module::register_forward_hook(ForwardHook hook) {
  hooks_.emplace_back(next_hook_id_, std::move(hook));
  return next_hook_id_++;
}

void Module::remove_forward_hook(size_t id) {
  hooks_.erase(std::remove_if(hooks_.begin(), hooks_.end(), [id](const auto& h) { return h.first == id; }),
               hooks_.end());
}

namespace {
void print(std::ostream& out, const Module& m, int indent) {
  out << m.name() << "(" << m.extra_repr();
  if (m.named_children().empty()) {
    out << ")";
    return;
  }
  out << "\n";
  for (const auto& [name, child] : m.named_children()) {
    out << std::string(indent + 2, ' ') << "(" << name << "): ";
    print(out, *child, indent + 2);
    out << "\n";
  }
  out << std::string(indent, ' ') << ")";
}
}  // namespace

std::ostream& operator<<(std::ostream& out, const Module& module) {
  print(out, module, 0);
  return out;
}

}  // namespace ember::nn
