// conv2d and pooling beyond the PyTorch fixtures (tests/ops/torch_reference_test.cpp): a sweep
// of window geometries against a direct seven-loop convolution, the threaded paths against the
// single-threaded ones, NaN and tie rules, and the errors.
#include <gtest/gtest.h>

#include <cmath>

#include "ember/kernels/gemm_plan.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

// out[n, o, y, x] = b[o] + sum over c, i, j of x[n, g C/G + c, y*s - p + i*d, x*s - p + j*d] *
// w[o, c, i, j], with g = o / (O/G) the output's group and c over the C/G channels of a group, in
// float64, straight from the definition.
Tensor direct_conv2d(const Tensor& x, const Tensor& w, const Tensor& b, int64_t sh, int64_t sw, int64_t ph, int64_t pw,
                     int64_t dh, int64_t dw, int64_t groups = 1) {
  const Tensor xd = x.to(kFloat64).contiguous(), wd = w.to(kFloat64).contiguous();
  const int64_t N = x.size(0), CX = x.size(1), H = x.size(2), W = x.size(3), C = w.size(1);
  const int64_t O = w.size(0), kh = w.size(2), kw = w.size(3);
  const int64_t Ho = (H + 2 * ph - dh * (kh - 1) - 1) / sh + 1, Wo = (W + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
  Tensor out = zeros({N, O, Ho, Wo}, kFloat64);
  const double *px = xd.data_ptr<double>(), *pw_ = wd.data_ptr<double>();
  double* po = out.data_ptr<double>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t y = 0; y < Ho; ++y)
        for (int64_t xo = 0; xo < Wo; ++xo) {
          double acc = b.defined() ? b[o].item<double>() : 0.0;
          for (int64_t c = 0; c < C; ++c)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t iy = y * sh - ph + i * dh, ix = xo * sw - pw + j * dw;
                const int64_t cx = o / (O / groups) * C + c;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                  acc += px[((n * CX + cx) * H + iy) * W + ix] * pw_[((o * C + c) * kh + i) * kw + j];
              }
          po[((n * O + o) * Ho + y) * Wo + xo] = acc;
        }
  return out;
}

struct Geometry {
  int64_t n, c, h, w, out, kh, kw, sh, sw, ph, pw, dh, dw, groups = 1;
};

TEST(Conv2d, MatchesTheDirectLoopsOverASweepOfGeometries) {
  const std::vector<Geometry> sweep = {
      {1, 1, 5, 5, 1, 1, 1, 1, 1, 0, 0, 1, 1},
      {2, 3, 8, 7, 4, 3, 3, 1, 1, 0, 0, 1, 1},
      {2, 3, 8, 7, 4, 3, 3, 2, 2, 1, 1, 1, 1},
      {1, 2, 9, 9, 3, 5, 5, 1, 1, 2, 2, 1, 1},
      {1, 2, 9, 11, 3, 3, 2, 3, 2, 1, 0, 2, 3},
      {3, 1, 4, 4, 2, 4, 4, 1, 1, 0, 0, 1, 1},
      {1, 4, 6, 6, 5, 1, 1, 2, 2, 1, 1, 1, 1},
      {2, 2, 3, 3, 2, 3, 3, 1, 1, 3, 3, 1, 1},      // padding wider than the image
      {1, 17, 10, 10, 33, 3, 3, 1, 1, 1, 1, 1, 1},  // tile edges of the GEMM
      {2, 4, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2},     // two groups
      {9, 6, 7, 9, 6, 3, 3, 2, 1, 1, 1, 1, 2, 6},     // depthwise, strided, over two chunks
      {2, 8, 6, 6, 16, 1, 1, 1, 1, 0, 0, 1, 1, 4},    // grouped 1x1, two outputs per input
      {1, 34, 9, 9, 34, 3, 3, 2, 2, 1, 1, 1, 1, 17},  // many groups past the GEMM tile
      // Stride 1, output as wide as the input: im2col's whole-plane copies (kernels/im2col.h).
      {1, 2, 7, 9, 3, 3, 3, 1, 1, 0, 1, 1, 1},       // no padding in height: fewer output rows
      {2, 3, 6, 8, 4, 3, 3, 1, 1, 2, 2, 1, 2},       // dilated in width
      {1, 2, 3, 4, 2, 7, 3, 1, 1, 3, 1, 1, 1},       // kernel taller than the image
      {1, 1, 1, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1},       // one row
      {2, 2, 4, 1, 3, 3, 1, 1, 1, 1, 0, 1, 1},       // one column
  };
  for (const auto& g : sweep) {
    SCOPED_TRACE(::testing::Message() << "input (" << g.n << ", " << g.c << ", " << g.h << ", " << g.w << "), kernel "
                                      << g.kh << "x" << g.kw << " stride " << g.sh << "," << g.sw << " padding " << g.ph
                                      << "," << g.pw << " dilation " << g.dh << "," << g.dw << " groups " << g.groups);
    const Tensor x = randn({g.n, g.c, g.h, g.w}), w = randn({g.out, g.c / g.groups, g.kh, g.kw}), b = randn({g.out});
    const Tensor got = conv2d(x, w, b, {g.sh, g.sw}, {g.ph, g.pw}, {g.dh, g.dw}, g.groups);
    EXPECT_TENSOR_NEAR(got.to(kFloat64), direct_conv2d(x, w, b, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.groups), 1e-4,
                       1e-4);
  }
}

