// Every differentiable op against PyTorch, through one table: each entry is the C++ twin of a
// case in tools/gen_fixtures.py (same name). For each case three tests run:
//   MatchesTorch:             float32 values and gradients vs PyTorch, contiguous inputs;
//   MatchesTorchNonContiguous: the same with transposed / strided input layouts;
//   Gradcheck:                float64 finite differences on the non-contiguous inputs.
// TableCoversEveryFixture fails if a fixture has no twin here or a twin has no fixture.
#include <gtest/gtest.h>

#include <functional>

#include "support/fixtures.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

using testing::fixture_cases;
using Inputs = std::vector<Tensor>;
using OpFn = std::function<Tensor(const Inputs&)>;
namespace F = nn::functional;

// tools/gen_fixtures.py's clipped(): the gradients a, b set on fresh parameters and clipped by
// `clip`, flattened and concatenated, with clip's result (the total norm) last when it has one.
template <class Clip>
Tensor clipped(const Inputs& grads, Clip clip) {
  std::vector<Tensor> params, out;
  for (const Tensor& g : grads) {
    params.push_back(zeros_like(g).requires_grad_());
    params.back().set_grad(g.detach().clone());
  }
  const std::optional<double> result = clip(params);
  for (const Tensor& p : params) out.push_back(p.grad().reshape({-1}));
  if (result) out.push_back(tensor({*result}).to(grads[0].dtype()));
  return cat(out);
}

// tools/gen_fixtures.py's CE_WEIGHT, in the dtype of the case.
Tensor ce_weight(const Tensor& like) { return tensor({0.5, 1.0, 2.0, 1.5, 0.25}).to(like.dtype()); }

