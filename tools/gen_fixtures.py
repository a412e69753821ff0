#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures under tests/reference/fixtures/:
  ops.txt               values and gradients of every op case (below);
  optim.txt             parameter trajectories of optimisers and LR schedules (optim_cases());
  torch_mlp.safetensors a torch.nn.Sequential's state_dict, plus torch_mlp_io.safetensors with an
                        input and the model's output, to check that ember loads PyTorch weights;
  torch_cnn.safetensors the same for a small CNN (convolutions and both poolings), with
                        torch_cnn_io.safetensors.

Run with Debian's python3-torch (apt-get install python3-torch):
    /usr/bin/python3 tools/gen_fixtures.py

Each case names an op (the C++ twin lives in tests/ops/torch_reference_test.cpp under the same
name), its inputs (stored exactly, so the RNGs never need to agree), the float32 result, a
random cotangent c, and the gradient of sum(result * c) with respect to each float input.
Inputs are drawn away from the points where an op is not differentiable, so the same inputs
also serve the float64 finite-difference checks.

Text format, one record per line:
    case NAME
    input DTYPE REQUIRES_GRAD NDIM DIMS... VALUES...
    output DTYPE NDIM DIMS... VALUES...
    cotangent NDIM DIMS... VALUES...
    grad INPUT_INDEX NDIM DIMS... VALUES...
    end
"""
import os
import torch

torch.manual_seed(0)
G = torch.Generator().manual_seed(1234)
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "reference", "fixtures", "ops.txt")


# ---- input makers: each returns a float64 (or int64/bool) tensor -----------------------------
def randn(*shape):
    return torch.randn(*shape, generator=G, dtype=torch.float64)


G_LATER = torch.Generator().manual_seed(4321)


def later_randn(*shape):  # for cases added after the first fixtures were written (see CASES' end)
    return torch.randn(*shape, generator=G_LATER, dtype=torch.float64)


def later_distinct(*shape):  # no ties (for max pooling), from the later generator
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n, generator=G_LATER).to(torch.float64) / n * 4 - 2).reshape(shape)


def later_ints(high, *shape):  # int64 in [0, high), from the later generator
    return torch.randint(0, high, shape, generator=G_LATER)


def clipped(fn, *grads):
    """Gradients set on fresh parameters, clipped by fn, returned flattened (and fn's result last)."""
    params = [torch.zeros_like(g, requires_grad=True) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.detach().clone()
    result = fn(params)
    out = [p.grad.flatten() for p in params]
    if result is not None:
        out.append(result.reshape(1).to(grads[0].dtype))
    return torch.cat(out)


CE_WEIGHT = torch.tensor([0.5, 1.0, 2.0, 1.5, 0.25], dtype=torch.float64)  # cross_entropy's class weights
NEG_INF_MASK = torch.tensor([[False, True, False], [False, False, False]])


def pos(*shape):  # strictly positive, for log / sqrt / pow
    return torch.rand(*shape, generator=G, dtype=torch.float64) * 2 + 0.2


def away(*shape):  # |x| >= 0.1: away from the kinks of relu, abs, clamp at 0
    x = randn(*shape)
    return torch.where(x.abs() < 0.1, torch.sign(x) * 0.1 + x, x)


def distinct(*shape):  # no ties, for max / min / argmax
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n, generator=G).to(torch.float64) / n * 4 - 2).reshape(shape)


def ints(high, *shape):
    return torch.randint(0, high, shape, generator=G)


def boolean(*shape):
    return torch.rand(*shape, generator=G) > 0.5