// The grouped backward (three products on bands of rows) against finite differences.
TEST(Conv2d, GradcheckWithGroups) {
  for (int64_t groups : {2, 4}) {
    SCOPED_TRACE(groups);
    const Tensor x = randn({3, 4, 5, 6}, dtype(kFloat64).requires_grad(true));
    const Tensor w = randn({8, 4 / groups, 3, 3}, dtype(kFloat64).requires_grad(true));
    const Tensor b = randn({8}, dtype(kFloat64).requires_grad(true));
    const auto r = autograd::gradcheck(
        [groups](const std::vector<Tensor>& v) { return conv2d(v[0], v[1], v[2], 2, 1, 1, groups); }, {x, w, b});
    EXPECT_TRUE(r.ok) << r.message;
  }
}

TEST(Conv2d, GradcheckWithStridePaddingAndDilationTogether) {
  const Tensor x = randn({2, 2, 7, 8}, dtype(kFloat64).requires_grad(true));
  const Tensor w = randn({3, 2, 3, 2}, dtype(kFloat64).requires_grad(true));
  const Tensor b = randn({3}, dtype(kFloat64).requires_grad(true));
  const auto r = autograd::gradcheck(
      [](const std::vector<Tensor>& v) {
        return conv2d(v[0], v[1], v[2], {2, 3}, {1, 2}, {2, 1});
      },
      {x, w, b});
  EXPECT_TRUE(r.ok) << r.message;
}

// Enough images for several chunks of the thread split: the results, the weight gradient
// included (summed chunk by chunk), must be bit for bit the same on one thread and on two.
TEST(Conv2d, OneAndTwoThreadsGiveIdenticalResults) {
  const Tensor x0 = randn({37, 3, 12, 12}), w0 = randn({8, 3, 5, 5}), b0 = randn({8});
  auto run = [&](int threads) {
    const int before = get_num_threads();
    set_num_threads(threads);
    Tensor x = x0.clone().requires_grad_(), w = w0.clone().requires_grad_(), b = b0.clone().requires_grad_();
    Tensor out = conv2d(x, w, b, 1, 2);
    (out * out).sum().backward();
    set_num_threads(before);
    return std::vector<Tensor>{out.detach(), x.grad(), w.grad(), b.grad()};
  };
  const auto one = run(1), two = run(2);
  for (size_t i = 0; i < one.size(); ++i) EXPECT_TENSOR_EQ(one[i], two[i]);
}

