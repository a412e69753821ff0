// Gradient clipping, as torch.nn.utils (libtorch's torch::nn::utils):
//   double norm = nn::utils::clip_grad_norm_(model->parameters(), /*max_norm=*/1.0);
// clip_grad_norm_ scales every gradient by max_norm / (total norm + 1e-6) when the total norm
// (of all gradients taken together as one vector; norm_type 2, 1, any p, or INFINITY for the
// largest magnitude) exceeds max_norm, and returns the total norm before clipping.
// clip_grad_value_ clamps every gradient element into [-clip_value, clip_value]. Parameters
// without a gradient are skipped.
#pragma once

#include <vector>

#include "ember/tensor/tensor.h"

namespace ember::nn::utils {

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);
double clip_grad_norm_(const Tensor& parameter, double max_norm, double norm_type = 2.0, bool error_if_nonfinite = false);

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);
void clip_grad_value_(const Tensor& parameter, double clip_value);

}  // namespace ember::nn::utils