# ---- the cases: name -> (function of float32 torch tensors, inputs) ---------------------------
CASES = {
    # arithmetic and broadcasting
    "add": (lambda a, b: a + b, [randn(3, 4), randn(3, 4)]),
    "add_broadcast_trailing": (lambda a, b: a + b, [randn(2, 3, 4), randn(4)]),
    "add_broadcast_both": (lambda a, b: a + b, [randn(3, 1), randn(1, 4)]),
    "add_scalar": (lambda a: a + 2.5, [randn(3, 4)]),
    "add_alpha": (lambda a, b: torch.add(a, b, alpha=2), [randn(3, 4), randn(4)]),
    "sub_broadcast": (lambda a, b: a - b, [randn(3, 4), randn(3, 1)]),
    "rsub_scalar": (lambda a: 2 - a, [randn(3, 4)]),
    "mul_broadcast": (lambda a, b: a * b, [randn(2, 3), randn(3)]),
    "mul_scalar": (lambda a: a * 3, [randn(3, 4)]),
    "div_broadcast": (lambda a, b: a / b, [randn(2, 3), pos(3)]),
    "rdiv_scalar": (lambda a: 1 / a, [pos(3, 4)]),
    "neg": (lambda a: -a, [randn(3, 4)]),
    # unary math
    "exp": (torch.exp, [randn(3, 4)]),
    "log": (torch.log, [pos(3, 4)]),
    "sqrt": (torch.sqrt, [pos(3, 4)]),
    "rsqrt": (torch.rsqrt, [pos(3, 4)]),
    "abs": (torch.abs, [away(3, 4)]),
    "sin": (torch.sin, [randn(3, 4)]),
    "cos": (torch.cos, [randn(3, 4)]),
    "tanh": (torch.tanh, [randn(3, 4)]),
    "sigmoid": (torch.sigmoid, [randn(3, 4)]),
    "relu": (torch.relu, [away(3, 4)]),
    "pow_scalar": (lambda a: a ** 2.5, [pos(3, 4)]),
    "pow_int": (lambda a: a ** 3, [randn(3, 4)]),
    "pow_tensor": (lambda a, b: a ** b, [pos(3, 4), randn(4)]),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), [away(4, 5)]),
    "clamp_min": (lambda a: a.clamp_min(0.2), [away(4, 5)]),
    "clamp_max": (lambda a: a.clamp_max(-0.2), [away(4, 5)]),
    "maximum": (torch.maximum, [distinct(3, 4), distinct(4)]),
    "minimum": (torch.minimum, [distinct(3, 4), distinct(3, 1)]),
    "where": (lambda c, a, b: torch.where(c, a, b), [boolean(3, 4), randn(3, 4), randn(4)]),
    # reductions
    "sum_all": (lambda a: a.sum(), [randn(3, 4)]),
    "sum_dim": (lambda a: a.sum(1), [randn(3, 4)]),
    "sum_dims_keepdim": (lambda a: a.sum((0, 2), keepdim=True), [randn(2, 3, 4)]),
    "sum_last_dims": (lambda a: a.sum((1, 2)), [randn(2, 3, 4)]),
    "mean_all": (lambda a: a.mean(), [randn(3, 4)]),
    "mean_dim": (lambda a: a.mean(0), [randn(3, 4)]),
    "prod_all": (lambda a: a.prod(), [pos(2, 3)]),
    "prod_dim": (lambda a: a.prod(1), [randn(3, 4)]),
    "amax_dim": (lambda a: a.amax(1), [distinct(3, 4)]),
    "amin_dims": (lambda a: a.amin((0, 2), keepdim=True), [distinct(2, 3, 4)]),
    "max_all": (lambda a: a.max(), [distinct(3, 4)]),
    "min_all": (lambda a: a.min(), [distinct(3, 4)]),
    "max_dim_values": (lambda a: a.max(1).values, [distinct(3, 4)]),
    "max_dim_indices": (lambda a: a.max(1).indices, [distinct(3, 4)]),
    "min_dim_keepdim_values": (lambda a: a.min(0, keepdim=True).values, [distinct(3, 4)]),
    "argmax_dim": (lambda a: a.argmax(1), [distinct(3, 4)]),
    "argmin_all": (lambda a: a.argmin(), [distinct(3, 4)]),
    "var_all": (lambda a: a.var(), [randn(3, 4)]),
    "var_dim": (lambda a: a.var(1), [randn(3, 4)]),
    "var_biased_keepdim": (lambda a: a.var(0, unbiased=False, keepdim=True), [randn(3, 4)]),
    "std_dim": (lambda a: a.std(1), [randn(3, 4)]),
    "logsumexp_dim": (lambda a: a.logsumexp(1), [randn(3, 4)]),
    "logsumexp_large": (lambda a: (a * 1000).logsumexp(1), [randn(3, 4)]),
    "norm_all": (lambda a: a.norm(), [randn(3, 4)]),
    "norm_dim": (lambda a: a.norm(2, 1), [randn(3, 4)]),
    "norm_p1": (lambda a: a.norm(1), [away(3, 4)]),
    "norm_p3_dim": (lambda a: a.norm(3, 0, keepdim=True), [away(3, 4)]),
    # linear algebra
    "mm": (torch.mm, [randn(3, 4), randn(4, 5)]),
    "matmul_1d_1d": (torch.matmul, [randn(4), randn(4)]),
    "matmul_2d_1d": (torch.matmul, [randn(3, 4), randn(4)]),
    "matmul_1d_2d": (torch.matmul, [randn(4), randn(4, 5)]),
    "matmul_batched_2d": (torch.matmul, [randn(2, 3, 4), randn(4, 5)]),
    "matmul_broadcast": (torch.matmul, [randn(2, 1, 3, 4), randn(5, 4, 2)]),
    "matmul_1d_batched": (torch.matmul, [randn(4), randn(2, 4, 3)]),
    "bmm": (torch.bmm, [randn(2, 3, 4), randn(2, 4, 5)]),
    "linear": (torch.nn.functional.linear, [randn(4, 3), randn(5, 3), randn(5)]),
    "linear_no_bias_3d": (torch.nn.functional.linear, [randn(2, 4, 3), randn(5, 3)]),
    "einsum_matmul": (lambda a, b: torch.einsum("ij,jk->ik", a, b), [randn(3, 4), randn(4, 5)]),
    "einsum_batch": (lambda a, b: torch.einsum("bij,bjk->bik", a, b), [randn(2, 3, 4), randn(2, 4, 5)]),
    "einsum_trace": (lambda a: torch.einsum("ii", a), [randn(4, 4)]),
    "einsum_diagonal": (lambda a: torch.einsum("ii->i", a), [randn(4, 4)]),
    "einsum_outer": (lambda a, b: torch.einsum("i,j->ij", a, b), [randn(3), randn(4)]),
    "einsum_transpose_sum": (lambda a: torch.einsum("ijk->kj", a), [randn(2, 3, 4)]),
    "einsum_implicit": (lambda a, b: torch.einsum("ij,jk", a, b), [randn(3, 4), randn(4, 5)]),
    "einsum_ellipsis": (lambda a, b: torch.einsum("...ij,...jk->...ik", a, b), [randn(2, 3, 4), randn(2, 4, 5)]),
    "einsum_three": (lambda a, b, c: torch.einsum("ij,jk,kl->il", a, b, c), [randn(2, 3), randn(3, 4), randn(4, 5)]),
    "einsum_bilinear": (lambda a, w, b: torch.einsum("bi,oij,bj->bo", a, w, b), [randn(2, 3), randn(4, 3, 5), randn(2, 5)]),
    # views and joins
    "reshape": (lambda a: a.reshape(4, 3) * 1.5, [randn(3, 4)]),
    "permute": (lambda a: a.permute(2, 0, 1) * 1.5, [randn(2, 3, 4)]),
    "transpose": (lambda a: a.transpose(0, 2) * 1.5, [randn(2, 3, 4)]),
    "expand": (lambda a: a.expand(2, 3, 4) * 1.5, [randn(3, 1)]),
    "slice": (lambda a: a[:, 1:3] * 1.5, [randn(3, 4)]),
    "slice_step": (lambda a: a[:, ::2] * 1.5, [randn(3, 5)]),
    "narrow": (lambda a: a.narrow(0, 1, 2) * 1.5, [randn(3, 4)]),
    "select": (lambda a: a.select(1, -1) * 1.5, [randn(3, 4)]),
    "unsqueeze_squeeze": (lambda a: a.unsqueeze(1).squeeze(0) * 1.5, [randn(1, 4)]),
    "flatten": (lambda a: a.flatten(1) * 1.5, [randn(2, 3, 4)]),
    "diagonal": (lambda a: a.diagonal(1) * 1.5, [randn(3, 4)]),
    "cat": (lambda a, b: torch.cat([a, b], 1), [randn(2, 3), randn(2, 2)]),
    "stack": (lambda a, b: torch.stack([a, b], 1), [randn(2, 3), randn(2, 3)]),
    "index_select": (lambda a, i: a.index_select(0, i), [randn(4, 3), torch.tensor([2, 0, 2])]),
    "gather": (lambda a, i: a.gather(1, i), [randn(3, 4), ints(4, 3, 2)]),
    # activations and losses
    "softmax": (lambda a: a.softmax(1), [randn(3, 5)]),
    "softmax_dim0": (lambda a: a.softmax(0), [randn(3, 5)]),
    "log_softmax": (lambda a: a.log_softmax(1), [randn(3, 5)]),
    "log_softmax_large": (lambda a: (a * 1000).log_softmax(1), [randn(3, 5)]),
    "mse_loss": (torch.nn.functional.mse_loss, [randn(4, 3), randn(4, 3)]),
    "nll_loss": (torch.nn.functional.nll_loss, [randn(4, 5), torch.tensor([1, 0, 4, 2])]),
    "cross_entropy": (torch.nn.functional.cross_entropy, [randn(4, 5), torch.tensor([1, 0, 4, 2])]),
    "cross_entropy_large": (lambda a, t: torch.nn.functional.cross_entropy(a * 1000, t), [randn(4, 5), torch.tensor([3, 3, 0, 1])]),
    # comparisons (values only)
    "gt": (lambda a, b: a > b, [randn(3, 4), randn(4)]),
    "le_scalar": (lambda a: a <= 0.25, [randn(3, 4)]),
    "eq": (lambda a, b: a == b, [torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 0.0, 3.0])]),
    # Cases added later draw their inputs from a generator of their own and go last, so that the
    # inputs and cotangents of every earlier case stay as they were.
    "log_softmax_3d_middle": (lambda a: a.log_softmax(1), [later_randn(2, 4, 3)]),
    # a -inf logit (a masked class) gets probability 0; its output, -inf, is then masked to 0 so
    # that the finite-difference check has finite outputs to difference
    "log_softmax_neg_inf": (lambda a: a.masked_fill(NEG_INF_MASK, float("-inf")).log_softmax(1).masked_fill(NEG_INF_MASK, 0),
                            [later_randn(2, 3)]),
    # convolution and pooling
    "conv2d": (torch.nn.functional.conv2d, [later_randn(2, 3, 6, 5), later_randn(4, 3, 3, 3), later_randn(4)]),
    "conv2d_stride_padding": (lambda x, w, b: torch.nn.functional.conv2d(x, w, b, stride=(2, 1), padding=(1, 2)),
                              [later_randn(2, 2, 7, 6), later_randn(3, 2, 3, 2), later_randn(3)]),
    "conv2d_dilation_no_bias": (lambda x, w: torch.nn.functional.conv2d(x, w, padding=2, dilation=2),
                                [later_randn(1, 2, 7, 7), later_randn(2, 2, 3, 3)]),
    "conv2d_1x1": (torch.nn.functional.conv2d, [later_randn(2, 4, 3, 3), later_randn(5, 4, 1, 1), later_randn(5)]),
    "conv2d_unbatched": (torch.nn.functional.conv2d, [later_randn(2, 5, 5), later_randn(3, 2, 3, 3)]),
    "max_pool2d": (lambda x: torch.nn.functional.max_pool2d(x, 2), [later_distinct(2, 3, 6, 6)]),
    "max_pool2d_stride_padding": (lambda x: torch.nn.functional.max_pool2d(x, 3, stride=(1, 2), padding=1),
                                  [later_distinct(1, 2, 5, 6)]),
    "max_pool2d_dilation": (lambda x: torch.nn.functional.max_pool2d(x, 2, stride=1, dilation=2),
                            [later_distinct(1, 1, 6, 7)]),
    "avg_pool2d": (lambda x: torch.nn.functional.avg_pool2d(x, 2), [later_randn(2, 3, 6, 6)]),
    "avg_pool2d_padding": (lambda x: torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1),
                           [later_randn(1, 2, 7, 6)]),
    "avg_pool2d_exclude_pad": (lambda x: torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1,
                                                                        count_include_pad=False),
                               [later_randn(1, 2, 7, 6)]),
    # today's activations (inputs spread over [-6, 6] so every branch and tail is met)
    "gelu": (torch.nn.functional.gelu, [later_randn(3, 4) * 3]),
    "gelu_tanh": (lambda a: torch.nn.functional.gelu(a, approximate="tanh"), [later_randn(3, 4) * 3]),
    "silu": (torch.nn.functional.silu, [later_randn(3, 4) * 3]),
    "leaky_relu": (lambda a: torch.nn.functional.leaky_relu(a, 0.2), [later_randn(3, 4) * 3]),
    "elu": (lambda a: torch.nn.functional.elu(a, 0.7), [later_randn(3, 4) * 3]),
    "softplus": (torch.nn.functional.softplus, [later_randn(3, 4) * 3]),
    "softplus_beta_threshold": (lambda a: torch.nn.functional.softplus(a, beta=2, threshold=1), [later_randn(3, 4) * 3]),
    "mish": (torch.nn.functional.mish, [later_randn(3, 4) * 3]),
    "hardswish": (torch.nn.functional.hardswish, [later_randn(3, 4) * 3]),
    "logsigmoid": (torch.nn.functional.logsigmoid, [later_randn(3, 4) * 3]),
    "logsigmoid_large": (torch.nn.functional.logsigmoid, [later_randn(3, 4) * 60]),
    # losses on inputs and targets of one shape (probabilities kept in (0.05, 0.95) for bce)
    "binary_cross_entropy": (torch.nn.functional.binary_cross_entropy,
                             [torch.sigmoid(later_randn(3, 4) * 1.2), torch.rand(3, 4, generator=G_LATER, dtype=torch.float64)]),
    "binary_cross_entropy_weight_sum": (lambda x, t: torch.nn.functional.binary_cross_entropy(
                                            x, t, torch.tensor([0.5, 1.0, 1.5, 2.0]), reduction="sum"),
                                        [torch.sigmoid(later_randn(3, 4)), torch.rand(3, 4, generator=G_LATER, dtype=torch.float64)]),
    "bce_with_logits": (torch.nn.functional.binary_cross_entropy_with_logits,
                        [later_randn(3, 4) * 3, torch.rand(3, 4, generator=G_LATER, dtype=torch.float64)]),
    "bce_with_logits_pos_weight": (lambda x, t: torch.nn.functional.binary_cross_entropy_with_logits(
                                       x, t, pos_weight=torch.tensor([0.5, 1.0, 2.0, 3.0])),
                                   [later_randn(3, 4) * 30, torch.rand(3, 4, generator=G_LATER, dtype=torch.float64)]),
    "l1_loss": (torch.nn.functional.l1_loss, [later_randn(3, 4), later_randn(3, 4)]),
    "smooth_l1_loss": (lambda x, t: torch.nn.functional.smooth_l1_loss(x, t, beta=0.5), [later_randn(3, 4), later_randn(3, 4)]),
    "huber_loss_none": (lambda x, t: torch.nn.functional.huber_loss(x, t, reduction="none", delta=0.7),
                        [later_randn(3, 4), later_randn(3, 4)]),
    "kl_div_batchmean": (lambda x, t: torch.nn.functional.kl_div(x, t, reduction="batchmean"),
                         [later_randn(3, 4).log_softmax(1), later_randn(3, 4).softmax(1)]),
    "kl_div_log_target": (lambda x, t: torch.nn.functional.kl_div(x, t, reduction="sum", log_target=True),
                          [later_randn(3, 4).log_softmax(1), later_randn(3, 4).log_softmax(1)]),
    # batch normalisation: batch statistics (training), and given running statistics (eval)
    "batch_norm_train_2d": (lambda x, w, b: torch.nn.functional.batch_norm(x, None, None, w, b, training=True),
                            [later_randn(4, 3, 2, 2) * 2 + 1, later_randn(3), later_randn(3)]),
    "batch_norm_train_1d": (lambda x, w, b: torch.nn.functional.batch_norm(x, None, None, w, b, training=True, eps=1e-3),
                            [later_randn(5, 3), later_randn(3), later_randn(3)]),
    "batch_norm_eval": (lambda x, w, b: torch.nn.functional.batch_norm(
                            x, torch.tensor([0.5, -1.0, 0.0]), torch.tensor([2.0, 0.5, 1.0]), w, b, training=False),
                        [later_randn(4, 3, 2), later_randn(3), later_randn(3)]),
    # the rest of the normalisation family, grouped and depthwise convolution, adaptive pooling,
    # embedding
    "layer_norm_last_dim": (lambda x, w, b: torch.nn.functional.layer_norm(x, (4,), w, b),
                            [later_randn(3, 4) * 3 + 1, later_randn(4), later_randn(4)]),
    "layer_norm_two_dims": (lambda x, w, b: torch.nn.functional.layer_norm(x, (3, 4), w, b, eps=1e-3),
                            [later_randn(2, 3, 4), later_randn(3, 4), later_randn(3, 4)]),
    "group_norm": (lambda x, w, b: torch.nn.functional.group_norm(x, 3, w, b),
                   [later_randn(2, 6, 3, 3) * 2, later_randn(6), later_randn(6)]),
    "instance_norm": (lambda x, w, b: torch.nn.functional.instance_norm(x, weight=w, bias=b),
                      [later_randn(2, 3, 4, 4) + 1, later_randn(3), later_randn(3)]),
    "conv2d_groups": (lambda x, w, b: torch.nn.functional.conv2d(x, w, b, padding=1, groups=2),
                      [later_randn(2, 4, 5, 5), later_randn(6, 2, 3, 3), later_randn(6)]),
    "conv2d_depthwise": (lambda x, w: torch.nn.functional.conv2d(x, w, stride=2, padding=1, groups=3),
                         [later_randn(2, 3, 6, 6), later_randn(3, 1, 3, 3)]),
    "adaptive_avg_pool2d": (lambda x: torch.nn.functional.adaptive_avg_pool2d(x, (3, 2)), [later_randn(2, 3, 7, 5)]),
    "adaptive_max_pool2d": (lambda x: torch.nn.functional.adaptive_max_pool2d(x, (4, 3)), [later_distinct(2, 2, 6, 7)]),
    "embedding": (lambda w, i: torch.nn.functional.embedding(i, w), [later_randn(10, 3), later_ints(10, 2, 4)]),
    "embedding_padding_idx": (lambda w, i: torch.nn.functional.embedding(i, w, padding_idx=2),
                              [later_randn(5, 3), torch.tensor([[2, 0, 2], [4, 2, 1]])]),
    # ceil_mode (XResNet's shortcut pooling)
    "avg_pool2d_ceil_mode": (lambda x: torch.nn.functional.avg_pool2d(x, 2, ceil_mode=True), [later_randn(2, 2, 7, 5)]),
    "avg_pool2d_ceil_mode_padding": (lambda x: torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
                                     [later_randn(1, 2, 6, 8)]),
    # the course's telemetry histograms (no gradient)
    "histc": (lambda a: torch.histc(a, 7, -1, 1.5), [later_randn(60)]),
    "histc_data_range": (lambda a: torch.histc(a, 5), [later_randn(3, 4)]),
    # cross_entropy's options (10b: label smoothing; class weights; ignore_index)
    "cross_entropy_label_smoothing": (lambda x, t: torch.nn.functional.cross_entropy(x, t, label_smoothing=0.1),
                                      [later_randn(6, 5), later_ints(5, 6)]),
    "cross_entropy_weight": (lambda x, t: torch.nn.functional.cross_entropy(x, t, weight=CE_WEIGHT.to(x.dtype)),
                             [later_randn(6, 5), later_ints(5, 6)]),
    "cross_entropy_ignore_index": (lambda x, t: torch.nn.functional.cross_entropy(x, t, ignore_index=2),
                                   [later_randn(6, 5), torch.tensor([2, 0, 4, 2, 1, 3])]),
    "cross_entropy_all_options_mean": (lambda x, t: torch.nn.functional.cross_entropy(
        x, t, weight=CE_WEIGHT.to(x.dtype), ignore_index=1, label_smoothing=0.2), [later_randn(6, 5), torch.tensor([1, 0, 4, 1, 2, 3])]),
    "cross_entropy_all_options_sum": (lambda x, t: torch.nn.functional.cross_entropy(
        x, t, weight=CE_WEIGHT.to(x.dtype), label_smoothing=0.3, reduction="sum"), [later_randn(6, 5), torch.tensor([1, -100, 4, 0, 2, 3])]),
    "cross_entropy_smoothing_none": (lambda x, t: torch.nn.functional.cross_entropy(
        x, t, label_smoothing=0.25, reduction="none", ignore_index=0), [later_randn(6, 5), torch.tensor([1, 0, 4, 0, 2, 3])]),
    # gradient clipping (no gradient of its own): the clipped gradients, then the total norm
    "clip_grad_norm": (lambda a, b: clipped(lambda p: torch.nn.utils.clip_grad_norm_(p, 1.0), a, b),
                       [later_randn(3, 4), later_randn(5)]),
    "clip_grad_norm_inf": (lambda a, b: clipped(lambda p: torch.nn.utils.clip_grad_norm_(p, 0.5, norm_type=float("inf")), a, b),
                           [later_randn(3, 4), later_randn(5)]),
    "clip_grad_norm_p3": (lambda a, b: clipped(lambda p: torch.nn.utils.clip_grad_norm_(p, 0.7, norm_type=3), a, b),
                          [later_randn(3, 4), later_randn(5)]),
    "clip_grad_norm_below_max": (lambda a, b: clipped(lambda p: torch.nn.utils.clip_grad_norm_(p, 100.0), a, b),
                                 [later_randn(3, 4), later_randn(5)]),
    "clip_grad_value": (lambda a, b: clipped(lambda p: torch.nn.utils.clip_grad_value_(p, 0.3), a, b),
                        [later_randn(3, 4), later_randn(5)]),
    "max_pool2d_ceil_mode": (lambda x: torch.nn.functional.max_pool2d(x, 2, ceil_mode=True), [later_distinct(2, 2, 7, 5)]),
    # Kernel (3, 2), stride 2, padding 1. 8 rows: 5 windows rounding up (4 down). 5 columns: a
    # fourth window would start in the right padding, so it is dropped, 3 as rounding down gives.
    "max_pool2d_ceil_mode_padding": (lambda x: torch.nn.functional.max_pool2d(x, (3, 2), stride=2, padding=1, ceil_mode=True),
                                     [later_distinct(1, 2, 8, 5)]),
    "max_pool2d_ceil_mode_dilation": (lambda x: torch.nn.functional.max_pool2d(x, 2, stride=2, dilation=2, ceil_mode=True),
                                      [later_distinct(1, 1, 7, 8)]),
}


