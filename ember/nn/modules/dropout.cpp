#include "ember/nn/modules/dropout.h"

#include <sstream>

#include "ember/nn/functional.h"

namespace ember::nn {
namespace {

double checked_probability(const char* layer, double p) {
  EMBER_CHECK(p >= 0 && p <= 1, ValueError, "[", layer, "] probability must be in [0, 1]; got ", p);
  return p;
}

std::string probability_repr(double p) {
  std::ostringstream s;
  s << "p=" << p << ", inplace=False";
  return s.str();
}

}  // namespace

DropoutImpl::DropoutImpl(double p) : Module("Dropout"), p(checked_probability("Dropout", p)) {}
Tensor DropoutImpl::forward(const Tensor& x) { return functional::dropout(x, p, is_training()); }
std::string DropoutImpl::extra_repr() const { return probability_repr(p); }

Dropout2dImpl::Dropout2dImpl(double p) : Module("Dropout2d"), p(checked_probability("Dropout2d", p)) {}
Tensor Dropout2dImpl::forward(const Tensor& x) { return functional::dropout2d(x, p, is_training()); }
std::string Dropout2dImpl::extra_repr() const { return probability_repr(p); }

}  // namespace ember::nn
