// bfloat16 and float16 tensors: the dtypes' rules (sizes, names, promotion), conversion with its
// gradient, creation, printing, elementwise ops and reductions computed in float32 and rounded
// once, matmul and linear (bfloat16 through its own kernel), safetensors BF16 / F16 (PyTorch's
// file too), and a clear error from the ops that do not take them.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "ember/kernels/gemm_plan.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

// What PyTorch computes for a 16-bit op: the float32 result of the float32 values, rounded once.
Tensor rounded(const Tensor& float32_result, ScalarType t) { return float32_result.to(t).to(kFloat32); }

TEST(ReducedFloatDtype, SizesNamesAndPromotionFollowTorch) {
  EXPECT_EQ(element_size(kBFloat16), 2u);
  EXPECT_EQ(element_size(kHalf), 2u);
  EXPECT_STREQ(dtype_name(kBFloat16), "bfloat16");
  EXPECT_STREQ(dtype_name(kFloat16), "float16");
  EXPECT_TRUE(is_floating_point(kBFloat16));
  EXPECT_TRUE(randn({2}, kHalf).is_floating_point());
  EXPECT_EQ(promote_types(kBFloat16, kHalf), kFloat32);
  EXPECT_EQ(promote_types(kBFloat16, kInt64), kBFloat16);
  EXPECT_EQ(promote_types(kBool, kHalf), kHalf);
  EXPECT_EQ(promote_types(kBFloat16, kFloat32), kFloat32);
  EXPECT_EQ(promote_types(kFloat64, kHalf), kFloat64);
  // A float Scalar keeps a 16-bit tensor's dtype, as torch: bf16_tensor * 2.5 is bfloat16.
  EXPECT_EQ((ones({2}, kBFloat16) * 2.5).dtype(), kBFloat16);
  EXPECT_EQ((ones({2}, kBFloat16) + ones({2}, kHalf)).dtype(), kFloat32);
}

TEST(ReducedFloatDtype, ToRoundsAndItsGradientComesBackInFloat32) {
  const Tensor x = tensor({1.0, 1.00390625, 1.01171875, 65520.0, -0.0}, dtype(kFloat32).requires_grad(true));
  const Tensor b = x.to(kBFloat16), h = x.to(kHalf);
  EXPECT_EQ(b.dtype(), kBFloat16);
  EXPECT_EQ(b.data_ptr<BFloat16>()[1].x, 0x3F80);  // the tie 1 + 2^-8 goes to even 1
  EXPECT_EQ(b.data_ptr<BFloat16>()[2].x, 0x3F82);  // 1 + 3 * 2^-8 goes up to even
  EXPECT_TRUE(std::isinf(h[3].item<double>()));      // 65520 overflows float16
  EXPECT_TRUE(std::signbit(h[4].item<double>()));    // -0 stays -0
  (b.to(kFloat32) * 3).sum().backward();
  EXPECT_EQ(x.grad().dtype(), kFloat32);
  EXPECT_TENSOR_EQ(x.grad(), full({5}, 3.0));
}

