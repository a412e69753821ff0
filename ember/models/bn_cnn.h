// The course's notebook-07 CNN: five stride-2 convolutions (5x5 first, then 3x3; no bias), each
// followed by ReLU and BatchNorm2d, in the course's order, then global average pooling and a
// linear head. One flat nn::Sequential, the same as its PyTorch twin (torch_models.bn_cnn).
//   auto net = models::bn_cnn(/*c_in=*/1, /*classes=*/10);   // channels 8-16-32-64-64
#pragma once

#include <vector>

#include "ember/nn/nn.h"

namespace ember::models {

nn::Sequential bn_cnn(int64_t c_in = 1, int64_t classes = 10, const std::vector<int64_t>& widths = {8, 16, 32, 64, 64});

}  // namespace ember::models