TEST(Conv2d, BackwardSkipsGradientsNobodyNeeds) {
  // A frozen input (the first layer's images): the node itself is asked, and must return no
  // input gradient, only the weight's and the bias's.
  const Tensor x = randn({2, 1, 6, 6});
  const Tensor w = randn({2, 1, 3, 3}, requires_grad()), b = randn({2}, requires_grad());
  const Tensor out = conv2d(x, w, b);
  std::vector<Tensor> grads = out.grad_fn()->apply(ones(out.sizes()));
  ASSERT_EQ(grads.size(), 3u);
  EXPECT_FALSE(grads[0].defined()) << "the input's gradient was computed though nothing needs it";
  EXPECT_TRUE(grads[1].defined());
  // Each bias gradient is the number of outputs it was added to.
  EXPECT_TENSOR_NEAR(grads[2], full({2}, 2.0 * 4 * 4), 0, 0);
  // A frozen weight and bias: only the input's gradient.
  const Tensor xg = randn({2, 1, 6, 6}, requires_grad());
  const Tensor out2 = conv2d(xg, w.detach(), b.detach());
  grads = out2.grad_fn()->apply(ones(out2.sizes()));
  EXPECT_TRUE(grads[0].defined());
  EXPECT_FALSE(grads[1].defined());
  EXPECT_FALSE(grads[2].defined());
}

TEST(Conv2d, AFrozenWeightStillPassesTheInputItsGradient) {
  // The forward keeps its columns only for a weight that needs a gradient; the input's gradient
  // must not depend on them.
  const Tensor x0 = randn({9, 2, 7, 7}), w0 = randn({3, 2, 3, 3}), g = randn({9, 3, 7, 7});
  Tensor x1 = x0.clone().requires_grad_(), w1 = w0.clone().requires_grad_();
  conv2d(x1, w1, {}, 1, 1).backward(g);
  Tensor x2 = x0.clone().requires_grad_();
  conv2d(x2, w0, {}, 1, 1).backward(g);
  EXPECT_TENSOR_EQ(x2.grad(), x1.grad());
}

TEST(Conv2d, KeptColumnsAndColumnsUnfoldedAgainGiveTheSameGradients) {
  // The forward keeps the batch's columns for the weight's gradient only while they fit in half
  // the L3; a batch past that unfolds its input again in the backward. The first image alone (kept)
  // must get what it gets inside a batch too large to keep.
  const int64_t per_image = 36 * 32 * 32 * 8;  // (C_in kh kw) x L values of float64
  const int64_t n = kernels::cache_sizes().l3 / 2 / per_image + 2;
  const Tensor x = randn({n, 4, 32, 32}, kFloat64), w0 = randn({3, 4, 3, 3}, kFloat64), g = randn({n, 3, 32, 32}, kFloat64);
  auto weight_grad = [&](const Tensor& images, const Tensor& grad) {
    Tensor w = w0.clone().requires_grad_();
    conv2d(images, w, {}, 1, 1).backward(grad);
    return w.grad();
  };
  const Tensor whole = weight_grad(x, g);
  Tensor sum = zeros_like(w0);
  for (int64_t i = 0; i < n; ++i) sum += weight_grad(x.narrow(0, i, 1), g.narrow(0, i, 1));
  EXPECT_TENSOR_NEAR(whole, sum, 1e-9, 1e-9);
}

// PyTorch's rule from its definition: scan each window row by row, keep a value when it is larger
// than the best so far or is a NaN; the padding never counts.
std::pair<Tensor, Tensor> direct_max_pool2d(const Tensor& x, int64_t k, int64_t s, int64_t p, int64_t d) {
  const int64_t P = x.size(0) * x.size(1), H = x.size(2), W = x.size(3);
  const int64_t Ho = (H + 2 * p - d * (k - 1) - 1) / s + 1, Wo = (W + 2 * p - d * (k - 1) - 1) / s + 1;
  Tensor out = empty({x.size(0), x.size(1), Ho, Wo}), idx = empty({x.size(0), x.size(1), Ho, Wo}, kInt64);
  const Tensor xc = x.contiguous();
  const float* in = xc.data_ptr<float>();
  for (int64_t q = 0; q < P; ++q)
    for (int64_t oy = 0; oy < Ho; ++oy)
      for (int64_t ox = 0; ox < Wo; ++ox) {
        float best = -INFINITY;
        int64_t at = -1;
        for (int64_t i = 0; i < k; ++i)
          for (int64_t j = 0; j < k; ++j) {
            const int64_t y = oy * s - p + i * d, xx = ox * s - p + j * d;
            if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
            const float v = in[q * H * W + y * W + xx];
            if (at < 0 || v > best || std::isnan(v)) best = v, at = y * W + xx;
          }
        out.data_ptr<float>()[(q * Ho + oy) * Wo + ox] = best;
        idx.data_ptr<int64_t>()[(q * Ho + oy) * Wo + ox] = at;
      }
  return {out, idx};
}