def fmt(t):
    t = t.detach().reshape(-1)
    if t.dtype == torch.bool:
        vals = " ".join("1" if v else "0" for v in t.tolist())
    elif t.dtype.is_floating_point:
        vals = " ".join(repr(float(v)) for v in t.double().tolist())
    else:
        vals = " ".join(str(int(v)) for v in t.tolist())
    return vals


def dims(t):
    return " ".join([str(t.dim())] + [str(s) for s in t.shape])


def dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def write_safetensors(path, tensors):
    """The safetensors format, written by hand (the safetensors package is not in Debian):
    8-byte little-endian header length, JSON header, raw little-endian data."""
    import json
    import struct
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.bfloat16: "BF16", torch.float16: "F16"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        data = (t.view(torch.int16) if t.element_size() == 2 else t).numpy().tobytes()  # numpy has no bfloat16
        header[name] = {"dtype": codes[t.dtype],
                        "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_torch_model(folder):
    torch.manual_seed(7)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    x = torch.randn(5, 2, 2)
    write_safetensors(os.path.join(folder, "torch_mlp.safetensors"), model.state_dict())
    write_safetensors(os.path.join(folder, "torch_mlp_io.safetensors"), {"input": x, "output": model(x)})


def write_torch_cnn(folder):
    torch.manual_seed(8)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Conv2d(3, 4, 3, stride=1), torch.nn.ReLU(), torch.nn.AvgPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(4, 2))
    x = torch.randn(2, 1, 8, 8)
    write_safetensors(os.path.join(folder, "torch_cnn.safetensors"), model.state_dict())
    write_safetensors(os.path.join(folder, "torch_cnn_io.safetensors"), {"input": x, "output": model(x)})


