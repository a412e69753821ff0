// Weight initialisation, as torch.nn.init: each fills a tensor in place (without recording
// history) and returns it. fan_in / fan_out follow PyTorch: for a weight of shape
// (out, in, k...) fan_in = in * prod(k), fan_out = out * prod(k).
#pragma once

#include <string>

#include "ember/tensor/tensor.h"

namespace ember::nn::init {

enum class FanMode { FanIn, FanOut };
enum class Nonlinearity { Linear, Sigmoid, Tanh, ReLU, LeakyReLU };

/// The gain that keeps activations' variance stable through the nonlinearity:
/// 1 (linear, sigmoid), 5/3 (tanh), sqrt(2) (relu), sqrt(2 / (1 + a^2)) (leaky relu, slope a).
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight of at least 2 dims.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t);

Tensor& uniform_(Tensor& t, double a = 0, double b = 1);
Tensor& normal_(Tensor& t, double mean = 0, double std = 1);
Tensor& constant_(Tensor& t, double value);
Tensor& zeros_(Tensor& t);
Tensor& ones_(Tensor& t);
/// He et al. (2015): std = gain / sqrt(fan); the course's fix for deep ReLU networks.
Tensor& kaiming_normal_(Tensor& t, double a = 0, FanMode mode = FanMode::FanIn,
                        Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);
Tensor& kaiming_uniform_(Tensor& t, double a = 0, FanMode mode = FanMode::FanIn,
                         Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);
/// Glorot & Bengio (2010): std = gain * sqrt(2 / (fan_in + fan_out)).
Tensor& xavier_normal_(Tensor& t, double gain = 1);
Tensor& xavier_uniform_(Tensor& t, double gain = 1);

}  // namespace ember::nn::init
