// The layers around the ops checked against PyTorch in torch_reference_test.cpp: LayerNorm,
// GroupNorm, InstanceNorm2d (its running statistics by PyTorch's rule), the course's
// RunningBatchNorm (against its rule written out), grouped Conv2d, adaptive pooling, the concat
// head, Identity, Dropout2d and Embedding; their state names, PyTorch 1.13's printed forms and
// bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "support/tensor_expect.h"

namespace ember {
namespace {

std::string printed(const nn::Module& m) {
  std::ostringstream s;
  s << m;
  return s.str();
}

TEST(Layers, PrintLikePyTorch) {
  // Each string is PyTorch 1.13's print() of the same layer.
  EXPECT_EQ(printed(*nn::LayerNorm(std::vector<int64_t>{10})), "LayerNorm((10,), eps=1e-05, elementwise_affine=True)");
  EXPECT_EQ(printed(*nn::LayerNorm(nn::LayerNormOptions({4, 5}))), "LayerNorm((4, 5), eps=1e-05, elementwise_affine=True)");
  EXPECT_EQ(printed(*nn::GroupNorm(2, 4)), "GroupNorm(2, 4, eps=1e-05, affine=True)");
  EXPECT_EQ(printed(*nn::InstanceNorm2d(3)),
            "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
  EXPECT_EQ(printed(*nn::Conv2d(nn::Conv2dOptions(4, 4, 3).groups(2).bias(false))),
            "Conv2d(4, 4, kernel_size=(3, 3), stride=(1, 1), groups=2, bias=False)");
  EXPECT_EQ(printed(*nn::AdaptiveAvgPool2d(1)), "AdaptiveAvgPool2d(output_size=1)");
  EXPECT_EQ(printed(*nn::AdaptiveMaxPool2d(nn::AdaptiveMaxPool2dOptions({2, 3}))), "AdaptiveMaxPool2d(output_size=(2, 3))");
  EXPECT_EQ(printed(*nn::Identity()), "Identity()");
  EXPECT_EQ(printed(*nn::Dropout()), "Dropout(p=0.5, inplace=False)");
  EXPECT_EQ(printed(*nn::Dropout2d(0.2)), "Dropout2d(p=0.2, inplace=False)");
  EXPECT_EQ(printed(*nn::Embedding(10, 3)), "Embedding(10, 3)");
  EXPECT_EQ(printed(*nn::Embedding(nn::EmbeddingOptions(10, 3).padding_idx(0))), "Embedding(10, 3, padding_idx=0)");
  EXPECT_EQ(printed(*nn::AdaptiveConcatPool2d()),
            "AdaptiveConcatPool2d(\n  (mp): AdaptiveMaxPool2d(output_size=1)\n  (ap): AdaptiveAvgPool2d(output_size=1)\n)");
}

TEST(Layers, NormalisationLayersCallTheirFunctionsWithTheirState) {
  const Tensor x = randn({2, 4, 3, 3});
  nn::LayerNorm ln(nn::LayerNormOptions({3, 3}).eps(1e-3));
  EXPECT_EQ(ln->weight.sizes(), (Shape{3, 3}));
  EXPECT_TENSOR_NEAR(ln(x), layer_norm(x, {3, 3}, {}, {}, 1e-3), 1e-6, 1e-6);
  EXPECT_EQ(nn::LayerNorm(nn::LayerNormOptions({3}).elementwise_affine(false))->parameters().size(), 0u);
  nn::GroupNorm gn(2, 4);
  EXPECT_TENSOR_NEAR(gn(x), group_norm(x, 2), 1e-6, 1e-6);
  // One group is a layer norm over (C, H, W); as many groups as channels, an instance norm.
  EXPECT_TENSOR_NEAR(group_norm(x, 1), layer_norm(x, {4, 3, 3}), 1e-5, 1e-5);
  EXPECT_TENSOR_NEAR(group_norm(x, 4), instance_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5), 1e-5, 1e-5);
  // Unbatched (C, H, W) input is normalised as a batch of one.
  nn::InstanceNorm2d in(nn::InstanceNorm2dOptions(4).affine(true));
  EXPECT_EQ(in->named_parameters().size(), 2u);
  EXPECT_TENSOR_NEAR(in(x[1]), in(x)[1], 1e-6, 1e-6);
}

TEST(Layers, InstanceNormRunningStatisticsFollowPyTorchsRule) {
  nn::InstanceNorm2d in(nn::InstanceNorm2dOptions(3).track_running_stats(true).momentum(0.2));
  std::vector<std::string> names;
  for (const auto& [name, t] : in->named_buffers()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"running_mean", "running_var", "num_batches_tracked"}));
  const Tensor x = randn({4, 3, 5, 5}) * 2 + 1;
  in(x);
  // PyTorch: the per-image means and unbiased variances, averaged over the batch, blended in.
  const Tensor mean = x.mean({2, 3}).mean({0}), var = x.var({2, 3}, true).mean({0});
  EXPECT_TENSOR_NEAR(in->running_mean, mean * 0.2, 1e-5, 1e-6);
  EXPECT_TENSOR_NEAR(in->running_var, var * 0.2 + 0.8, 1e-5, 1e-6);
  // Eval uses them.
  in->eval();
  const Tensor y = randn({2, 3, 5, 5});
  EXPECT_TENSOR_NEAR(in(y), batch_norm(y, {}, {}, in->running_mean, in->running_var, false, 0.1, 1e-5), 1e-5, 1e-6);
}