TEST(MaxPool2d, MatchesTheDirectRuleOverASweepWithTiesAndNaNs) {
  // Values from a few levels, so windows hold ties; one plane gets NaNs (the exact path).
  Tensor x = randint(0, 4, {2, 3, 9, 10}).to(kFloat32);
  float* plane = x.data_ptr<float>() + 5 * 90;  // image 1, channel 2
  plane[4 * 10 + 4] = plane[4 * 10 + 5] = NAN;
  for (int64_t k : {1, 2, 3})
    for (int64_t s : {1, 2, 3})
      for (int64_t p = 0; p <= k / 2; ++p)
        for (int64_t d : {1, 2}) {
          SCOPED_TRACE(::testing::Message()
                       << "kernel " << k << " stride " << s << " padding " << p << " dilation " << d);
          const auto [values, indices] = max_pool2d_with_indices(x, k, s, p, d);
          const auto [want_values, want_indices] = direct_max_pool2d(x, k, s, p, d);
          ASSERT_EQ(values.sizes(), want_values.sizes());
          for (int64_t i = 0; i < values.numel(); ++i) {
            const float got = values.data_ptr<float>()[i], want = want_values.data_ptr<float>()[i];
            ASSERT_TRUE(got == want || (std::isnan(got) && std::isnan(want)))
                << "output " << i << ": " << got << " vs " << want;
          }
          EXPECT_TENSOR_EQ(indices, want_indices);
        }
}

TEST(Conv2d, AnEmptyBatchGivesEmptyOutputsAndZeroWeightGradients) {
  Tensor x = randn({0, 2, 6, 6}, requires_grad()), w = randn({3, 2, 3, 3}, requires_grad()),
         b = randn({3}, requires_grad());
  Tensor y = conv2d(x, w, b, 1, 1);
  EXPECT_EQ(y.sizes(), (Shape{0, 3, 6, 6}));
  y.sum().backward();
  EXPECT_TENSOR_EQ(w.grad(), zeros({3, 2, 3, 3}));
  EXPECT_TENSOR_EQ(b.grad(), zeros({3}));
  EXPECT_EQ(max_pool2d(randn({0, 2, 6, 6}), 2).sizes(), (Shape{0, 2, 3, 3}));
  // No input channels: every output is its bias.
  EXPECT_TENSOR_EQ(conv2d(randn({2, 0, 6, 6}), randn({3, 0, 3, 3}), b.detach()),
                   b.detach().reshape({1, 3, 1, 1}).expand({2, 3, 4, 4}).contiguous());
}

TEST(MaxPool2d, NaNWinsAndTheIndicesPointAtTheMax) {
  Tensor x = tensor({1.0f, 5.0f, 3.0f, 2.0f, NAN, 0.0f, 7.0f, 4.0f, 6.0f, 8.0f, -1.0f, 9.0f}).view({1, 1, 3, 4});
  auto [values, indices] = max_pool2d_with_indices(x, {3, 2}, 2);
  // Windows: columns 0-1 and 2-3 of all three rows.
  EXPECT_TRUE(std::isnan(values[0][0][0][0].item<float>()));
  EXPECT_EQ(indices[0][0][0][0].item<int64_t>(), 4);
  EXPECT_EQ(values[0][0][0][1].item<float>(), 9.0f);
  EXPECT_EQ(indices[0][0][0][1].item<int64_t>(), 11);
}

TEST(MaxPool2d, GradientGoesToTheMaxOnly) {
  Tensor x = tensor({1.0, 4.0, 2.0, 3.0}, kFloat64).view({1, 1, 2, 2}).requires_grad_();
  max_pool2d(x, 2).sum().backward();
  EXPECT_TENSOR_EQ(x.grad(), tensor({0.0, 1.0, 0.0, 0.0}, kFloat64).view({1, 1, 2, 2}));
}