const std::map<std::string, OpFn>& op_table() {
  static const std::map<std::string, OpFn> table = {
      // arithmetic and broadcasting
      {"add", [](const Inputs& x) { return x[0] + x[1]; }},
      {"add_broadcast_trailing", [](const Inputs& x) { return x[0] + x[1]; }},
      {"add_broadcast_both", [](const Inputs& x) { return x[0] + x[1]; }},
      {"add_scalar", [](const Inputs& x) { return x[0] + 2.5; }},
      {"add_alpha", [](const Inputs& x) { return add(x[0], x[1], /*alpha=*/2); }},
      {"sub_broadcast", [](const Inputs& x) { return x[0] - x[1]; }},
      {"rsub_scalar", [](const Inputs& x) { return 2 - x[0]; }},
      {"mul_broadcast", [](const Inputs& x) { return x[0] * x[1]; }},
      {"mul_scalar", [](const Inputs& x) { return x[0] * 3; }},
      {"div_broadcast", [](const Inputs& x) { return x[0] / x[1]; }},
      {"rdiv_scalar", [](const Inputs& x) { return 1 / x[0]; }},
      {"neg", [](const Inputs& x) { return -x[0]; }},
      // unary math
      {"exp", [](const Inputs& x) { return x[0].exp(); }},
      {"log", [](const Inputs& x) { return x[0].log(); }},
      {"sqrt", [](const Inputs& x) { return x[0].sqrt(); }},
      {"rsqrt", [](const Inputs& x) { return x[0].rsqrt(); }},
      {"abs", [](const Inputs& x) { return x[0].abs(); }},
      {"sin", [](const Inputs& x) { return x[0].sin(); }},
      {"cos", [](const Inputs& x) { return x[0].cos(); }},
      {"tanh", [](const Inputs& x) { return x[0].tanh(); }},
      {"sigmoid", [](const Inputs& x) { return x[0].sigmoid(); }},
      {"relu", [](const Inputs& x) { return x[0].relu(); }},
      {"pow_scalar", [](const Inputs& x) { return x[0].pow(2.5); }},
      {"pow_int", [](const Inputs& x) { return x[0].pow(3); }},
      {"pow_tensor", [](const Inputs& x) { return x[0].pow(x[1]); }},
      {"clamp", [](const Inputs& x) { return x[0].clamp(-0.5, 0.5); }},
      {"clamp_min", [](const Inputs& x) { return x[0].clamp_min(0.2); }},
      {"clamp_max", [](const Inputs& x) { return x[0].clamp_max(-0.2); }},
      {"maximum", [](const Inputs& x) { return maximum(x[0], x[1]); }},
      {"minimum", [](const Inputs& x) { return minimum(x[0], x[1]); }},
      {"where", [](const Inputs& x) { return where(x[0], x[1], x[2]); }},
      // reductions
      {"sum_all", [](const Inputs& x) { return x[0].sum(); }},
      {"sum_dim", [](const Inputs& x) { return x[0].sum(1); }},
      {"sum_dims_keepdim", [](const Inputs& x) { return x[0].sum({0, 2}, /*keepdim=*/true); }},
      {"sum_last_dims", [](const Inputs& x) { return x[0].sum({1, 2}); }},
      {"mean_all", [](const Inputs& x) { return x[0].mean(); }},
      {"mean_dim", [](const Inputs& x) { return x[0].mean(0); }},
      {"prod_all", [](const Inputs& x) { return x[0].prod(); }},
      {"prod_dim", [](const Inputs& x) { return x[0].prod(1); }},
      {"amax_dim", [](const Inputs& x) { return x[0].amax(1); }},
      {"amin_dims", [](const Inputs& x) { return x[0].amin({0, 2}, /*keepdim=*/true); }},
      {"max_all", [](const Inputs& x) { return x[0].max(); }},
      {"min_all", [](const Inputs& x) { return x[0].min(); }},
      {"max_dim_values", [](const Inputs& x) { return std::get<0>(x[0].max(1)); }},
      {"max_dim_indices", [](const Inputs& x) { return std::get<1>(x[0].max(1)); }},
      {"min_dim_keepdim_values", [](const Inputs& x) { return std::get<0>(x[0].min(0, /*keepdim=*/true)); }},
      {"argmax_dim", [](const Inputs& x) { return x[0].argmax(1); }},
      {"argmin_all", [](const Inputs& x) { return x[0].argmin(); }},
      {"var_all", [](const Inputs& x) { return x[0].var(); }},
      {"var_dim", [](const Inputs& x) { return x[0].var(1); }},
      {"var_biased_keepdim", [](const Inputs& x) { return x[0].var(0, /*unbiased=*/false, /*keepdim=*/true); }},
      {"std_dim", [](const Inputs& x) { return x[0].std(1); }},
      {"logsumexp_dim", [](const Inputs& x) { return x[0].logsumexp(1); }},
      {"logsumexp_large", [](const Inputs& x) { return (x[0] * 1000).logsumexp(1); }},
      {"norm_all", [](const Inputs& x) { return x[0].norm(); }},
      {"norm_dim", [](const Inputs& x) { return x[0].norm(2, 1); }},
      {"norm_p1", [](const Inputs& x) { return x[0].norm(1); }},
      {"norm_p3_dim", [](const Inputs& x) { return x[0].norm(3, 0, /*keepdim=*/true); }},
      // linear algebra
      {"mm", [](const Inputs& x) { return x[0].mm(x[1]); }},
      {"matmul_1d_1d", [](const Inputs& x) { return x[0].matmul(x[1]); }},
      {"matmul_2d_1d", [](const Inputs& x) { return x[0].matmul(x[1]); }},
      {"matmul_1d_2d", [](const Inputs& x) { return x[0].matmul(x[1]); }},
      {"matmul_batched_2d", [](const Inputs& x) { return x[0].matmul(x[1]); }},
      {"matmul_broadcast", [](const Inputs& x) { return x[0].matmul(x[1]); }},
      {"matmul_1d_batched", [](const Inputs& x) { return x[0].matmul(x[1]); }},
      {"bmm", [](const Inputs& x) { return x[0].bmm(x[1]); }},
      {"linear", [](const Inputs& x) { return linear(x[0], x[1], x[2]); }},
      {"linear_no_bias_3d", [](const Inputs& x) { return linear(x[0], x[1]); }},
      {"einsum_matmul", [](const Inputs& x) { return einsum("ij,jk->ik", x); }},
      {"einsum_batch", [](const Inputs& x) { return einsum("bij,bjk->bik", x); }},
      {"einsum_trace", [](const Inputs& x) { return einsum("ii", x); }},
      {"einsum_diagonal", [](const Inputs& x) { return einsum("ii->i", x); }},
      {"einsum_outer", [](const Inputs& x) { return einsum("i,j->ij", x); }},
      {"einsum_transpose_sum", [](const Inputs& x) { return einsum("ijk->kj", x); }},
      {"einsum_implicit", [](const Inputs& x) { return einsum("ij,jk", x); }},
      {"einsum_ellipsis", [](const Inputs& x) { return einsum("...ij,...jk->...ik", x); }},
      {"einsum_three", [](const Inputs& x) { return einsum("ij,jk,kl->il", x); }},
      {"einsum_bilinear", [](const Inputs& x) { return einsum("bi,oij,bj->bo", x); }},
      // views and joins
      {"reshape", [](const Inputs& x) { return x[0].reshape({4, 3}) * 1.5; }},
      {"permute", [](const Inputs& x) { return x[0].permute({2, 0, 1}) * 1.5; }},
      {"transpose", [](const Inputs& x) { return x[0].transpose(0, 2) * 1.5; }},
      {"expand", [](const Inputs& x) { return x[0].expand({2, 3, 4}) * 1.5; }},
      {"slice", [](const Inputs& x) { return x[0].slice(1, 1, 3) * 1.5; }},
      {"slice_step", [](const Inputs& x) { return x[0].slice(1, std::nullopt, std::nullopt, 2) * 1.5; }},
      {"narrow", [](const Inputs& x) { return x[0].narrow(0, 1, 2) * 1.5; }},
      {"select", [](const Inputs& x) { return x[0].select(1, -1) * 1.5; }},
      {"unsqueeze_squeeze", [](const Inputs& x) { return x[0].unsqueeze(1).squeeze(0) * 1.5; }},
      {"flatten", [](const Inputs& x) { return x[0].flatten(1) * 1.5; }},
      {"diagonal", [](const Inputs& x) { return x[0].diagonal(1) * 1.5; }},
      {"cat", [](const Inputs& x) { return cat({x[0], x[1]}, 1); }},
      {"stack", [](const Inputs& x) { return stack({x[0], x[1]}, 1); }},
      {"index_select", [](const Inputs& x) { return x[0].index_select(0, x[1]); }},
      {"gather", [](const Inputs& x) { return x[0].gather(1, x[1]); }},
      // activations and losses
      {"softmax", [](const Inputs& x) { return x[0].softmax(1); }},
      {"softmax_dim0", [](const Inputs& x) { return x[0].softmax(0); }},
      {"log_softmax", [](const Inputs& x) { return x[0].log_softmax(1); }},
      {"log_softmax_large", [](const Inputs& x) { return (x[0] * 1000).log_softmax(1); }},
      {"mse_loss", [](const Inputs& x) { return mse_loss(x[0], x[1]); }},
      {"nll_loss", [](const Inputs& x) { return nll_loss(x[0], x[1]); }},
      {"cross_entropy", [](const Inputs& x) { return cross_entropy_loss(x[0], x[1]); }},
      {"cross_entropy_large", [](const Inputs& x) { return cross_entropy_loss(x[0] * 1000, x[1]); }},
      // comparisons
      {"gt", [](const Inputs& x) { return x[0] > x[1]; }},
      {"le_scalar", [](const Inputs& x) { return x[0] <= 0.25; }},
      {"eq", [](const Inputs& x) { return x[0] == x[1]; }},
      // added later (see the end of CASES in tools/gen_fixtures.py)
      {"log_softmax_3d_middle", [](const Inputs& x) { return x[0].log_softmax(1); }},
      {"log_softmax_neg_inf",
       [](const Inputs& x) {
         const Tensor mask = (arange(6) == 1).view({2, 3});
         return where(mask, 0.0, where(mask, -INFINITY, x[0]).log_softmax(1));
       }},
      // convolution and pooling
      {"conv2d", [](const Inputs& x) { return conv2d(x[0], x[1], x[2]); }},
      {"conv2d_stride_padding",
       [](const Inputs& x) { return conv2d(x[0], x[1], x[2], /*stride=*/{2, 1}, /*padding=*/{1, 2}); }},
      {"conv2d_dilation_no_bias",
       [](const Inputs& x) { return conv2d(x[0], x[1], {}, /*stride=*/1, /*padding=*/2, /*dilation=*/2); }},
      {"conv2d_1x1", [](const Inputs& x) { return conv2d(x[0], x[1], x[2]); }},
      {"conv2d_unbatched", [](const Inputs& x) { return conv2d(x[0], x[1]); }},
      {"max_pool2d", [](const Inputs& x) { return max_pool2d(x[0], 2); }},
      {"max_pool2d_stride_padding",
       [](const Inputs& x) { return max_pool2d(x[0], 3, /*stride=*/ExpandingArray<2>{1, 2}, /*padding=*/1); }},
      {"max_pool2d_dilation",
       [](const Inputs& x) { return max_pool2d(x[0], 2, /*stride=*/1, /*padding=*/0, /*dilation=*/2); }},
      {"avg_pool2d", [](const Inputs& x) { return avg_pool2d(x[0], 2); }},
      {"avg_pool2d_padding", [](const Inputs& x) { return avg_pool2d(x[0], 3, /*stride=*/2, /*padding=*/1); }},
      {"avg_pool2d_exclude_pad",
       [](const Inputs& x) {
         return avg_pool2d(x[0], 3, /*stride=*/2, /*padding=*/1, /*ceil_mode=*/false, /*count_include_pad=*/false);
       }},
      // today's activations
      {"gelu", [](const Inputs& x) { return gelu(x[0]); }},
      {"gelu_tanh", [](const Inputs& x) { return gelu(x[0], "tanh"); }},
      {"silu", [](const Inputs& x) { return silu(x[0]); }},
      {"leaky_relu", [](const Inputs& x) { return leaky_relu(x[0], 0.2); }},
      {"elu", [](const Inputs& x) { return elu(x[0], 0.7); }},
      {"softplus", [](const Inputs& x) { return softplus(x[0]); }},
      {"softplus_beta_threshold", [](const Inputs& x) { return softplus(x[0], /*beta=*/2, /*threshold=*/1); }},
      {"mish", [](const Inputs& x) { return mish(x[0]); }},
      {"hardswish", [](const Inputs& x) { return hardswish(x[0]); }},
      {"logsigmoid", [](const Inputs& x) { return log_sigmoid(x[0]); }},
      {"logsigmoid_large", [](const Inputs& x) { return log_sigmoid(x[0]); }},
      // losses on inputs and targets of one shape
      {"binary_cross_entropy", [](const Inputs& x) { return binary_cross_entropy(x[0], x[1]); }},
      {"binary_cross_entropy_weight_sum",
       [](const Inputs& x) {
         return binary_cross_entropy(x[0], x[1], tensor({0.5, 1.0, 1.5, 2.0}).to(x[0].dtype()), Reduction::Sum);
       }},
      {"bce_with_logits", [](const Inputs& x) { return binary_cross_entropy_with_logits(x[0], x[1]); }},
      {"bce_with_logits_pos_weight",
       [](const Inputs& x) {
         return binary_cross_entropy_with_logits(x[0], x[1], {}, tensor({0.5, 1.0, 2.0, 3.0}).to(x[0].dtype()));
       }},
      {"l1_loss", [](const Inputs& x) { return l1_loss(x[0], x[1]); }},
      {"smooth_l1_loss", [](const Inputs& x) { return smooth_l1_loss(x[0], x[1], Reduction::Mean, /*beta=*/0.5); }},
      {"huber_loss_none", [](const Inputs& x) { return huber_loss(x[0], x[1], Reduction::None, /*delta=*/0.7); }},
      {"kl_div_batchmean", [](const Inputs& x) { return kl_div(x[0], x[1], Reduction::BatchMean); }},
      {"kl_div_log_target", [](const Inputs& x) { return kl_div(x[0], x[1], Reduction::Sum, /*log_target=*/true); }},
      // batch normalisation
      {"batch_norm_train_2d", [](const Inputs& x) { return batch_norm(x[0], x[1], x[2], {}, {}, true, 0.1, 1e-5); }},
      {"batch_norm_train_1d", [](const Inputs& x) { return batch_norm(x[0], x[1], x[2], {}, {}, true, 0.1, 1e-3); }},
      {"batch_norm_eval",
       [](const Inputs& x) {
         const ScalarType t = x[0].dtype();
         return batch_norm(x[0], x[1], x[2], tensor({0.5, -1.0, 0.0}).to(t), tensor({2.0, 0.5, 1.0}).to(t), false, 0.1,
                           1e-5);
       }},
      // the rest of the normalisation family, groups, adaptive pooling, embedding
      {"layer_norm_last_dim", [](const Inputs& x) { return layer_norm(x[0], {4}, x[1], x[2]); }},
      {"layer_norm_two_dims", [](const Inputs& x) { return layer_norm(x[0], {3, 4}, x[1], x[2], 1e-3); }},
      {"group_norm", [](const Inputs& x) { return group_norm(x[0], 3, x[1], x[2]); }},
      {"instance_norm", [](const Inputs& x) { return instance_norm(x[0], x[1], x[2], {}, {}, true, 0.1, 1e-5); }},
      {"conv2d_groups", [](const Inputs& x) { return conv2d(x[0], x[1], x[2], 1, 1, 1, 2); }},
      {"conv2d_depthwise", [](const Inputs& x) { return conv2d(x[0], x[1], {}, 2, 1, 1, 3); }},
      {"adaptive_avg_pool2d", [](const Inputs& x) { return adaptive_avg_pool2d(x[0], {3, 2}); }},
      {"adaptive_max_pool2d", [](const Inputs& x) { return std::get<0>(adaptive_max_pool2d(x[0], {4, 3})); }},
      {"embedding", [](const Inputs& x) { return embedding(x[0], x[1]); }},
      {"avg_pool2d_ceil_mode", [](const Inputs& x) { return avg_pool2d(x[0], 2, {}, 0, /*ceil_mode=*/true); }},
      {"avg_pool2d_ceil_mode_padding", [](const Inputs& x) { return avg_pool2d(x[0], 3, 2, 1, /*ceil_mode=*/true); }},
      {"histc", [](const Inputs& x) { return histc(x[0], 7, -1, 1.5); }},
      {"histc_data_range", [](const Inputs& x) { return histc(x[0], 5); }},
      {"embedding_padding_idx", [](const Inputs& x) { return embedding(x[0], x[1], 2); }},
      {"cross_entropy_label_smoothing",
       [](const Inputs& x) { return F::cross_entropy(x[0], x[1], F::CrossEntropyFuncOptions().label_smoothing(0.1)); }},
      {"cross_entropy_weight",
       [](const Inputs& x) { return F::cross_entropy(x[0], x[1], F::CrossEntropyFuncOptions().weight(ce_weight(x[0]))); }},
      {"cross_entropy_ignore_index",
       [](const Inputs& x) { return F::cross_entropy(x[0], x[1], F::CrossEntropyFuncOptions().ignore_index(2)); }},
      {"cross_entropy_all_options_mean",
       [](const Inputs& x) {
         return nn::CrossEntropyLoss(
             nn::CrossEntropyLossOptions().weight(ce_weight(x[0])).ignore_index(1).label_smoothing(0.2))(x[0], x[1]);
       }},
      {"cross_entropy_all_options_sum",
       [](const Inputs& x) {
         return F::cross_entropy(
             x[0], x[1], F::CrossEntropyFuncOptions().weight(ce_weight(x[0])).label_smoothing(0.3).reduction(kSum));
       }},
      {"cross_entropy_smoothing_none",
       [](const Inputs& x) {
         return cross_entropy_loss(x[0], x[1], Tensor(), kNone, /*ignore_index=*/0, /*label_smoothing=*/0.25);
       }},
      {"clip_grad_norm",
       [](const Inputs& x) { return clipped(x, [](auto& p) { return nn::utils::clip_grad_norm_(p, 1.0); }); }},
      {"clip_grad_norm_inf",
       [](const Inputs& x) { return clipped(x, [](auto& p) { return nn::utils::clip_grad_norm_(p, 0.5, INFINITY); }); }},
      {"clip_grad_norm_p3",
       [](const Inputs& x) { return clipped(x, [](auto& p) { return nn::utils::clip_grad_norm_(p, 0.7, 3); }); }},
      {"clip_grad_norm_below_max",
       [](const Inputs& x) { return clipped(x, [](auto& p) { return nn::utils::clip_grad_norm_(p, 100.0); }); }},
      {"clip_grad_value", [](const Inputs& x) {
         return clipped(x, [](auto& p) -> std::optional<double> {
           nn::utils::clip_grad_value_(p, 0.3);
           return std::nullopt;
         });
       }},
      {"max_pool2d_ceil_mode", [](const Inputs& x) { return max_pool2d(x[0], 2, {}, 0, 1, /*ceil_mode=*/true); }},
      {"max_pool2d_ceil_mode_padding",
       [](const Inputs& x) {
         return max_pool2d(x[0], ExpandingArray<2>{3, 2}, /*stride=*/2, /*padding=*/1, /*dilation=*/1, /*ceil_mode=*/true);
       }},
      {"max_pool2d_ceil_mode_dilation",
       [](const Inputs& x) { return max_pool2d(x[0], 2, /*stride=*/2, /*padding=*/0, /*dilation=*/2, /*ceil_mode=*/true); }},
  };
  return table;
}