def write_torch_batchnorm(folder):
    """Running statistics after three training steps, then an eval-mode output, for a
    BatchNorm2d with momentum 0.2 and a BatchNorm1d with momentum None (a cumulative average)."""
    g = torch.Generator().manual_seed(9)
    bn2, bn1 = torch.nn.BatchNorm2d(3, momentum=0.2), torch.nn.BatchNorm1d(4, momentum=None)
    with torch.no_grad():
        bn2.weight.copy_(torch.randn(3, generator=g))
        bn2.bias.copy_(torch.randn(3, generator=g))
    out = {"bn2.weight": bn2.weight, "bn2.bias": bn2.bias}
    for step in range(3):
        x2, x1 = torch.randn(4, 3, 2, 2, generator=g) * 2 + 1, torch.randn(6, 4, generator=g) - 0.5
        out[f"bn2.train_input_{step}"], out[f"bn1.train_input_{step}"] = x2, x1
        out[f"bn2.train_output_{step}"] = bn2(x2)
        bn1(x1)
    bn2.eval()
    bn1.eval()
    x2, x1 = torch.randn(2, 3, 2, 2, generator=g), torch.randn(3, 4, generator=g)
    out.update({"bn2.eval_input": x2, "bn2.eval_output": bn2(x2), "bn1.eval_input": x1, "bn1.eval_output": bn1(x1)})
    for name, t in bn2.named_buffers():
        out["bn2." + name] = t
    for name, t in bn1.named_buffers():
        out["bn1." + name] = t
    write_safetensors(os.path.join(folder, "torch_batchnorm.safetensors"), {k: v.detach() for k, v in out.items()})


