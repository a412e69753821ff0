// Grad mode: whether ops record history. Off inside NoGradGuard (optimiser updates, evaluation)
// and while backward() runs. Per thread, as in PyTorch.
#pragma once

namespace ember {

bool is_grad_enabled();
void set_grad_enabled(bool enabled);

/// Sets grad mode for its scope and restores the previous one (libtorch's AutoGradMode).
class AutoGradMode {
 public:
  explicit AutoGradMode(bool enabled) : previous_(is_grad_enabled()) { set_grad_enabled(enabled); }
  ~AutoGradMode() { set_grad_enabled(previous_); }
  AutoGradMode(const AutoGradMode&) = delete;
  AutoGradMode& operator=(const AutoGradMode&) = delete;

 private:
  bool previous_;
};

/// Disables recording for its scope: `{ ember::NoGradGuard guard; w -= lr * w.grad(); }`
class NoGradGuard : public AutoGradMode {
 public:
  NoGradGuard() : AutoGradMode(false) {}
};

}  // namespace ember
