// Activation layers: stateless wrappers around nn::functional.
#pragma once

#include <optional>

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

/// Zeroes elements with probability p while training; the identity in eval().
class DropoutImpl : public Module {
 public:
  explicit DropoutImpl(double p = 0.5);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  double p;
};
EMBER_MODULE(Dropout);

}  // namespace ember::nn