// Same values, other strides: a transposed layout where that is not contiguous, else every
// element two apart (a strided view into a larger buffer).
Tensor non_contiguous(const Tensor& x) {
  if (x.dim() == 0) return x;
  if (x.dim() >= 2) {
    Tensor t = x.transpose(0, -1).contiguous().transpose(0, -1);
    if (!t.is_contiguous()) return t;
  }
  return stack({x, zeros_like(x)}, -1).select(-1, 0);
}

// Float inputs in `dtype`, marked as requiring grad; others unchanged.
Inputs prepare(const testing::FixtureCase& c, ScalarType dtype, bool contiguous) {
  Inputs out;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    Tensor x = c.inputs[i].is_floating_point() ? c.inputs[i].to(dtype) : c.inputs[i];
    if (!contiguous) x = non_contiguous(x);
    if (c.differentiable[i]) x.requires_grad_();
    out.push_back(x);
  }
  return out;
}

class TorchReference : public ::testing::TestWithParam<std::string> {
 protected:
  const testing::FixtureCase& fixture() const { return fixture_cases().at(GetParam()); }
  const OpFn& op() const { return op_table().at(GetParam()); }

  void check_against_torch(bool contiguous) {
    const auto& c = fixture();
    const Inputs inputs = prepare(c, kFloat32, contiguous);
    if (!contiguous)
      for (const Tensor& x : inputs)
        if (x.dim() >= 1 && x.numel() > 1) ASSERT_FALSE(x.is_contiguous());
    const Tensor out = op()(inputs);
    ASSERT_EQ(out.dtype(), c.output.dtype());
    EXPECT_TENSOR_NEAR(out, c.output, 1e-4, 1e-5);
    if (!c.cotangent.defined()) return;
    (out * c.cotangent.to(kFloat32)).sum().backward();
    for (const auto& [index, expected] : c.grads) {
      SCOPED_TRACE("gradient of input " + std::to_string(index));
      EXPECT_TENSOR_NEAR(inputs[index].grad(), expected, 1e-4, 1e-5);
    }
  }
};

