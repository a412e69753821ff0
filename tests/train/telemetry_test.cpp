// The course's tools for looking inside a network while it trains (notebooks 06 and 07a):
// activation histograms per layer and batch, the "dead activations" share, the telemetry
// picture, and LSUV initialisation.
#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "support/tensor_expect.h"
#include "image.h"
#include "telemetry.h"

namespace ember {
namespace {

nn::Sequential small_cnn() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 4, 3).padding(1)), nn::ReLU(),
                        nn::Conv2d(nn::Conv2dOptions(4, 8, 3).stride(2).padding(1)), nn::ReLU(),
                        nn::AdaptiveAvgPool2d(1), nn::Flatten(), nn::Linear(8, 3));
}

TEST(Histc, CountsBinsAsPyTorchAtTheEdges) {
  // [0, 4] in 4 bins: 4 (max) goes into the last bin; -1, 5 and NaN are not counted.
  const Tensor h = histc(tensor({0.0, 0.5, 1.0, 3.9, 4.0, -1.0, 5.0, NAN}), 4, 0, 4);
  EXPECT_TENSOR_EQ(h, tensor({2.0, 1.0, 0.0, 2.0}));
  EXPECT_THROW_MSG(histc(ones({2}), 0), ValueError, "[histc] bins must be positive; got 0");
  EXPECT_THROW_MSG(histc(ones({2}, kInt64)), TypeError, "[histc] needs a floating-point tensor; got int64");
  EXPECT_TENSOR_EQ(histc(full({3}, 2.0), 2), tensor({0.0, 3.0}));  // one value: [1, 3]
}

TEST(ActivationStats, RecordsAHistogramPerLayerAndTrainingBatch) {
  nn::Sequential model = small_cnn();
  train::ActivationStats stats(*model, {10, 0, 2});
  model(randn({4, 1, 6, 6}));
  model(randn({4, 1, 6, 6}));
  model->eval();
  model(randn({4, 1, 6, 6}));  // eval batches are not recorded
  ASSERT_EQ(stats.histograms(1).size(), 2u);
  const Tensor& h = stats.histograms(1)[0];
  EXPECT_EQ(h.sizes(), (Shape{10}));
  // A ReLU's output: about half the values are exact zeros, all in the lowest bin.
  EXPECT_GT(stats.low_fraction(1, 0, 1), 0.2);
  EXPECT_LE(h.sum().item<double>(), 4 * 4 * 36);
  EXPECT_THROW_MSG(stats.low_fraction(1, 2), IndexError, "[ActivationStats] no histogram for layer 1, batch 2");
  EXPECT_THROW_MSG(train::ActivationStats(*model, {0, 0, 1}), ValueError, "[ActivationStats] needs bins > 0");
}

TEST(ActivationStats, TelemetryPictureIsAPngPerLayer) {
  testing::TempDir dir;
  nn::Sequential model = small_cnn();
  train::ActivationStats stats(*model);
  EXPECT_THROW_MSG(cli::plot_activation_histograms(stats, dir.file("none.png")), ValueError,
                   "[telemetry] no training batch was recorded");
  for (int i = 0; i < 5; ++i) model(randn({2, 1, 8, 8}));
  const std::string png = dir.file("telemetry.png");
  cli::plot_activation_histograms(stats, png);
  const data::Image image = data::read_image(png);
  EXPECT_EQ(image.width, 720);
  EXPECT_GT(image.height, 4 * 160);  // 7 layers in two columns: 4 rows of panels
}

TEST(Lsuv, LeavesEveryTargetWithUnitScaleOutputs) {
  manual_seed(5);
  nn::Sequential model = small_cnn();
  const Tensor batch = randn({16, 1, 8, 8}) * 3 + 2;
  const auto targets = train::lsuv_targets(*model);
  ASSERT_EQ(targets.size(), 2u);  // the two convolutions; not the classifier
  EXPECT_EQ(targets[1].name, "2");
  const auto steps = train::lsuv_init(*model, batch);
  ASSERT_EQ(steps.size(), 2u);
  for (const auto& s : steps) {
    SCOPED_TRACE(s.name);
    EXPECT_GT(std::abs(s.std_before - 1), 1e-3);  // there was something to fix
    EXPECT_NEAR(s.mean_after, 0, 1e-3);
    EXPECT_NEAR(s.std_after, 1, 1e-3);
  }
  // Measured afresh: the first convolution's output is centred and unit-scale.
  NoGradGuard no_grad;
  const Tensor first = model->at<nn::Conv2dImpl>(0).forward(batch);
  EXPECT_NEAR(first.mean().item<double>(), 0, 1e-3);
  EXPECT_NEAR(first.std().item<double>(), 1, 1e-3);
}

}  // namespace
}  // namespace ember