TEST(ReducedFloatDtype, CreationAndPrinting) {
  EXPECT_EQ(zeros({2, 3}, kBFloat16).dtype(), kBFloat16);
  EXPECT_TENSOR_EQ(full({3}, 0.1, dtype(kHalf)).to(kFloat32), full({3}, static_cast<float>(Half(0.1f))));
  EXPECT_TENSOR_EQ(tensor({1.5, -2.25}, dtype(kBFloat16)).to(kFloat32), tensor({1.5f, -2.25f}));
  EXPECT_EQ(arange(5, dtype(kBFloat16)).sum().item<double>(), 10.0);
  std::ostringstream out;
  out << tensor({1.5, 2.0}, dtype(kBFloat16));
  EXPECT_NE(out.str().find("1.5000"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("dtype=bfloat16"), std::string::npos) << out.str();
}

TEST(ReducedFloatOps, ElementwiseOpsComputeInFloat32AndRoundOnce) {
  for (ScalarType t : {kBFloat16, kHalf}) {
    const Tensor a = randn({4, 5}).to(t), b = randn({5}).to(t);
    const Tensor af = a.to(kFloat32), bf = b.to(kFloat32);
    EXPECT_EQ((a * b).dtype(), t);
    EXPECT_TENSOR_EQ(a + b, rounded(af + bf, t));
    EXPECT_TENSOR_EQ(a * b - a, rounded(rounded(af * bf, t) - af, t));
    EXPECT_TENSOR_EQ(a / b, rounded(af / bf, t));
    EXPECT_TENSOR_EQ(exp(a), rounded(exp(af), t));
    EXPECT_TENSOR_EQ(tanh(a), rounded(tanh(af), t));
    EXPECT_TENSOR_EQ(relu(a), rounded(relu(af), t));
    EXPECT_TENSOR_EQ(gelu(a), rounded(gelu(af), t));
    EXPECT_TENSOR_EQ(sigmoid(a), rounded(sigmoid(af), t));
    EXPECT_TENSOR_EQ(abs(a).neg(), rounded(-abs(af), t));
    EXPECT_TENSOR_EQ(clamp(a, -0.5, 0.5), rounded(clamp(af, -0.5, 0.5), t));
    EXPECT_TENSOR_EQ(pow(a, 2.0), rounded(pow(af, 2.0), t));
    EXPECT_TENSOR_EQ(gt(a, b), gt(af, bf));
    EXPECT_TENSOR_EQ(where(a > 0, a, b), where(af > 0, af, bf));
    EXPECT_EQ(where(a > 0, a, b).dtype(), t);
  }
}

TEST(ReducedFloatOps, ReductionsAccumulateInFloat32) {
  // 4096 ones: a bfloat16 accumulator would stop at 256 (256 + 1 rounds back to 256).
  EXPECT_EQ(ones({4096}, kBFloat16).sum().item<double>(), 4096.0);
  EXPECT_EQ(ones({4096}, kBFloat16).sum().dtype(), kBFloat16);
  for (ScalarType t : {kBFloat16, kHalf}) {
    const Tensor a = randn({6, 70}).to(t), af = a.to(kFloat32);
    EXPECT_TENSOR_NEAR(a.sum(1), rounded(af.sum(1), t), 0, 0);
    EXPECT_TENSOR_NEAR(a.mean(0, true), rounded(af.mean(0, true), t), 0, 0);
    EXPECT_TENSOR_EQ(a.amax(1), af.amax(1));
    EXPECT_TENSOR_EQ(std::get<1>(a.max(1)), std::get<1>(af.max(1)));
    EXPECT_TENSOR_EQ(a.argmin(0), af.argmin(0));
  }
}

TEST(ReducedFloatOps, GradientsFlowInTheLeafsDtype) {
  const Tensor w = randn({3, 4}).to(kBFloat16).requires_grad_();
  (w * w).sum().backward();
  EXPECT_EQ(w.grad().dtype(), kBFloat16);
  EXPECT_TENSOR_EQ(w.grad(), rounded(w.detach().to(kFloat32) * 2, kBFloat16));
}

TEST(ReducedFloatOps, MatmulAndLinearMatchFloat32ToOneRounding) {
  for (ScalarType t : {kBFloat16, kHalf}) {
    const Tensor a = randn({33, 70}).to(t), b = randn({70, 45}).to(t), bias = randn({45}).to(t);
    const Tensor af = a.to(kFloat32), bf = b.to(kFloat32);
    const Tensor c = a.matmul(b);
    EXPECT_EQ(c.dtype(), t);
    // Summed in float32 by both, in different orders; one rounding to 16 bits at the end.
    const double ulp = t == kBFloat16 ? 0x1p-8 : 0x1p-11;
    EXPECT_TENSOR_NEAR(c, af.matmul(bf), ulp, 1e-3);
    EXPECT_TENSOR_NEAR(a.t().t().matmul(b.t().contiguous().t()), af.matmul(bf), ulp, 1e-3);  // strided operands
    EXPECT_TENSOR_NEAR(linear(a, b.t(), bias), af.matmul(bf) + bias.to(kFloat32), ulp, 1e-2);
    const Tensor batched = a.reshape({3, 11, 70}).matmul(b);
    EXPECT_TENSOR_NEAR(batched.reshape({33, 45}), af.matmul(bf), ulp, 1e-3);
  }
}

TEST(ReducedFloatOps, AMatmulGradientReachesBFloat16Parameters) {
  const Tensor x = randn({8, 16}).to(kBFloat16);
  const Tensor w = (randn({16, 4}) * 0.1).to(kBFloat16).requires_grad_();
  x.matmul(w).sum().backward();
  ASSERT_EQ(w.grad().dtype(), kBFloat16);
  // d sum(x @ w) / dw = x^T @ ones: each row of the gradient is a column sum of x.
  const Tensor want = x.to(kFloat32).sum(0).unsqueeze(1).expand({16, 4});
  EXPECT_TENSOR_NEAR(w.grad(), want, 0x1p-8, 1e-3);
}

// conv2d in a 16-bit dtype against float32's on the same (rounded) values: the value and the three
// gradients, with groups, stride and padding, and enough images for several slices and chunks.
TEST(ReducedFloatOps, Conv2dAndItsGradientsMatchFloat32ToOneRounding) {
  struct Case {
    Shape x, w;
    int64_t stride, padding, groups;
  };
  for (const Case& c : {Case{{20, 4, 9, 9}, {6, 2, 3, 3}, 2, 1, 2}, Case{{3, 3, 8, 8}, {5, 3, 1, 1}, 1, 0, 1},
                        Case{{2, 2, 6, 7}, {4, 2, 5, 5}, 1, 2, 1}})
    for (ScalarType t : {kBFloat16, kHalf}) {
      const Tensor x = randn(c.x).to(t).requires_grad_(), w = randn(c.w).to(t).requires_grad_();
      const Tensor b = randn({c.w[0]}).to(t).requires_grad_();
      const Tensor out = conv2d(x, w, b, c.stride, c.padding, 1, c.groups);
      ASSERT_EQ(out.dtype(), t);
      const Tensor g = randn(out.sizes()).to(t);
      out.backward(g);
      ASSERT_EQ(x.grad().dtype(), t);
      ASSERT_EQ(w.grad().dtype(), t);
      const Tensor xf = x.detach().to(kFloat32).requires_grad_(), wf = w.detach().to(kFloat32).requires_grad_();
      const Tensor bf = b.detach().to(kFloat32).requires_grad_();
      const Tensor want = conv2d(xf, wf, bf, c.stride, c.padding, 1, c.groups);
      want.backward(g.to(kFloat32));
      // Summed in float32 by both, in different orders; one rounding at the end.
      const double ulp = t == kBFloat16 ? 0x1p-8 : 0x1p-11;
      EXPECT_TENSOR_NEAR(out, want, ulp, 1e-3);
      EXPECT_TENSOR_NEAR(x.grad(), xf.grad(), ulp, 1e-3);
      EXPECT_TENSOR_NEAR(w.grad(), wf.grad(), ulp, 1e-3);
      EXPECT_TENSOR_NEAR(b.grad(), bf.grad(), ulp, 1e-3);
    }
}

TEST(ReducedFloatOps, Conv2dWeightGradientFromKeptAndReunfoldedColumns) {
  // Past half the L3 of bfloat16 columns the backward unfolds the input again (ops/conv.cpp).
  const int64_t per_image = 18 * 16 * 16 * 2;  // (C_in kh kw) x L bfloat16 values
  for (int64_t n : {int64_t{2}, kernels::cache_sizes().l3 / 2 / per_image + 2}) {
    const Tensor x = randn({n, 2, 16, 16}).to(kBFloat16), g = randn({n, 3, 16, 16}).to(kBFloat16);
    const Tensor w = randn({3, 2, 3, 3}).to(kBFloat16).requires_grad_();
    conv2d(x, w, {}, 1, 1).backward(g);
    const Tensor wf = w.detach().to(kFloat32).requires_grad_();
    conv2d(x.to(kFloat32), wf, {}, 1, 1).backward(g.to(kFloat32));
    EXPECT_TENSOR_NEAR(w.grad(), wf.grad(), 0x1p-8, 1e-2) << n << " images";
  }
}

TEST(ReducedFloatOps, Conv2dInBFloat16IsTheSameOnOneAndTwoThreads) {
  const Tensor x0 = randn({37, 3, 12, 12}).to(kBFloat16), w0 = randn({8, 3, 5, 5}).to(kBFloat16);
  auto run = [&](int threads) {
    const int before = get_num_threads();
    set_num_threads(threads);
    Tensor x = x0.clone().requires_grad_(), w = w0.clone().requires_grad_();
    Tensor out = conv2d(x, w, {}, 1, 2);
    (out * out).sum().backward();
    set_num_threads(before);
    return std::vector<Tensor>{out.detach(), x.grad(), w.grad()};
  };
  const auto one = run(1), two = run(2);
  for (size_t i = 0; i < one.size(); ++i) EXPECT_TENSOR_EQ(one[i], two[i]);
}

TEST(ReducedFloatOps, PoolingComputesInFloat32AndRoundsOnce) {
  const Tensor x = randn({2, 3, 8, 8}).to(kBFloat16), xf = x.to(kFloat32);
  EXPECT_TENSOR_EQ(max_pool2d(x, 2), max_pool2d(xf, 2));  // a maximum is exact
  EXPECT_TENSOR_EQ(std::get<0>(adaptive_max_pool2d(x, 3)), std::get<0>(adaptive_max_pool2d(xf, 3)));
  EXPECT_TENSOR_EQ(avg_pool2d(x, 3, 2, 1), rounded(avg_pool2d(xf, 3, 2, 1), kBFloat16));
  EXPECT_TENSOR_EQ(adaptive_avg_pool2d(x, 1), rounded(adaptive_avg_pool2d(xf, 1), kBFloat16));
  const Tensor xg = x.clone().requires_grad_();
  max_pool2d(xg, 2).sum().backward();
  EXPECT_EQ(xg.grad().dtype(), kBFloat16);
  EXPECT_EQ(xg.grad().to(kFloat32).sum().item<double>(), 2 * 3 * 16);  // a 1 per window
}

TEST(ReducedFloatOps, OpsWithoutA16BitPathSaySoAndHowToConvert) {
  const Tensor x = randn({2, 3, 5, 5}).to(kBFloat16);
  EXPECT_THROW_MSG(batch_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5), TypeError, "does not compute in bfloat16");
  EXPECT_THROW_MSG(log_softmax(randn({2, 3}).to(kHalf), 1), TypeError, ".to(ember::kFloat32)");
}

