#include "ember/optim/optimizer.h"

#include <algorithm>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/creation.h"

namespace ember::optim {

// ---- options -------------------------------------------------------------------------------

bool OptimizerOptions::has(const std::string& name) const {
  auto& self = const_cast<OptimizerOptions&>(*this);  // hyperparameters() hands out pointers; nothing is written
  for (const auto& [n, value] : self.hyperparameters())
    if (n == name) return true;
  return false;
}

double OptimizerOptions::get(const std::string& name) const {
  auto& self = const_cast<OptimizerOptions&>(*this);
  std::string known;
  for (const auto& [n, value] : self.hyperparameters()) {
    if (n == name) return *value;
    known += (known.empty() ? "" : ", ") + n;
  }
  throw ValueError("[optim] no option '" + name + "'; these options have " + known);
}

void OptimizerOptions::set(const std::string& name, double value) {
  for (const auto& [n, field] : hyperparameters())
    if (n == name) {
      *field = value;
      return;
    }
  get(name);  // throws, naming the options there are
}

// ---- groups and state ----------------------------------------------------------------------

OptimizerParamGroup::OptimizerParamGroup(const OptimizerParamGroup& other)
    : params_(other.params_), options_(other.options_ ? other.options_->clone() : nullptr) {}

OptimizerParamGroup& OptimizerParamGroup::operator=(const OptimizerParamGroup& other) {
  if (this != &other) *this = OptimizerParamGroup(other);
  return *this;
}

OptimizerOptions& OptimizerParamGroup::options() {
  EMBER_CHECK(options_ != nullptr, ValueError, "[OptimizerParamGroup] this group has no options yet (a group takes "
                                               "the optimiser's defaults when it is added)");
  return *options_;
}
const OptimizerOptions& OptimizerParamGroup::options() const {
  return const_cast<OptimizerParamGroup&>(*this).options();
}

Tensor& OptimizerParamState::buffer(const std::string& name) {
  for (auto& [n, t] : buffers)
    if (n == name) return t;
  throw ValueError("[optim] no state buffer '" + name + "'");
}

// ---- the optimiser -------------------------------------------------------------------------

Optimizer::Optimizer(std::unique_ptr<OptimizerOptions> defaults, std::string name)
    : defaults_(std::move(defaults)), name_(std::move(name)) {}

void Optimizer::add_param_groups(const std::vector<OptimizerParamGroup>& groups) {
  check_options(*defaults_);
  EMBER_CHECK(defaults_->get_lr() >= 0, ValueError, "[", name_, "] invalid learning rate: ", defaults_->get_lr());
  for (const auto& g : groups) add_param_group(g);
}

void Optimizer::add_param_group(const OptimizerParamGroup& group) {
  OptimizerParamGroup g(group.params(), group.has_options() ? group.options().clone() : defaults_->clone());
  check_options(g.options());
  EMBER_CHECK(g.options().get_lr() >= 0, ValueError, "[", name_, "] invalid learning rate: ", g.options().get_lr());
  for (const Tensor& p : g.params()) {
    const size_t i = parameters_.size();
    EMBER_CHECK(p.defined() && p.is_floating_point(), TypeError, "[", name_, "] parameter ", i,
                " must be a defined floating-point tensor");
    EMBER_CHECK(p.is_contiguous(), ValueError, "[", name_, "] parameter ", i, " of shape ", shape_str(p.sizes()),
                " is not contiguous; optimisers update parameters in place");
    EMBER_CHECK(std::none_of(parameters_.begin(), parameters_.end(), [&](const Tensor& q) { return q.is_same(p); }),
                ValueError, "[", name_, "] some parameters appear in more than one parameter group");
    parameters_.push_back(p);
    states_.emplace_back();
    group_of_.push_back(groups_.size());
  }
  groups_.push_back(std::move(g));
}

Tensor Optimizer::initial_buffer(const std::string&, const Tensor& param, const OptimizerOptions&) const {
  return zeros(param.sizes(), param.dtype());
}

void Optimizer::step() {
  NoGradGuard no_grad;
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const Tensor& p = parameters_[i];
    Tensor g = p.grad();
    if (!g.defined()) continue;
    EMBER_CHECK(g.sizes() == p.sizes(), ShapeError, "[", name_, "] gradient of parameter ", i, " has shape ",
                shape_str(g.sizes()), " but the parameter has ", shape_str(p.sizes()));
    g = g.contiguous();
    const OptimizerOptions& options = groups_[group_of_[i]].options();
    OptimizerParamState& s = states_[i];
    if (s.step == 0 && s.buffers.empty())
      for (const std::string& name : state_names(options)) s.buffers.emplace_back(name, initial_buffer(name, p, options));
    ++s.step;
    update(p, g, s, options);
    p.impl()->storage->bump_version();
  }
}

