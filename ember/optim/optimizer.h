// Optimizer: the base of SGD, Adam, AdamW, RMSprop, Adagrad and LAMB, with libtorch's parameter
// groups. It holds tensors, never a Module (optim knows nothing of nn): groups of parameters,
// each with its own options (learning rate, momentum, ...), and per-parameter state. step() is
// the one loop every optimiser shares: for every parameter with a gradient, in place and
// without recording history, it calls the optimiser's update(); parameters without a gradient
// are skipped, as in PyTorch.
//   optim::SGD opt({optim::OptimizerParamGroup(body_params),
//                   optim::OptimizerParamGroup(head_params, std::make_unique<optim::SGDOptions>(0.1))},
//                  optim::SGDOptions(0.01).momentum(0.9));
//   static_cast<optim::SGDOptions&>(opt.param_groups()[0].options()).lr(0.001);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::optim {

/// The options of one optimiser (SGDOptions, AdamOptions, ...), as libtorch's.
class OptimizerOptions {
 public:
  virtual ~OptimizerOptions() = default;
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  /// Every numeric option by name ("lr", "momentum", "beta1", ...): what a schedule may move
  /// and what a checkpoint saves per group.
  virtual std::vector<std::pair<std::string, double*>> hyperparameters() = 0;
  /// The momentum-like option a one-cycle schedule cycles (SGD's "momentum", Adam's "beta1");
  /// empty when there is none.
  virtual std::string momentum_name() const { return ""; }

  bool has(const std::string& name) const;
  /// The option `name`; throws naming the options there are when it is not one of them.
  double get(const std::string& name) const;
  void set(const std::string& name, double value);
  double get_lr() const { return get("lr"); }
  void set_lr(double lr) { set("lr", lr); }
};

/// Gives an options struct its clone().
template <class Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
 public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

/// Parameters that share options. A group made without options takes a copy of the
/// optimiser's defaults when it is added.
class OptimizerParamGroup {
 public:
  OptimizerParamGroup(std::vector<Tensor> params) : params_(std::move(params)) {}  // NOLINT: implicit, as libtorch's
  OptimizerParamGroup(std::vector<Tensor> params, std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup& other);
  OptimizerParamGroup& operator=(const OptimizerParamGroup& other);
  OptimizerParamGroup(OptimizerParamGroup&&) = default;
  OptimizerParamGroup& operator=(OptimizerParamGroup&&) = default;

  bool has_options() const { return options_ != nullptr; }
  OptimizerOptions& options();
  const OptimizerOptions& options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) { options_ = std::move(options); }
  std::vector<Tensor>& params() { return params_; }
  const std::vector<Tensor>& params() const { return params_; }

 private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

/// What an optimiser keeps per parameter: the number of updates and named buffers (Adam's
/// exp_avg and exp_avg_sq, ...), created on the parameter's first step.
struct OptimizerParamState {
  int64_t step = 0;
  std::vector<std::pair<std::string, Tensor>> buffers;
  Tensor& buffer(const std::string& name);
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  /// Updates every parameter that has a gradient.
  void step();
  /// Drops gradients (set_to_none, PyTorch's default) or zeroes them in place.
  void zero_grad(bool set_to_none = true);

  /// Adds a group; its parameters must not be in another group already.
  void add_param_group(const OptimizerParamGroup& group);
  std::vector<OptimizerParamGroup>& param_groups() { return groups_; }
  const std::vector<OptimizerParamGroup>& param_groups() const { return groups_; }
  /// Every parameter of every group, in order (the index a checkpoint's state uses).
  const std::vector<Tensor>& parameters() const { return parameters_; }
  const OptimizerOptions& defaults() const { return *defaults_; }
  const std::string& name() const { return name_; }

  /// The first group's learning rate; set_lr sets every group's (ember's shorthand for the
  /// one-group case; with several groups, set each group's options).
  double lr() const;
  void set_lr(double lr);
  /// The first group's momentum-like option (momentum_name()); nullopt when there is none.
  /// set_momentum sets it in every group.
  std::optional<double> momentum() const;
  void set_momentum(double momentum);

  /// State for checkpoints: "<i>.step" and "<i>.<buffer>" per parameter that has stepped (i its
  /// index in parameters()), and "param_groups.<g>.<option>" per group.
  std::vector<std::pair<std::string, Tensor>> state() const;
  /// Restores state() output (a parameter without entries starts afresh); throws naming the
  /// first missing, unknown or mismatched entry, before changing anything.
  void load_state(const std::vector<std::pair<std::string, Tensor>>& state);

 protected:
  Optimizer(std::unique_ptr<OptimizerOptions> defaults, std::string name);
  /// What every optimiser's constructor does once it exists (check_options is its own by then):
  /// checks the defaults, then adds the groups.
  void add_param_groups(const std::vector<OptimizerParamGroup>& groups);
  /// The buffers a parameter of a group with these options needs.
  virtual std::vector<std::string> state_names(const OptimizerOptions& options) const = 0;
  /// A buffer's value before the first step (zeros; Adagrad starts its sum elsewhere).
  virtual Tensor initial_buffer(const std::string& name, const Tensor& param, const OptimizerOptions& options) const;
  /// Throws when a group's options are of another optimiser or out of range.
  virtual void check_options(const OptimizerOptions& options) const = 0;
  /// One parameter's update, in place; `grad` is contiguous and shaped like `param`, and
  /// state.step already counts this step.
  virtual void update(const Tensor& param, const Tensor& grad, OptimizerParamState& state,
                      const OptimizerOptions& options) = 0;

  /// `options` as the optimiser's own Options type, or a TypeError naming both.
  template <class Options>
  const Options& options_as(const OptimizerOptions& options, const char* expected) const {
    const auto* o = dynamic_cast<const Options*>(&options);
    EMBER_CHECK(o != nullptr, TypeError, "[", name_, "] a param group has options of another optimiser; ", name_,
                " needs ", expected);
    return *o;
  }

 private:
  std::unique_ptr<OptimizerOptions> defaults_;
  std::string name_;
  std::vector<OptimizerParamGroup> groups_;
  std::vector<Tensor> parameters_;
  std::vector<OptimizerParamState> states_;  // by index in parameters_
  std::vector<size_t> group_of_;             // by index in parameters_
};

}  // namespace ember::optim
