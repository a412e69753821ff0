// Softmax and the losses of a classifier or regressor, as free functions (nn::functional
// forwards to these). Targets of nll_loss / cross_entropy_loss are int64 class indices.
#pragma once

#include "ember/tensor/tensor.h"

namespace ember {

/// How a loss reduces its per-element values. BatchMean (the sum over the batch size, the
/// mathematically right mean of a KL divergence) is kl_div's alone, as in PyTorch.
enum class Reduction { None, Mean, Sum, BatchMean };
/// libtorch's spellings: `ember::kSum` where a libtorch program writes `torch::kSum`.
inline constexpr Reduction kNone = Reduction::None, kMean = Reduction::Mean, kSum = Reduction::Sum,
                           kBatchMean = Reduction::BatchMean;

/// exp(t) / sum(exp(t)) along dim, computed from log_softmax so large inputs do not overflow.
Tensor softmax(const Tensor& t, int64_t dim);
/// t - logsumexp(t, dim): stable for any input magnitude.
Tensor log_softmax(const Tensor& t, int64_t dim);
/// Mean (or sum) of (input - target)^2; shapes must match.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
/// -log_probs[n, target[n]], averaged over n. log_probs is (N, C) or (C); target (N) or ().
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction = Reduction::Mean);
/// nll_loss(log_softmax(logits, 1), target): the classifier loss, stable for large logits.
Tensor cross_entropy_loss(const Tensor& logits, const Tensor& target, Reduction reduction = Reduction::Mean);
/// The same with PyTorch's options (its argument order): `weight` (C) weighs each class, and
/// the mean divides by the weights of the targets counted; targets equal to `ignore_index`
/// count for nothing; label_smoothing e mixes in the uniform distribution:
///   (1 - e) * nll + e / C * sum over classes of -w_c log p_c.
Tensor cross_entropy_loss(const Tensor& logits, const Tensor& target, const Tensor& weight, Reduction reduction,
                          int64_t ignore_index = -100, double label_smoothing = 0.0);

// Losses on inputs and targets of one shape (libtorch's argument order and defaults). They are
// compositions of differentiable ops; each names both shapes when they differ.
/// -w (t log x + (1 - t) log(1 - x)) on probabilities x, each log clamped at -100 (as PyTorch).
Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                            Reduction reduction = Reduction::Mean);
/// binary_cross_entropy(sigmoid(x), t) computed from the logits x without overflow;
/// pos_weight (broadcast over the last dim) weighs the positive term.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight = {},
                                        const Tensor& pos_weight = {}, Reduction reduction = Reduction::Mean);
/// |x - t|.
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean);
/// 0.5 d^2 / beta where d = |x - t| < beta, else d - 0.5 beta (beta = 0: l1_loss).
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                      double beta = 1.0);
/// 0.5 d^2 where d = |x - t| < delta, else delta (d - 0.5 delta).
Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
                  double delta = 1.0);
/// t (log t - x) on log-probabilities x (0 where t = 0); log_target: exp(t) (t - x).
/// Reduction::BatchMean divides the sum by the first dim, as KL divergence is meant.
Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::Mean,
              bool log_target = false);

}  // namespace ember
