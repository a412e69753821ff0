// Activation layers: stateless wrappers around nn::functional.
#pragma once

#include <optional>
#include <string>

#include "ember/nn/module.h"

namespace ember::nn {

class ReLUImpl : public Module {
 public:
  ReLUImpl() : Module("ReLU") {}
  Tensor forward(const Tensor& input) override;
};
EMBER_MODULE(ReLU);

/// The course's GeneralRelu: leaky slope, a shift down (relu(x) - 0.5 recentres activations)
/// and an optional maximum.
struct GeneralReLUOptions {
  GeneralReLUOptions& leak(double v) { leak_ = v; return *this; }
  GeneralReLUOptions& shift(double v) { shift_ = v; return *this; }
  GeneralReLUOptions& max_value(double v) { max_value_ = v; return *this; }
  std::optional<double> leak_;
  double shift_ = 0;
  std::optional<double> max_value_;
};

class GeneralReLUImpl : public Module {
 public:
  explicit GeneralReLUImpl(GeneralReLUOptions options = {}) : Module("GeneralReLU"), options(options) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  GeneralReLUOptions options;
};
EMBER_MODULE(GeneralReLU);

// Today's activations, with libtorch's option builders and PyTorch's printed form:
//   nn::GELU(nn::GELUOptions().approximate("tanh")), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2))
struct GELUOptions {
  GELUOptions& approximate(std::string v) { approximate_ = std::move(v); return *this; }
  std::string approximate_ = "none";
};
class GELUImpl : public Module {
 public:
  explicit GELUImpl(GELUOptions options = {}) : Module("GELU"), options(std::move(options)) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return "approximate='" + options.approximate_ + "'"; }
  GELUOptions options;
};
EMBER_MODULE(GELU);

struct LeakyReLUOptions {
  LeakyReLUOptions& negative_slope(double v) { negative_slope_ = v; return *this; }
  double negative_slope_ = 1e-2;
};
class LeakyReLUImpl : public Module {
 public:
  explicit LeakyReLUImpl(LeakyReLUOptions options = {}) : Module("LeakyReLU"), options(options) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  LeakyReLUOptions options;
};
EMBER_MODULE(LeakyReLU);

struct ELUOptions {
  ELUOptions& alpha(double v) { alpha_ = v; return *this; }
  double alpha_ = 1.0;
};
class ELUImpl : public Module {
 public:
  explicit ELUImpl(ELUOptions options = {}) : Module("ELU"), options(options) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  ELUOptions options;
};
EMBER_MODULE(ELU);

struct SoftplusOptions {
  SoftplusOptions& beta(double v) { beta_ = v; return *this; }
  SoftplusOptions& threshold(double v) { threshold_ = v; return *this; }
  double beta_ = 1.0, threshold_ = 20.0;
};
class SoftplusImpl : public Module {
 public:
  explicit SoftplusImpl(SoftplusOptions options = {}) : Module("Softplus"), options(options) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  SoftplusOptions options;
};
EMBER_MODULE(Softplus);

/// A layer without settings that applies `fn`: SiLU, Mish, Hardswish, LogSigmoid.
#define EMBER_ACTIVATION_MODULE(Name)                  \
  class Name##Impl : public Module {                   \
   public:                                             \
    Name##Impl() : Module(#Name) {}                    \
    Tensor forward(const Tensor& input) override;      \
  };                                                   \
  EMBER_MODULE(Name)
EMBER_ACTIVATION_MODULE(SiLU);
EMBER_ACTIVATION_MODULE(Mish);
EMBER_ACTIVATION_MODULE(Hardswish);
EMBER_ACTIVATION_MODULE(LogSigmoid);
#undef EMBER_ACTIVATION_MODULE

class SigmoidImpl : public Module {
 public:
  SigmoidImpl() : Module("Sigmoid") {}
  Tensor forward(const Tensor& input) override;
};
EMBER_MODULE(Sigmoid);

class TanhImpl : public Module {
 public:
  TanhImpl() : Module("Tanh") {}
  Tensor forward(const Tensor& input) override;
};
EMBER_MODULE(Tanh);

class SoftmaxImpl : public Module {
 public:
  explicit SoftmaxImpl(int64_t dim) : Module("Softmax"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return "dim=" + std::to_string(dim); }
  int64_t dim;
};
EMBER_MODULE(Softmax);

class LogSoftmaxImpl : public Module {
 public:
  explicit LogSoftmaxImpl(int64_t dim) : Module("LogSoftmax"), dim(dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return "dim=" + std::to_string(dim); }
  int64_t dim;
};
EMBER_MODULE(LogSoftmax);

/// Flattens dims start_dim..end_dim (by default all but the batch dim).
class FlattenImpl : public Module {
 public:
  explicit FlattenImpl(int64_t start_dim = 1, int64_t end_dim = -1) : Module("Flatten"), start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t start_dim, end_dim;
};
EMBER_MODULE(Flatten);

/// Splits dim into `sizes` (their product must be that dim's size): Unflatten(1, {1, 28, 28})
/// turns a batch of flat 784-pixel images into (N, 1, 28, 28) for a convolution.
class UnflattenImpl : public Module {
 public:
  UnflattenImpl(int64_t dim, Shape sizes) : Module("Unflatten"), dim(dim), sizes(std::move(sizes)) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t dim;
  Shape sizes;
};
EMBER_MODULE(Unflatten);

}  // namespace ember::nn