def write_torch_resnet(folder):
    """The PyTorch twins of ember::models (bench/compare/torch_models.py) after two training-mode
    forwards (so the running statistics are not the defaults): every parameter and buffer, an
    input batch, and the eval-mode logits."""
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench", "compare"))
    import torch_models
    torch.manual_seed(11)
    # Small members of each family (one block per stage, two XResNet stages) keep the file ~3 MB.
    nets = {"resnet": torch_models.ResNet(blocks=1, c_in=1, classes=10),
            "xresnet": torch_models.xresnet(1, [1, 1], 1, 10),
            "xresnet_bottleneck": torch_models.xresnet(4, [1, 1], 1, 10),
            "bn_cnn": torch_models.bn_cnn(1, 10)}
    g = torch.Generator().manual_seed(12)
    out = {}
    for name, net in nets.items():
        with torch.no_grad():
            for p in net.parameters():  # zero-initialised BatchNorm weights would hide the blocks
                if p.dim() == 1:
                    p.copy_(torch.rand(p.shape, generator=g) + 0.5)
            for _ in range(2):
                net(torch.randn(4, 1, 28, 28, generator=g))
        net.eval()
        x = torch.randn(3, 1, 28, 28, generator=g)
        out[f"{name}.input"], out[f"{name}.logits"] = x, net(x)
        for key, t in net.state_dict().items():
            out[f"{name}.{key}"] = t
    write_safetensors(os.path.join(folder, "torch_resnet.safetensors"), {k: v.detach() for k, v in out.items()})


