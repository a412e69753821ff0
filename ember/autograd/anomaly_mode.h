// Anomaly detection, as libtorch's torch::autograd::AnomalyMode and DetectAnomalyGuard: while it
// is on, every op checks its output and the backward checks every gradient it computes for NaN
// and infinity, and the first one found throws AutogradError naming the op (for a gradient, the
// node and the forward op that created it). Off by default: the checks read every value.
//
//   { ember::autograd::DetectAnomalyGuard guard; loss = model(x); loss.backward(); }
//
// Unlike PyTorch's, which looks only at gradients and only for NaN, ember's mode also reports
// infinities and forward values, so an overflow is named where it happens; an op that yields
// -inf on purpose (log_softmax of a masked logit) is reported too. The mode is process-wide, as
// libtorch's is.
#pragma once

#include <string>

#include "ember/tensor/tensor.h"

namespace ember::autograd {

/// libtorch's signatures: check_nan = false keeps the mode on but checks nothing (libtorch then
/// only records forward stack traces, which ember has not).
class AnomalyMode {
 public:
  static bool is_enabled();
  static bool should_check_nan();
  static void set_enabled(bool enabled, bool check_nan = true);
};

/// Turns anomaly detection on for its scope and restores the previous setting after.
class DetectAnomalyGuard {
 public:
  explicit DetectAnomalyGuard(bool check_nan = true);
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool previous_enabled_, previous_check_nan_;
};

/// With the mode on and checking, throws AutogradError if the floating-point tensor t holds a NaN or an
/// infinity; `what` says whose value it is ("the output of Exp"). Does nothing when it is off.
void check_finite(const Tensor& t, const std::string& what);

}  // namespace ember::autograd