TEST(Layers, RunningBatchNormFollowsTheCoursesRule) {
  nn::RunningBatchNorm rbn(3, /*momentum=*/0.1);
  EXPECT_EQ(rbn->named_parameters()[0].first, "mults");
  EXPECT_EQ(rbn->named_buffers().size(), 4u);
  // The course's update written out in float64 for two batches of 5, then the output.
  double sums[3] = {}, sqrs[3] = {}, count = 0;
  Tensor y;
  Tensor last;
  for (int step = 0; step < 2; ++step) {
    const Tensor x = randn({5, 3, 2, 2}) + step;
    y = rbn(x);
    last = x.to(kFloat64);
    const double mom1 = 1 - 0.9 / std::sqrt(4.0);
    for (int c = 0; c < 3; ++c) {
      const Tensor xc = last.select(1, c);
      sums[c] += (xc.sum().item<double>() - sums[c]) * mom1;
      sqrs[c] += ((xc * xc).sum().item<double>() - sqrs[c]) * mom1;
    }
    count += (20.0 - count) * mom1;
  }
  for (int c = 0; c < 3; ++c) {
    const double mean = sums[c] / count;
    const double var = std::max(sqrs[c] / count - mean * mean, 0.01);  // 10 images seen: < 20, so clamped
    const Tensor want = (last.select(1, c) - mean) / std::sqrt(var + 1e-5);
    EXPECT_TENSOR_NEAR(y.select(1, c), want, 1e-4, 1e-5) << "channel " << c;
  }
  EXPECT_EQ(rbn->batch.item<int64_t>(), 10);
  // The gradient reaches mults, adds and the input; eval keeps the statistics.
  y.sum().backward();
  EXPECT_TRUE(rbn->mults.grad().defined());
  rbn->eval();
  const Tensor before = rbn->sums.clone();
  rbn(randn({1, 3, 2, 2}));
  EXPECT_TENSOR_EQ(rbn->sums, before);
}

TEST(Layers, AdaptiveConcatPoolPutsTheMaxFirst) {
  const Tensor x = randn({2, 3, 5, 4});
  const Tensor y = nn::AdaptiveConcatPool2d()(x);
  EXPECT_EQ(y.sizes(), (Shape{2, 6, 1, 1}));
  EXPECT_TENSOR_NEAR(y.slice(1, 0, 3), x.amax({2, 3}, true), 0, 0);
  EXPECT_TENSOR_NEAR(y.slice(1, 3, 6), x.mean({2, 3}, true), 1e-6, 1e-6);
  nn::AdaptiveMaxPool2d mp(2);
  const auto [values, indices] = mp->forward_with_indices(x);
  EXPECT_TENSOR_EQ(mp(x), values);
  EXPECT_EQ(indices.dtype(), kInt64);
}

