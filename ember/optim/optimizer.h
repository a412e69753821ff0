// Optimizer: the base of SGD, Adam, AdamW and RMSprop. It holds the parameters (tensors, never a
// Module: optim knows nothing of nn), the learning rate a scheduler may change, and per-parameter
// state. step() updates every parameter that has a gradient, in place and without recording
// history; parameters without a gradient are skipped, as in PyTorch.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::optim {

class Optimizer {
 public:
  Optimizer(std::vector<Tensor> params, double lr, std::string name);
  virtual ~Optimizer() = default;

  virtual void step() = 0;
  /// Drops gradients (set_to_none, PyTorch's default) or zeroes them in place.
  void zero_grad(bool set_to_none = true);

  const std::vector<Tensor>& params() const { return params_; }
  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }
  /// The momentum-like coefficient a one-cycle schedule may cycle (SGD's momentum, Adam's
  /// beta1); nullopt when the optimiser has none.
  virtual std::optional<double> momentum() const { return std::nullopt; }
  virtual void set_momentum(double) {}
  const std::string& name() const { return name_; }

  /// Named state tensors ("3.exp_avg", ...) and scalars, for checkpoints.
  virtual std::vector<std::pair<std::string, Tensor>> state() const = 0;
  /// Restores state() output; throws naming the first missing or mismatched entry.
  virtual void load_state(const std::vector<std::pair<std::string, Tensor>>& state) = 0;

 protected:
  /// The gradient of params_[i] as a contiguous tensor, or undefined when it has none; checks
  /// that the parameter is contiguous (the update loops write it directly).
  Tensor grad_of(size_t i) const;
  /// A state tensor like params_[i], zero-filled.
  Tensor zeros_like_param(size_t i) const;
  static const Tensor* find_state(const std::vector<std::pair<std::string, Tensor>>& state, const std::string& key);

  std::vector<Tensor> params_;
  double lr_;
  std::string name_;
};

}  // namespace ember::optim