def write_torch_resize(folder):
    """Image resizing (ember::data::transforms::resize) against torch's interpolate: bilinear with
    align_corners=False, with and without antialias, shrinking, growing and both at once."""
    import torch.nn.functional as F
    g = torch.Generator().manual_seed(13)
    x = torch.rand(1, 3, 13, 17, generator=g)
    out = {"input": x[0]}
    for h, w in [(7, 5), (29, 40), (13, 9), (4, 30), (1, 1)]:
        for aa in (False, True):
            out[f"{h}x{w}.{'aa' if aa else 'plain'}"] = F.interpolate(x, size=(h, w), mode="bilinear",
                                                                     align_corners=False, antialias=aa)[0]
    write_safetensors(os.path.join(folder, "torch_resize.safetensors"), out)


class Lamb(torch.optim.Optimizer):
    """The course's LAMB (09_optimizers; ember's optim::LAMB), written with PyTorch ops:
    Adam's debiased direction plus L2 weight decay, scaled by min(||p|| / ||u||, 10)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.99), eps=1e-6, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"], state["m"], state["v"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                state["step"] += 1
                t, m, v = state["step"], state["m"], state["v"]
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                u = (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + group["eps"]) + group["weight_decay"] * p
                r1, r2 = p.norm().item(), u.norm().item()
                trust = 1.0 if r1 == 0 or r2 == 0 else min(r1 / r2, 10.0)
                p.add_(u, alpha=-group["lr"] * trust)


def optim_cases():
    """name -> (optimizer factory, scheduler factory or None). Every case runs 10 steps."""
    O, S = torch.optim, torch.optim.lr_scheduler
    return {
        "sgd": (lambda p: O.SGD(p, lr=0.1), None),
        "sgd_momentum": (lambda p: O.SGD(p, lr=0.1, momentum=0.9), None),
        "sgd_nesterov_weight_decay": (lambda p: O.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), None),
        "sgd_dampening": (lambda p: O.SGD(p, lr=0.1, momentum=0.9, dampening=0.5), None),
        "adam": (lambda p: O.Adam(p, lr=0.01), None),
        "adam_weight_decay_betas": (lambda p: O.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1), None),
        "adamw": (lambda p: O.AdamW(p, lr=0.01, weight_decay=0.1), None),
        "rmsprop": (lambda p: O.RMSprop(p, lr=0.01), None),
        "rmsprop_centered_momentum": (lambda p: O.RMSprop(p, lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.01), None),
        "step_lr": (lambda p: O.SGD(p, lr=0.1, momentum=0.9), lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
        "cosine_lr": (lambda p: O.SGD(p, lr=0.1, momentum=0.9), lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
        "linear_warmup": (lambda p: O.SGD(p, lr=0.1), lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4)),
        "onecycle_sgd": (lambda p: O.SGD(p, lr=0.1, momentum=0.9), lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=10)),
        "onecycle_adam": (lambda p: O.Adam(p, lr=0.01), lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=10)),
        "adagrad": (lambda p: O.Adagrad(p, lr=0.1), None),
        "adagrad_decay_init": (lambda p: O.Adagrad(p, lr=0.1, lr_decay=0.05, weight_decay=0.01, initial_accumulator_value=0.5, eps=1e-8), None),
        "lamb": (lambda p: Lamb(p, lr=0.01), None),
        "lamb_weight_decay_betas": (lambda p: Lamb(p, lr=0.02, betas=(0.8, 0.95), weight_decay=0.1), None),
        # Two parameter groups: w takes the defaults, b its own lr and momentum.
        "sgd_param_groups": (lambda p: O.SGD([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.01, "momentum": 0.5}], lr=0.1, momentum=0.9), None),
        "adam_param_groups_step_lr": (lambda p: O.Adam([{"params": [p[0]], "lr": 0.02}, {"params": [p[1]]}], lr=0.005),
                                      lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
    }


def write_optim(path):
    """Each case trains w (3, 4) and b (3) of y = x @ w.T + b on a fixed mse problem, in float64,
    for 10 steps: zero_grad, backward, step, then the scheduler's step."""
    g = torch.Generator().manual_seed(99)
    x = torch.randn(6, 4, generator=g, dtype=torch.float64)
    y = torch.randn(6, 3, generator=g, dtype=torch.float64)
    w0 = torch.randn(3, 4, generator=g, dtype=torch.float64)
    b0 = torch.randn(3, generator=g, dtype=torch.float64)
    lines = [f"# generated by tools/gen_fixtures.py with torch {torch.__version__}; do not edit",
             f"data x {dims(x)} {fmt(x)}", f"data y {dims(y)} {fmt(y)}",
             f"data w0 {dims(w0)} {fmt(w0)}", f"data b0 {dims(b0)} {fmt(b0)}"]
    for name, (make_opt, make_sched) in optim_cases().items():
        w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
        opt = make_opt([w, b])
        sched = make_sched(opt) if make_sched else None
        lines.append(f"case {name}")
        for step in range(1, 11):
            lr = opt.param_groups[0]["lr"]
            opt.zero_grad()
            torch.nn.functional.mse_loss(x @ w.T + b, y).backward()
            opt.step()
            if sched:
                sched.step()
            lines.append(f"step {step} lr {lr!r} w {fmt(w)} b {fmt(b)}")
        lines.append("end")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(optim_cases())} optimiser cases to {os.path.normpath(path)}")


