// gradcheck: compares the gradients autograd computes with central finite differences, in
// float64, element by element of the full Jacobian, and says which input, element and output
// disagree. The check behind every differentiable op's tests; public so users can check their
// own functions:
//   auto r = ember::autograd::gradcheck([](const auto& x) { return (x[0] * x[1]).sum(); }, {a, b});
//   if (!r.ok) std::cerr << r.message;
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::autograd {

struct GradcheckOptions {
  double eps = 1e-6;   // finite-difference step
  double atol = 1e-5;  // |analytic - numeric| <= atol + rtol * |numeric|
  double rtol = 1e-3;
};

struct GradcheckResult {
  bool ok = true;
  std::string message;  // empty when ok; else the first disagreement, with both values
  explicit operator bool() const { return ok; }
};

/// Inputs that require grad are checked; they must be float64 and must not overlap in memory
/// (no expanded dims). Their .grad is restored afterwards.
GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, const GradcheckOptions& options = {});

}  // namespace ember::autograd
