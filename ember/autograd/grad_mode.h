// Grad mode: whether ops record history. Off inside NoGradGuard (optimiser updates, evaluation)
// and while backward() runs. Per thread, as in PyTorch.
#pragma once

namespace ember {

bool is_grad_enabled();
void set_grad_enabled(bool enabled);

/// Disables recording for its scope: `{ ember::NoGradGuard guard; w -= lr * w.grad(); }`
class NoGradGuard {
 public:
  NoGradGuard() : previous_(is_grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace ember