TEST(ReducedFloatSafetensors, RoundTripAndPyTorchsFile) {
  const std::string path = (std::filesystem::temp_directory_path() / "ember_reduced_float.safetensors").string();
  const Tensor b = randn({3, 4}).to(kBFloat16), h = randn({5}).to(kHalf);
  save_safetensors(path, {{"b", b}, {"h", h}});
  const SafetensorsFile file = load_safetensors(path);
  std::filesystem::remove(path);
  ASSERT_EQ(file.tensors.size(), 2u);
  EXPECT_EQ(file.tensors[0].second.dtype(), kBFloat16);
  EXPECT_EQ(file.tensors[1].second.dtype(), kHalf);
  EXPECT_TENSOR_EQ(file.tensors[0].second, b);
  EXPECT_TENSOR_EQ(file.tensors[1].second, h);

  const SafetensorsFile torch_file = load_safetensors(EMBER_FIXTURE_DIR "/torch_bf16.safetensors");
  std::map<std::string, Tensor> by_name(torch_file.tensors.begin(), torch_file.tensors.end());
  EXPECT_EQ(by_name.at("w_bf16").dtype(), kBFloat16);
  EXPECT_EQ(by_name.at("w_f16").dtype(), kHalf);
  EXPECT_TENSOR_EQ(by_name.at("w_bf16"), by_name.at("w_bf16_as_f32"));
  EXPECT_TENSOR_EQ(by_name.at("w_f16"), by_name.at("w_f16_as_f32"));
  // ember rounds PyTorch's float32 values as PyTorch did (bit for bit: the conversions'
  // exactness is tests/core/reduced_float_test.cpp's).
  EXPECT_TENSOR_EQ(by_name.at("w").to(kBFloat16), by_name.at("w_bf16"));
  EXPECT_TENSOR_EQ(by_name.at("w").to(kHalf), by_name.at("w_f16"));
}

}  // namespace
}  // namespace ember