TEST(Pooling, OneAndTwoThreadsGiveIdenticalResults) {
  const Tensor x0 = randn({64, 16, 10, 10});
  auto run = [&](int threads) {
    const int before = get_num_threads();
    set_num_threads(threads);
    Tensor x = x0.clone().requires_grad_();
    Tensor maxed = max_pool2d(x, 2), averaged = avg_pool2d(x, 3, 1, 1);
    ((maxed * maxed).sum() + (averaged * averaged).sum()).backward();
    set_num_threads(before);
    return std::vector<Tensor>{maxed.detach(), averaged.detach(), x.grad()};
  };
  const auto one = run(1), two = run(2);
  for (size_t i = 0; i < one.size(); ++i) EXPECT_TENSOR_EQ(one[i], two[i]);
}

// out[i, j] = reduce of rows [floor(i H / oh), ceil((i + 1) H / oh)) and the columns likewise,
// from PyTorch's definition; reduce is the mean or the max.
Tensor direct_adaptive_pool(const Tensor& x, int64_t oh, int64_t ow, bool max) {
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  Tensor out = zeros({N, C, oh, ow}, kFloat64);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          const int64_t y0 = i * H / oh, y1 = ((i + 1) * H + oh - 1) / oh;
          const int64_t x0 = j * W / ow, x1 = ((j + 1) * W + ow - 1) / ow;
          const Tensor window = x[n][c].slice(0, y0, y1).slice(1, x0, x1).to(kFloat64);
          out[n][c][i][j].fill_(max ? window.max().item<double>() : window.mean().item<double>());
        }
  return out;
}

TEST(AdaptivePool2d, MatchesTheDefinitionForDividingAndOverlappingWindows) {
  const Tensor x = randn({2, 3, 7, 10});
  for (auto [oh, ow] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {7, 5}, {3, 4}, {5, 10}, {9, 12}}) {
    SCOPED_TRACE(::testing::Message() << "output " << oh << "x" << ow);
    EXPECT_TENSOR_NEAR(adaptive_avg_pool2d(x, {oh, ow}), direct_adaptive_pool(x, oh, ow, false), 1e-5, 1e-6);
    const auto [values, indices] = adaptive_max_pool2d(x, {oh, ow});
    EXPECT_TENSOR_NEAR(values, direct_adaptive_pool(x, oh, ow, true), 0, 0);
    // Each index points at its value in the plane.
    EXPECT_TENSOR_EQ(x.flatten(2).gather(2, indices.flatten(2)).view(values.sizes()), values);
  }
  // Global average pooling is the spatial mean.
  EXPECT_TENSOR_NEAR(adaptive_avg_pool2d(x, 1), x.mean({2, 3}, true), 1e-6, 1e-6);
  // Unbatched input keeps its rank.
  EXPECT_EQ(adaptive_avg_pool2d(randn({3, 6, 6}), {2, 3}).sizes(), (Shape{3, 2, 3}));
}

TEST(AdaptivePool2d, GradcheckWithOverlappingWindows) {
  const Tensor x = randn({2, 2, 5, 7}, dtype(kFloat64).requires_grad(true));
  for (bool max : {false, true}) {
    SCOPED_TRACE(max ? "max" : "avg");
    const auto r = autograd::gradcheck(
        [max](const std::vector<Tensor>& v) {
          return max ? std::get<0>(adaptive_max_pool2d(v[0], {3, 4})) : adaptive_avg_pool2d(v[0], {3, 4});
        },
        {x});
    EXPECT_TRUE(r.ok) << r.message;
  }
}

TEST(AdaptivePool2d, MaxTakesTheFirstOfTiesAndANaNOverAnyNumber) {
  const Tensor x = tensor({1.0, 3.0, 3.0, 2.0, NAN, 5.0}).view({1, 1, 1, 6});
  const auto [values, indices] = adaptive_max_pool2d(x, {1, 2});
  EXPECT_EQ(values[0][0][0][0].item<float>(), 3.0f);
  EXPECT_EQ(indices[0][0][0][0].item<int64_t>(), 1);
  EXPECT_TRUE(std::isnan(values[0][0][0][1].item<float>()));
  EXPECT_EQ(indices[0][0][0][1].item<int64_t>(), 4);
}