void Optimizer::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (Tensor& p : parameters_) {
    if (set_to_none) p.set_grad(Tensor());
    else if (p.grad().defined()) p.grad().zero_();
  }
}

double Optimizer::lr() const {
  EMBER_CHECK(!groups_.empty(), ValueError, "[", name_, "] has no parameter groups");
  return groups_.front().options().get_lr();
}

void Optimizer::set_lr(double lr) {
  for (auto& g : groups_) g.options().set_lr(lr);
}

std::optional<double> Optimizer::momentum() const {
  const std::string key = defaults_->momentum_name();
  if (key.empty() || groups_.empty()) return std::nullopt;
  return groups_.front().options().get(key);
}

void Optimizer::set_momentum(double momentum) {
  const std::string key = defaults_->momentum_name();
  EMBER_CHECK(!key.empty(), ValueError, "[", name_, "] has no momentum to set");
  for (auto& g : groups_) g.options().set(key, momentum);
}

std::vector<std::pair<std::string, Tensor>> Optimizer::state() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (size_t i = 0; i < states_.size(); ++i) {
    if (states_[i].step == 0) continue;
    out.emplace_back(std::to_string(i) + ".step", tensor(states_[i].step));
    for (const auto& [name, t] : states_[i].buffers) out.emplace_back(std::to_string(i) + "." + name, t);
  }
  for (size_t g = 0; g < groups_.size(); ++g)
    for (const auto& [name, value] : const_cast<OptimizerOptions&>(groups_[g].options()).hyperparameters())
      out.emplace_back("param_groups." + std::to_string(g) + "." + name, tensor(*value, kFloat64));
  return out;
}

void Optimizer::load_state(const std::vector<std::pair<std::string, Tensor>>& state) {
  auto find = [&](const std::string& key) -> const Tensor* {
    for (const auto& [k, t] : state)
      if (k == key) return &t;
    return nullptr;
  };
  // Every entry must be one this optimiser knows, so that a checkpoint of another model or
  // optimiser is refused rather than half applied.
  for (const auto& [key, t] : state) {
    const bool group_entry = key.rfind("param_groups.", 0) == 0;
    const std::string rest = group_entry ? key.substr(13) : key;  // "<index>.<name>"
    const size_t dot = rest.find('.');
    const bool indexed = dot != std::string::npos && dot > 0 && dot < 9 &&
                         std::all_of(rest.begin(), rest.begin() + static_cast<long>(dot), ::isdigit);
    bool known = false;
    if (indexed) {
      const size_t index = std::stoul(rest.substr(0, dot));
      const std::string name = rest.substr(dot + 1);
      if (group_entry) {
        EMBER_CHECK(index < groups_.size(), ValueError, "[", name_, "] the state has parameter group ", index,
                    " but the optimiser has ", groups_.size(), " group(s)");
        known = groups_[index].options().has(name);
      } else {
        EMBER_CHECK(index < parameters_.size(), ValueError, "[", name_, "] the state has parameter ", index,
                    " but the optimiser has ", parameters_.size());
        const auto names = state_names(groups_[group_of_[index]].options());
        known = name == "step" || std::find(names.begin(), names.end(), name) != names.end();
      }
    }
    EMBER_CHECK(known, ValueError, "[", name_, "] unknown state entry '", key, "'");
  }
  std::vector<OptimizerParamState> restored(parameters_.size());  // committed once all of it checks out
  for (size_t i = 0; i < parameters_.size(); ++i) {
    const std::string key = std::to_string(i);
    const Tensor* step = find(key + ".step");
    const auto names = state_names(groups_[group_of_[i]].options());
    if (!step) {
      for (const std::string& n : names)
        EMBER_CHECK(!find(key + "." + n), ValueError, "[", name_, "] state of parameter ", i, " has ", n, " but no step");
      continue;  // it had not stepped when the state was taken
    }
    OptimizerParamState& s = restored[i];
    s.step = step->item<int64_t>();
    for (const std::string& n : names) {
      const Tensor* t = find(key + "." + n);
      EMBER_CHECK(t != nullptr, ValueError, "[", name_, "] state of parameter ", i, " is incomplete: it has no ", n);
      EMBER_CHECK(t->sizes() == parameters_[i].sizes(), ShapeError, "[", name_, "] state ", n, " of parameter ", i,
                  " has shape ", shape_str(t->sizes()), " but the parameter has ", shape_str(parameters_[i].sizes()));
      s.buffers.emplace_back(n, t->to(parameters_[i].dtype()).clone());
    }
  }
  states_ = std::move(restored);
  for (size_t g = 0; g < groups_.size(); ++g)
    for (const auto& [name, field] : groups_[g].options().hyperparameters())
      if (const Tensor* t = find("param_groups." + std::to_string(g) + "." + name)) *field = t->item<double>();
}

}  // namespace ember::optim
