#include "ember/ops/autocast.h"

namespace ember::autocast {

namespace {
// Per thread, as PyTorch's: the data loader's thread never sees the training thread's autocast.
thread_local bool enabled = false;
thread_local ScalarType dtype = kBFloat16;
}  // namespace

bool is_cpu_enabled() { return enabled; }
void set_cpu_enabled(bool on) { enabled = on; }
ScalarType get_autocast_cpu_dtype() { return dtype; }

void set_autocast_cpu_dtype(ScalarType t) {
  EMBER_CHECK(is_reduced_float(t), ValueError, "[autocast] the autocast dtype must be kBFloat16 or kHalf; got ",
              dtype_name(t));
  dtype = t;
}

AutocastGuard::AutocastGuard(ScalarType t, bool on) : previous_enabled_(enabled), previous_dtype_(dtype) {
  set_autocast_cpu_dtype(t);
  enabled = on;
}

AutocastGuard::~AutocastGuard() {
  enabled = previous_enabled_;
  dtype = previous_dtype_;
}

}  // namespace ember::autocast

namespace ember::detail {

Tensor autocast_lower(const Tensor& t) {
  return autocast::is_cpu_enabled() && t.defined() && t.dtype() == kFloat32 ? t.to(autocast::get_autocast_cpu_dtype())
                                                                            : t;
}

bool autocast_wants_float32(const Tensor& t) {
  return autocast::is_cpu_enabled() && t.defined() && is_reduced_float(t.dtype());
}

Tensor autocast_float32(const Tensor& t) { return autocast_wants_float32(t) ? t.to(kFloat32) : t; }

}  // namespace ember::detail
