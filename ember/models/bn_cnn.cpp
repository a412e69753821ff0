#include "ember/models/bn_cnn.h"

#include "ember/models/conv.h"

namespace ember::models {

nn::Sequential bn_cnn(int64_t c_in, int64_t classes, const std::vector<int64_t>& widths) {
  EMBER_CHECK(c_in > 0 && classes > 0 && !widths.empty(), ValueError, "[bn_cnn] c_in, classes and widths must be given");
  nn::Sequential net;
  int64_t ni = c_in;
  for (size_t i = 0; i < widths.size(); ++i) {
    const int64_t ks = i == 0 ? 5 : 3;
    net->push_back(conv_before_norm(ni, widths[i], ks, 2));
    net->push_back(nn::ReLU());
    net->push_back(nn::BatchNorm2d(widths[i]));
    ni = widths[i];
  }
  net->push_back(nn::AdaptiveAvgPool2d(1));
  net->push_back(nn::Flatten());
  net->push_back(nn::Linear(ni, classes));
  return net;
}

}  // namespace ember::models
