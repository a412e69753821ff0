#include "ember/nn/modules/linear.h"

#include <cmath>

#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "ember/ops/creation.h"

namespace ember::nn {

LinearImpl::LinearImpl(const LinearOptions& opts) : Module("Linear"), options(opts) {
  EMBER_CHECK(opts.in_features_ > 0 && opts.out_features_ > 0, ValueError,
              "[Linear] in_features and out_features must be positive; got ", opts.in_features_, " and ",
              opts.out_features_);
  weight = register_parameter("weight", empty({opts.out_features_, opts.in_features_}));
  if (opts.bias_) bias = register_parameter("bias", empty({opts.out_features_}));
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const double bound = 1 / std::sqrt(static_cast<double>(options.in_features_));
    init::uniform_(bias, -bound, bound);
  }
}

Tensor LinearImpl::forward(const Tensor& input) { return functional::linear(input, weight, bias); }

std::string LinearImpl::extra_repr() const {
  return "in_features=" + std::to_string(options.in_features_) + ", out_features=" +
         std::to_string(options.out_features_) + ", bias=" + (options.bias_ ? "True" : "False");
}

}  // namespace ember::nn