TEST(Layers, Dropout2dZeroesWholeChannels) {
  manual_seed(3);
  nn::Dropout2d drop(0.5);
  const Tensor y = drop(ones({8, 16, 3, 3}));
  // Each channel is all 0 or all 2; both occur.
  const Tensor per_channel_max = y.amax({2, 3}), per_channel_min = y.amin({2, 3});
  EXPECT_TENSOR_EQ(per_channel_max, per_channel_min);
  EXPECT_GT((per_channel_max == 0).sum().item<int64_t>(), 0);
  EXPECT_GT((per_channel_max == 2).sum().item<int64_t>(), 0);
  drop->eval();
  EXPECT_TENSOR_EQ(drop(ones({2, 3, 2, 2})), ones({2, 3, 2, 2}));
  EXPECT_THROW_MSG(nn::Dropout2d(1.5), ValueError, "[Dropout2d] probability must be in [0, 1]; got 1.5");
  EXPECT_EQ(nn::Dropout2d(nn::Dropout2dOptions(0.25).inplace(true))->p, 0.25);  // libtorch's spelling
  EXPECT_EQ(nn::Dropout(nn::DropoutOptions().p(0.3))->p, 0.3);
}

TEST(Layers, EmbeddingLooksUpRowsAndKeepsThePaddingRowZero) {
  nn::Embedding emb(nn::EmbeddingOptions(6, 4).padding_idx(-1));  // -1: the last row, as PyTorch
  EXPECT_EQ(*emb->options.padding_idx_, 5);
  EXPECT_TENSOR_EQ(emb->weight[5], zeros({4}));
  const Tensor idx = tensor(std::vector<int64_t>{1, 5, 1, 0}).view({2, 2});
  const Tensor y = emb(idx);
  EXPECT_EQ(y.sizes(), (Shape{2, 2, 4}));
  EXPECT_TENSOR_EQ(y[0][0], emb->weight[1]);
  y.sum().backward();
  EXPECT_TENSOR_EQ(emb->weight.grad()[1], full({4}, 2.0));
  EXPECT_TENSOR_EQ(emb->weight.grad()[5], zeros({4}));
  EXPECT_THROW_MSG(emb(tensor(std::vector<int64_t>{6})), IndexError, "");
  EXPECT_THROW_MSG(emb(ones({2})), TypeError, "[embedding] indices must be int64 or int32; got float32");
  EXPECT_THROW_MSG(nn::Embedding(nn::EmbeddingOptions(4, 2).padding_idx(4)), ValueError,
                   "[Embedding] padding_idx 4 is out of range for 4 embeddings");
}

TEST(Layers, NameBadInput) {
  EXPECT_THROW_MSG(layer_norm(randn({2, 3}), {4}), ShapeError,
                   "[layer_norm] normalized_shape (4) must be the trailing sizes of the input; got input (2, 3)");
  EXPECT_THROW_MSG(layer_norm(randn({2, 3}), {3}, ones({4})), ShapeError,
                   "[layer_norm] weight and bias must have shape (3); got (4)");
  EXPECT_THROW_MSG(group_norm(randn({2, 6, 2}), 4), ValueError,
                   "[group_norm] 6 channels (input (2, 6, 2)) do not split into 4 groups");
  EXPECT_THROW_MSG(nn::GroupNorm(4, 6), ValueError, "[GroupNorm] num_channels (6) must be a positive multiple of num_groups (4)");
  EXPECT_THROW_MSG(nn::GroupNorm(2, 4)(randn({2, 6, 3})), ShapeError, "[GroupNorm] expected 4 channels in dim 1; got input (2, 6, 3)");
  EXPECT_THROW_MSG(nn::InstanceNorm2d(3)(randn({2, 3, 4})), ShapeError, "");
  EXPECT_THROW_MSG(nn::InstanceNorm2d(3)(randn({2, 4, 3, 3})), ShapeError,
                   "[InstanceNorm2d] expected 3 channels; got input (2, 4, 3, 3)");
  EXPECT_THROW_MSG(instance_norm(randn({2, 3, 1, 1}), {}, {}, {}, {}, true, 0.1, 1e-5), ValueError,
                   "[instance_norm] expected more than 1 spatial element per channel; got input (2, 3, 1, 1)");
  EXPECT_THROW_MSG(nn::RunningBatchNorm(3)(randn({1, 3, 2, 2})), ValueError,
                   "[RunningBatchNorm] expects more than 1 image per batch in training; got input (1, 3, 2, 2)");
  nn::RunningBatchNorm fresh(3);
  fresh->eval();
  EXPECT_THROW_MSG(fresh(randn({2, 3, 2, 2})), ValueError, "[RunningBatchNorm] has no statistics yet");
}

}  // namespace
}  // namespace ember
