#include "ember/autograd/anomaly_mode.h"

#include <atomic>
#include <cmath>

namespace ember::autograd {

namespace {
std::atomic<bool> g_enabled{false}, g_check_nan{true};
}

bool AnomalyMode::is_enabled() { return g_enabled.load(std::memory_order_relaxed); }
bool AnomalyMode::should_check_nan() { return g_check_nan.load(std::memory_order_relaxed); }
void AnomalyMode::set_enabled(bool enabled, bool check_nan) {
  g_enabled.store(enabled, std::memory_order_relaxed);
  g_check_nan.store(check_nan, std::memory_order_relaxed);
}

DetectAnomalyGuard::DetectAnomalyGuard(bool check_nan)
    : previous_enabled_(AnomalyMode::is_enabled()), previous_check_nan_(AnomalyMode::should_check_nan()) {
  AnomalyMode::set_enabled(true, check_nan);
}
DetectAnomalyGuard::~DetectAnomalyGuard() { AnomalyMode::set_enabled(previous_enabled_, previous_check_nan_); }

void check_finite(const Tensor& t, const std::string& what) {
  if (!AnomalyMode::is_enabled() || !AnomalyMode::should_check_nan() || !t.defined() || !t.is_floating_point()) return;
  const Tensor c = t.detach().contiguous();
  dispatch_with_16bit(c.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = static_cast<const T*>(c.data_ptr());
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      if (!std::isfinite(static_cast<double>(p[i])))
        throw AutogradError(detail::str("[anomaly] ", what, " holds ", std::isnan(static_cast<double>(p[i])) ? "nan" : static_cast<double>(p[i]) > 0 ? "inf" : "-inf",
                                        " at flat index ", i, " of shape ",
                                        shape_str(c.sizes()), " (found by DetectAnomalyGuard)"));
  });
}

}  // namespace ember::autograd
