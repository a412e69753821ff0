// Every activation here is one `pointwise` op: a value function f and its derivative df, both
// written once as generic lambdas for float and double. Forward: out = f(x); backward: g * df(x).
#include "ember/ops/activation.h"

#include <algorithm>
#include <cmath>

#include "ember/ops/op_helpers.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;

namespace {

// gelu's tanh approximation: sqrt(2 / pi) and the cubic's coefficient.
constexpr double kGeluBeta = M_SQRT2 * M_2_SQRTPI * 0.5, kGeluKappa = 0.044715;

template <class F, class DF>
Tensor pointwise(const Tensor& a, const char* name, F f, DF df) {
  const Tensor x = a.is_floating_point() ? a : a.to(kDefaultFloat);
  Tensor out = detail::float_map(x, f);
  const SavedTensor saved_x(x);
  return autograd::record(out, name, {x}, [saved_x, df](const Tensor& g, const Needs&) {
    const Tensor& xs = saved_x.unpack();
    const Tensor grad = g.dtype() == xs.dtype() ? g : g.to(xs.dtype());
    return std::vector<Tensor>{detail::float_map2(grad, xs, [df](auto gv, auto v) { return gv * df(v); })};
  });
}

template <class T>
T sigmoid_of(T v) {
  return T(1) / (T(1) + std::exp(-v));
}

// log(1 + e^v) without overflow for large v.
template <class T>
T softplus_of(T v) {
  return std::max(v, T(0)) + std::log1p(std::exp(-std::abs(v)));
}

}  // namespace

Tensor gelu(const Tensor& x, std::string_view approximate) {
  if (approximate == "none") {
    return pointwise(
        x, "GeluBackward", [](auto v) { return v * 0.5 * (1 + std::erf(v * M_SQRT1_2)); },
        [](auto v) {
          using T = decltype(v);
          const T cdf = T(0.5) * (T(1) + std::erf(v * T(M_SQRT1_2)));
          const T pdf = std::exp(T(-0.5) * v * v) * T(0.5 * M_2_SQRTPI * M_SQRT1_2);
          return cdf + v * pdf;
        });
  }
  EMBER_CHECK(approximate == "tanh", ValueError, "[gelu] approximate must be 'none' or 'tanh'; got '",
              std::string(approximate), "'");
  return pointwise(
      x, "GeluBackward", [](auto v) { return 0.5 * v * (1 + std::tanh(kGeluBeta * (v + kGeluKappa * v * v * v))); },
      [](auto v) {
        using T = decltype(v);
        const T t = std::tanh(T(kGeluBeta) * (v + T(kGeluKappa) * v * v * v));
        return T(0.5) * (T(1) + t) + T(0.5) * v * (T(1) - t * t) * T(kGeluBeta) * (T(1) + T(3 * kGeluKappa) * v * v);
      });
}

Tensor silu(const Tensor& x) {
  return pointwise(
      x, "SiluBackward", [](auto v) { return v * sigmoid_of(v); },
      [](auto v) {
        const auto s = sigmoid_of(v);
        return s * (1 + v * (1 - s));
      });
}

Tensor leaky_relu(const Tensor& x, const Scalar& negative_slope) {
  const double slope = negative_slope.to_double();
  return pointwise(
      x, "LeakyReluBackward", [slope](auto v) { return v > 0 ? v : static_cast<decltype(v)>(v * slope); },
      [slope](auto v) { return static_cast<decltype(v)>(v > 0 ? 1 : slope); });
}

Tensor elu(const Tensor& x, const Scalar& alpha_, const Scalar& scale_, const Scalar& input_scale_) {
  const double alpha = alpha_.to_double(), scale = scale_.to_double(), input_scale = input_scale_.to_double();
  return pointwise(
      x, "EluBackward",
      [=](auto v) {
        using T = decltype(v);
        return v > 0 ? static_cast<T>(scale * v) : static_cast<T>(scale * alpha * std::expm1(input_scale * v));
      },
      [=](auto v) {
        using T = decltype(v);
        return v > 0 ? static_cast<T>(scale) : static_cast<T>(scale * alpha * input_scale * std::exp(input_scale * v));
      });
}

Tensor softplus(const Tensor& x, const Scalar& beta_, const Scalar& threshold_) {
  const double beta = beta_.to_double(), threshold = threshold_.to_double();
  return pointwise(
      x, "SoftplusBackward",
      [=](auto v) {
        using T = decltype(v);
        return v * beta > threshold ? v : static_cast<T>(std::log1p(std::exp(v * beta)) / beta);
      },
      [=](auto v) {
        using T = decltype(v);
        return v * beta > threshold ? T(1) : static_cast<T>(sigmoid_of(v * beta));
      });
}

Tensor mish(const Tensor& x) {
  return pointwise(
      x, "MishBackward", [](auto v) { return v * std::tanh(softplus_of(v)); },
      [](auto v) {
        const auto t = std::tanh(softplus_of(v));
        return t + v * sigmoid_of(v) * (1 - t * t);
      });
}

Tensor hardswish(const Tensor& x) {
  return pointwise(
      x, "HardswishBackward",
      [](auto v) {
        using T = decltype(v);
        return v * std::min(std::max(v + T(3), T(0)), T(6)) / T(6);
      },
      [](auto v) {
        using T = decltype(v);
        return v < T(-3) ? T(0) : v <= T(3) ? v / T(3) + T(0.5) : T(1);  // PyTorch's choice at the kinks
      });
}

Tensor log_sigmoid(const Tensor& x) {
  return pointwise(
      x, "LogSigmoidBackward", [](auto v) { return -softplus_of(-v); },
      [](auto v) { return sigmoid_of(-v); });
}

}  // namespace ember
