// RMSprop, as torch.optim.RMSprop:
//   g = grad + weight_decay * p
//   sq = alpha * sq + (1 - alpha) * g^2;   avg = sqrt(sq) + eps   (centered: sqrt(sq - mean(g)^2) + eps)
//   momentum > 0: buf = momentum * buf + g / avg;  p -= lr * buf;   else p -= lr * g / avg
#pragma once

#include "ember/optim/optimizer.h"

namespace ember::optim {

struct RMSpropOptions {
  explicit RMSpropOptions(double lr = 0.01) : lr_(lr) {}
  RMSpropOptions& alpha(double v) { alpha_ = v; return *this; }
  RMSpropOptions& eps(double v) { eps_ = v; return *this; }
  RMSpropOptions& weight_decay(double v) { weight_decay_ = v; return *this; }
  RMSpropOptions& momentum(double v) { momentum_ = v; return *this; }
  RMSpropOptions& centered(bool v) { centered_ = v; return *this; }
  double lr_, alpha_ = 0.99, eps_ = 1e-8, weight_decay_ = 0, momentum_ = 0;
  bool centered_ = false;
};

class RMSprop : public Optimizer {
 public:
  RMSprop(std::vector<Tensor> params, RMSpropOptions options);
  void step() override;
  std::optional<double> momentum() const override { return options_.momentum_; }
  void set_momentum(double m) override { options_.momentum_ = m; }
  std::vector<std::pair<std::string, Tensor>> state() const override;
  void load_state(const std::vector<std::pair<std::string, Tensor>>& state) override;

 private:
  RMSpropOptions options_;
  std::vector<Tensor> square_avg_, grad_avg_, momentum_buffer_;
};

}  // namespace ember::optim
