// Softmax and the losses of a classifier or regressor, as free functions (nn::functional
// forwards to these). Targets of nll_loss / cross_entropy_loss are int64 class indices.
#pragma once

#include "ember/tensor/tensor.h"

namespace ember {

enum class Reduction { None, Mean, Sum };

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

}  // namespace ember