TEST_P(TorchReference, MatchesTorch) { check_against_torch(/*contiguous=*/true); }
TEST_P(TorchReference, MatchesTorchNonContiguous) { check_against_torch(/*contiguous=*/false); }

TEST_P(TorchReference, Gradcheck) {
  const auto& c = fixture();
  if (!c.cotangent.defined()) {
    // Comparisons and indices have no gradient; check that autograd agrees.
    const Inputs inputs = prepare(c, kFloat64, false);
    EXPECT_FALSE(op()(inputs).requires_grad());
    return;
  }
  // padding_idx withholds a row's gradient by design (PyTorch's too; MatchesTorch checks that):
  // finite differences check the lookup without it.
  const bool padded = GetParam() == "embedding_padding_idx";
  const auto lookup = [](const Inputs& x) { return embedding(x[0], x[1]); };
  const auto result = autograd::gradcheck(padded ? OpFn(lookup) : op(), prepare(c, kFloat64, /*contiguous=*/false));
  EXPECT_TRUE(result.ok) << result.message;
}

std::vector<std::string> case_names() {
  std::vector<std::string> names;
  for (const auto& [name, fn] : op_table()) names.push_back(name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(Ops, TorchReference, ::testing::ValuesIn(case_names()),
                         [](const auto& info) { return info.param; });

TEST(TorchReferenceTable, CoversEveryFixture) {
  for (const auto& [name, c] : fixture_cases()) EXPECT_TRUE(op_table().count(name)) << "no C++ twin for fixture " << name;
  for (const auto& [name, fn] : op_table()) EXPECT_TRUE(fixture_cases().count(name)) << "no fixture for " << name;
}

}  // namespace
}  // namespace ember
