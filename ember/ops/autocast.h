// Autocast, as torch.autocast("cpu"): while it is on (on this thread), the products (matmul, mm,
// bmm, linear) run in a 16-bit dtype (bfloat16 by default) on float32 operands, and the ops that
// need float32's range and precision (softmax, log_softmax, the losses, normalisation) run in
// float32 on 16-bit operands; everything else follows its inputs' dtypes. Parameters stay float32:
// the casts are ordinary differentiable to() calls, so float32 parameters get float32 gradients.
//
//   {
//     ember::autocast::AutocastGuard autocast;   // kBFloat16
//     auto loss = ember::cross_entropy_loss(model->forward(x), y);   // float32
//     loss.backward();
//   }
//
// The names are libtorch's (at::autocast::set_cpu_enabled, is_cpu_enabled, set_autocast_cpu_dtype,
// get_autocast_cpu_dtype); AutocastGuard is ember's RAII form of them. conv2d has no 16-bit kernel
// yet: under autocast it runs in float32.
#pragma once

#include "ember/tensor/tensor.h"

namespace ember::autocast {

bool is_cpu_enabled();
void set_cpu_enabled(bool enabled);
/// The dtype the products run in under autocast: kBFloat16 (default) or kHalf.
ScalarType get_autocast_cpu_dtype();
/// Throws ValueError for anything but kBFloat16 or kHalf.
void set_autocast_cpu_dtype(ScalarType dtype);

/// Turns autocast on (or off, with enabled = false) for its scope, and restores the previous
/// state and dtype when it ends.
class AutocastGuard {
 public:
  explicit AutocastGuard(ScalarType dtype = kBFloat16, bool enabled = true);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool previous_enabled_;
  ScalarType previous_dtype_;
};

}  // namespace ember::autocast

namespace ember::detail {
/// For a product's operand: under autocast, a float32 t cast (differentiably) to the autocast dtype.
Tensor autocast_lower(const Tensor& t);
/// For a float32 op's operand: under autocast, a 16-bit t cast (differentiably) to float32.
Tensor autocast_float32(const Tensor& t);
/// Whether a float32 op must cast its operand t first: autocast is on and t is 16-bit. Such an op
/// begins `if (detail::autocast_wants_float32(x)) return op(detail::autocast_float32(x), ...);`.
bool autocast_wants_float32(const Tensor& t);
}  // namespace ember::detail