def main():
    folder = os.path.dirname(OUT)
    os.makedirs(folder, exist_ok=True)
    write_optim(os.path.join(folder, "optim.txt"))
    write_torch_model(folder)
    write_torch_cnn(folder)
    write_torch_batchnorm(folder)
    write_torch_resnet(folder)
    write_torch_resize(folder)
    lines = [f"# generated by tools/gen_fixtures.py with torch {torch.__version__}; do not edit"]
    for name, (fn, inputs) in CASES.items():
        lines.append(f"case {name}")
        args = []
        for x in inputs:
            float_input = x.dtype.is_floating_point
            arg = x.float().requires_grad_(True) if float_input else x
            args.append(arg)
            lines.append(f"input {dtype_name(arg)} {int(float_input)} {dims(x)} {fmt(x)}".rstrip())
        out = fn(*args)
        lines.append(f"output {dtype_name(out)} {dims(out)} {fmt(out)}".rstrip())
        if out.dtype.is_floating_point and out.requires_grad:  # histc: a float without a gradient
            cot = torch.randn(out.shape, generator=G, dtype=torch.float64)
            (out * cot.float()).sum().backward()
            lines.append(f"cotangent {dims(cot)} {fmt(cot)}".rstrip())
            for i, a in enumerate(args):
                if a.dtype.is_floating_point:
                    g = a.grad if a.grad is not None else torch.zeros_like(a)
                    lines.append(f"grad {i} {dims(g)} {fmt(g)}".rstrip())
        lines.append("end")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
