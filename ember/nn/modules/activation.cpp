#include "ember/nn/modules/activation.h"

#include <sstream>

#include "ember/nn/functional.h"

namespace ember::nn {

Tensor ReLUImpl::forward(const Tensor& x) { return functional::relu(x); }
Tensor GeneralReLUImpl::forward(const Tensor& x) {
  return functional::general_relu(x, options.leak_, options.shift_, options.max_value_);
}
std::string GeneralReLUImpl::extra_repr() const {
  std::ostringstream s;
  s << "leak=" << (options.leak_ ? std::to_string(*options.leak_) : "None") << ", shift=" << options.shift_
    << ", max_value=" << (options.max_value_ ? std::to_string(*options.max_value_) : "None");
  return s.str();
}
Tensor SigmoidImpl::forward(const Tensor& x) { return functional::sigmoid(x); }

namespace {
// A double as Python prints a float: 0.01, 1.0, 0.2.
std::string python_float(double v) {
  std::ostringstream s;
  s << v;
  const std::string text = s.str();
  return text.find_first_of(".e") == std::string::npos ? text + ".0" : text;
}
}  // namespace

Tensor GELUImpl::forward(const Tensor& x) { return functional::gelu(x, options.approximate_); }
Tensor LeakyReLUImpl::forward(const Tensor& x) { return functional::leaky_relu(x, options.negative_slope_); }
std::string LeakyReLUImpl::extra_repr() const { return "negative_slope=" + python_float(options.negative_slope_); }
Tensor ELUImpl::forward(const Tensor& x) { return functional::elu(x, options.alpha_); }
std::string ELUImpl::extra_repr() const { return "alpha=" + python_float(options.alpha_); }
Tensor SoftplusImpl::forward(const Tensor& x) { return functional::softplus(x, options.beta_, options.threshold_); }
std::string SoftplusImpl::extra_repr() const {
  std::ostringstream s;  // PyTorch's defaults are the ints 1 and 20, printed as such
  s << "beta=" << options.beta_ << ", threshold=" << options.threshold_;
  return s.str();
}
Tensor SiLUImpl::forward(const Tensor& x) { return functional::silu(x); }
Tensor MishImpl::forward(const Tensor& x) { return functional::mish(x); }
Tensor HardswishImpl::forward(const Tensor& x) { return functional::hardswish(x); }
Tensor LogSigmoidImpl::forward(const Tensor& x) { return functional::logsigmoid(x); }
Tensor TanhImpl::forward(const Tensor& x) { return functional::tanh(x); }
Tensor SoftmaxImpl::forward(const Tensor& x) { return functional::softmax(x, dim); }
Tensor LogSoftmaxImpl::forward(const Tensor& x) { return functional::log_softmax(x, dim); }
Tensor FlattenImpl::forward(const Tensor& x) { return x.flatten(start_dim, end_dim); }
std::string FlattenImpl::extra_repr() const {
  return "start_dim=" + std::to_string(start_dim) + ", end_dim=" + std::to_string(end_dim);
}

Tensor UnflattenImpl::forward(const Tensor& x) {
  const int64_t d = wrap_dim(dim, x.dim(), "Unflatten");
  EMBER_CHECK(numel(sizes) == x.size(d), ShapeError, "[Unflatten] cannot split dim ", dim, " of ", shape_str(x.sizes()),
              " (size ", x.size(d), ") into ", shape_str(sizes));
  Shape shape(x.sizes().begin(), x.sizes().begin() + d);
  shape.insert(shape.end(), sizes.begin(), sizes.end());
  shape.insert(shape.end(), x.sizes().begin() + d + 1, x.sizes().end());
  return x.reshape(shape);
}
std::string UnflattenImpl::extra_repr() const { return "dim=" + std::to_string(dim) + ", unflattened_size=" + shape_str(sizes); }

}  // namespace ember::nn