TEST(Errors, ConvAndPooling) {
  EXPECT_THROW_MSG(conv2d(randn({2, 4, 8, 8}), randn({6, 1, 3, 3}), {}, 1, 0, 1, 2), ShapeError,
                   "[conv2d] input (2, 4, 8, 8) has 4 channels but weight (6, 1, 3, 3) with groups=2 expects 2");
  EXPECT_THROW_MSG(conv2d(randn({2, 4, 8, 8}), randn({6, 1, 3, 3}), {}, 1, 0, 1, 4), ValueError,
                   "[conv2d] groups (4) must be positive and divide the weight's 6 output channels");
  EXPECT_THROW_MSG(nn::Conv2d(nn::Conv2dOptions(4, 6, 3).groups(4)), ValueError,
                   "[Conv2d] groups (4) must divide in_channels (4) and out_channels (6)");
  EXPECT_THROW_MSG(adaptive_avg_pool2d(randn({1, 2, 4, 4}), {0, 2}), ValueError,
                   "[adaptive_avg_pool2d] output_size must be positive; got (0, 2)");
  EXPECT_THROW_MSG(adaptive_max_pool2d(randn({4, 4}), 2), ShapeError, "[adaptive_max_pool2d] expects input of shape");
  EXPECT_THROW_MSG(conv2d(randn({2, 3, 8, 8}), randn({6, 1, 5, 5})), ShapeError,
                   "[conv2d] input (2, 3, 8, 8) has 3 channels but weight (6, 1, 5, 5) expects 1");
  EXPECT_THROW_MSG(conv2d(randn({8, 8}), randn({6, 1, 5, 5})), ShapeError,
                   "[conv2d] expects input of shape (N, C, H, W) or (C, H, W); got (8, 8)");
  EXPECT_THROW_MSG(conv2d(randn({1, 1, 8, 8}), randn({6, 5, 5})), ShapeError,
                   "[conv2d] weight must be 4-D (C_out, C_in / groups, kH, kW); got (6, 5, 5)");
  EXPECT_THROW_MSG(conv2d(randn({1, 1, 8, 8}), randn({6, 1, 5, 5}), randn({5})), ShapeError,
                   "[conv2d] bias (5) does not fit weight (6, 1, 5, 5): expected (6)");
  EXPECT_THROW_MSG(
      conv2d(randn({1, 1, 4, 4}), randn({6, 1, 5, 5})), ShapeError,
      "[conv2d] a kernel of (5, 5) with dilation (1, 1) does not fit in input (1, 1, 4, 4) padded by (0, 0)");
  EXPECT_THROW_MSG(conv2d(randn({1, 1, 8, 8}), randn({6, 1, 5, 5}), {}, 0), ValueError,
                   "[conv2d] kernel size, stride and dilation must be at least 1; got kernel (5, 5), stride (0, 0)");
  EXPECT_THROW_MSG(conv2d(randn({1, 1, 8, 8}), randn({6, 1, 5, 5}), {}, 1, -1), ValueError,
                   "[conv2d] padding must be non-negative; got (-1, -1)");
  EXPECT_THROW_MSG(conv2d(randn({1, 1, 8, 8}), randn({6, 1, 5, 5}, kFloat64)), TypeError,
                   "[conv2d] input and weight must have the same dtype; got float32 and float64");
  EXPECT_THROW_MSG(conv2d(randn({1, 1, 8, 8}), randn({6, 1, 5, 5}), {}, {1, 2, 3}), ValueError,
                   "expected 1 or 2 values (one per spatial dim); got 3");
  EXPECT_THROW_MSG(max_pool2d(randn({1, 1, 8, 8}), 2, 2, 2), ValueError,
                   "[max_pool2d] padding (2, 2) must be at most half the kernel size (2, 2)");
  EXPECT_THROW_MSG(avg_pool2d(randn({1, 2, 8}), 3), ShapeError,
                   "[avg_pool2d] a kernel of (3, 3) with dilation (1, 1) does not fit in input (1, 2, 8)");
  EXPECT_THROW_MSG(max_pool2d(ones({1, 4, 4}, kInt64), 2), TypeError,
                   "[max_pool2d] needs a floating-point input; got int64");
}

}  // namespace
}  // namespace ember
