// softmax, log_softmax and cross-entropy have their own backward nodes (one closed-form formula
// instead of the chain through exp, sum, log and gather); the other losses are compositions of
// differentiable ops.
#include "ember/ops/loss.h"

#include "ember/ops/autocast.h"

#include "ember/autograd/function.h"
#include "ember/autograd/grad_mode.h"
#include "ember/kernels/exp.h"
#include "ember/kernels/softmax.h"
#include "ember/ops/activation.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/indexing.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/reduction.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

Tensor reduce(const Tensor& losses, Reduction r, const char* op) {
  EMBER_CHECK(r != Reduction::BatchMean, ValueError, "[", op,
              "] Reduction::BatchMean is kl_div's alone; use Mean, Sum or None");
  if (r == Reduction::Mean) return losses.mean();
  if (r == Reduction::Sum) return losses.sum();
  return losses;
}

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  EMBER_CHECK(input.sizes() == target.sizes(), ShapeError, "[", op, "] input ", shape_str(input.sizes()), " and target ",
              shape_str(target.sizes()), " must have the same shape");
}
}  // namespace

Tensor log_softmax(const Tensor& t, int64_t dim) {
  if (detail::autocast_wants_float32(t)) return log_softmax(detail::autocast_float32(t), dim);
  const Tensor x = t.is_floating_point() ? t : t.to(kDefaultFloat);
  const int64_t d = wrap_dim(dim, x.dim(), "log_softmax");
  const Tensor xc = x.detach().contiguous();
  const Shape sizes = x.dim() ? x.sizes() : Shape{1};  // a 0-d tensor is one line of one
  Tensor out = detail::alloc(x.sizes(), x.dtype());
  dispatch_floating(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    kernels::log_softmax(static_cast<const T*>(xc.data_ptr()), numel(sizes, 0, d), sizes[d],
                         numel(sizes, d + 1, sizes.size()), static_cast<T*>(out.data_ptr()));
  });
  const SavedTensor os(out);
  // d/dx: g - softmax * sum(g) along dim.
  return autograd::record(out, "LogSoftmaxBackward", {x}, [os, d](const Tensor& g, const Needs&) {
    return Grads{g - exp(os.unpack()) * g.sum(d, /*keepdim=*/true)};
  });
}

Tensor softmax(const Tensor& t, int64_t dim) {
  if (detail::autocast_wants_float32(t)) return softmax(detail::autocast_float32(t), dim);
  const Tensor x = t.is_floating_point() ? t : t.to(kDefaultFloat);
  const int64_t d = wrap_dim(dim, x.dim(), "softmax");
  Tensor out;
  {
    NoGradGuard no_grad;
    out = exp(log_softmax(x, d));
  }
  const SavedTensor saved_out(out);
  // d/dx: softmax * (g - sum(g * softmax)) along dim.
  return autograd::record(out, "SoftmaxBackward", {x}, [saved_out, d](const Tensor& g, const Needs&) {
    const Tensor& os = saved_out.unpack();
    return Grads{os * (g - (g * os).sum(d, /*keepdim=*/true))};
  });
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  if (detail::autocast_wants_float32(input) || detail::autocast_wants_float32(target)) return mse_loss(detail::autocast_float32(input), detail::autocast_float32(target), reduction);
  check_same_shape(input, target, "mse_loss");
  const Tensor diff = input - target;
  return reduce(diff * diff, reduction, "mse_loss");
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
  if (detail::autocast_wants_float32(log_probs)) return nll_loss(detail::autocast_float32(log_probs), target, reduction);
  EMBER_CHECK(log_probs.dim() == 1 || log_probs.dim() == 2, ShapeError,
              "[nll_loss] expects log-probabilities of shape (N, C) or (C); got ", shape_str(log_probs.sizes()));
  EMBER_CHECK(target.dtype() == kInt64, TypeError, "[nll_loss] target must hold int64 class indices; got ",
              dtype_name(target.dtype()));
  const bool batched = log_probs.dim() == 2;
  EMBER_CHECK(target.dim() == (batched ? 1 : 0) && (!batched || target.size(0) == log_probs.size(0)), ShapeError,
              "[nll_loss] target ", shape_str(target.sizes()), " does not match input ", shape_str(log_probs.sizes()),
              batched ? ": expected shape (N) with N the input's first dim" : ": expected a 0-d target");
  const Tensor lp = batched ? log_probs : log_probs.unsqueeze(0);
  const Tensor tg = (batched ? target : target.unsqueeze(0)).contiguous();
  const int64_t classes = lp.size(1);
  check_indices(tg.data_ptr<int64_t>(), tg.numel(), classes, kClasses, "nll_loss", "target");
  Tensor losses = -lp.gather(1, tg.unsqueeze(1)).squeeze(1);
  if (!batched) losses = losses.squeeze(0);
  return reduce(losses, reduction, "nll_loss");
}

Tensor cross_entropy_loss(const Tensor& logits, const Tensor& target, Reduction reduction) {
  if (detail::autocast_wants_float32(logits)) return cross_entropy_loss(detail::autocast_float32(logits), target, reduction);
  EMBER_CHECK(logits.dim() == 1 || logits.dim() == 2, ShapeError,
              "[cross_entropy_loss] expects logits of shape (N, C) or (C); got ", shape_str(logits.sizes()));
  Tensor log_probs, out;
  {
    NoGradGuard no_grad;
    log_probs = log_softmax(logits, -1);  // integer logits become floats here (they have no gradient)
    out = nll_loss(log_probs, target, reduction);  // also checks the target
  }
  // One node for the whole loss, with the course's closed form: d loss / d logits is
  // softmax - one_hot(target), times the incoming gradient (over N for the mean). The chain
  // through log_softmax, gather and mean would build three nodes and two (N, C) temporaries.
  // The target is saved too: the backward indexes with it, so changing it in place after the
  // forward would write outside the gradient (it was checked against the classes above).
  const SavedTensor saved_log_probs(log_probs), saved_target(target.contiguous());
  return autograd::record(out, "CrossEntropyBackward", {logits},
                          [saved_log_probs, saved_target, reduction](const Tensor& g, const Needs&) {
                            const Tensor& tg = saved_target.unpack();
                            const Tensor& log_probs = saved_log_probs.unpack();  // contiguous: log_softmax's output
                            Tensor grad = empty_like(log_probs);  // softmax - one_hot(target)
                            const int64_t classes = grad.size(-1), rows = tg.numel();
                            const int64_t* t = tg.data_ptr<int64_t>();
                            dispatch_floating(grad.dtype(), [&](auto tag) {
                              using T = typename decltype(tag)::type;
                              T* p = static_cast<T*>(grad.data_ptr());
                              kernels::exp_run(static_cast<const T*>(log_probs.data_ptr()), p, grad.numel());
                              for (int64_t i = 0; i < rows; ++i) p[i * classes + t[i]] -= T(1);
                            });
                            if (reduction == Reduction::None) return Grads{grad * g.unsqueeze(-1)};
                            if (reduction == Reduction::Mean) return Grads{grad * (g / static_cast<double>(rows))};
                            return Grads{grad * g};
                          });
}

Tensor cross_entropy_loss(const Tensor& logits, const Tensor& target, const Tensor& weight, Reduction reduction,
                          int64_t ignore_index, double label_smoothing) {
  if (detail::autocast_wants_float32(logits))
    return cross_entropy_loss(detail::autocast_float32(logits), target, weight, reduction, ignore_index, label_smoothing);
  EMBER_CHECK(label_smoothing >= 0 && label_smoothing <= 1, ValueError,
              "[cross_entropy_loss] label_smoothing must be in [0, 1]; got ", label_smoothing);
  EMBER_CHECK(reduction != Reduction::BatchMean, ValueError, "[cross_entropy_loss] reduction BatchMean is kl_div's only");
  EMBER_CHECK(logits.dim() == 2, ShapeError, "[cross_entropy_loss] with weight, ignore_index or label_smoothing expects "
              "logits of shape (N, C); got ", shape_str(logits.sizes()));
  EMBER_CHECK(target.dtype() == kInt64, TypeError, "[cross_entropy_loss] target must hold int64 class indices; got ",
              dtype_name(target.dtype()));
  EMBER_CHECK(target.dim() == 1 && target.size(0) == logits.size(0), ShapeError, "[cross_entropy_loss] target ",
              shape_str(target.sizes()), " does not match input ", shape_str(logits.sizes()),
              ": expected shape (N) with N the input's first dim");
  const int64_t classes = logits.size(1);
  EMBER_CHECK(!weight.defined() || (weight.dim() == 1 && weight.size(0) == classes), ShapeError,
              "[cross_entropy_loss] weight must have shape (", classes, ") for ", classes, " classes; got ",
              shape_str(weight.sizes()));
  const Tensor counted = target != ignore_index;           // bool (N)
  const Tensor safe_target = target * counted.to(kInt64);  // ignored rows point at class 0, then count 0
  {
    const Tensor t = safe_target.contiguous();
    check_indices(t.data_ptr<int64_t>(), t.numel(), classes, kClasses, "cross_entropy_loss", "target");
  }
  // The plain loss takes its one-node path.
  const bool plain = !weight.defined() && label_smoothing == 0 && counted.to(kInt64).sum().item<int64_t>() == target.numel();
  if (plain) return cross_entropy_loss(logits, target, reduction);

  const Tensor log_probs = log_softmax(logits, 1);
  const Tensor class_weight = weight.defined() ? weight.to(log_probs.dtype()) : ones({classes}, log_probs.dtype());
  // Each row's weight: its target's class weight, 0 where ignored.
  const Tensor row_weight = class_weight.index_select(0, safe_target) * counted.to(log_probs.dtype());
  const Tensor nll = -log_probs.gather(1, safe_target.unsqueeze(1)).squeeze(1) * row_weight;
  Tensor smooth;
  if (label_smoothing > 0) smooth = -(log_probs * class_weight).sum(1) * counted.to(log_probs.dtype());
  auto reduce_rows = [&](const Tensor& per_row) {
    if (reduction == Reduction::None) return per_row;
    if (reduction == Reduction::Sum) return per_row.sum();
    return per_row.sum() / row_weight.sum();  // PyTorch's weighted mean (0/0 = nan when every target is ignored)
  };
  Tensor loss = reduce_rows(nll);
  if (label_smoothing > 0)
    loss = loss * (1 - label_smoothing) + reduce_rows(smooth) * (label_smoothing / static_cast<double>(classes));
  return loss;
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, const Tensor& weight, Reduction reduction) {
  if (detail::autocast_wants_float32(input) || detail::autocast_wants_float32(target)) return binary_cross_entropy(detail::autocast_float32(input), detail::autocast_float32(target), weight, reduction);
  check_same_shape(input, target, "binary_cross_entropy");
  Tensor losses = -(target * input.log().clamp_min(-100) + (1 - target) * (1 - input).log().clamp_min(-100));
  if (weight.defined()) losses = losses * weight;
  return reduce(losses, reduction, "binary_cross_entropy");
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, const Tensor& weight,
                                        const Tensor& pos_weight, Reduction reduction) {
  if (detail::autocast_wants_float32(input) || detail::autocast_wants_float32(target))
    return binary_cross_entropy_with_logits(detail::autocast_float32(input), detail::autocast_float32(target), weight, pos_weight, reduction);
  check_same_shape(input, target, "binary_cross_entropy_with_logits");
  // -(p t log sigmoid(x) + (1 - t) log sigmoid(-x)); log_sigmoid never overflows.
  const Tensor positive = pos_weight.defined() ? target * pos_weight : target;
  Tensor losses = -(positive * log_sigmoid(input) + (1 - target) * log_sigmoid(-input));
  if (weight.defined()) losses = losses * weight;
  return reduce(losses, reduction, "binary_cross_entropy_with_logits");
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  if (detail::autocast_wants_float32(input) || detail::autocast_wants_float32(target)) return l1_loss(detail::autocast_float32(input), detail::autocast_float32(target), reduction);
  check_same_shape(input, target, "l1_loss");
  return reduce((input - target).abs(), reduction, "l1_loss");
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, Reduction reduction, double beta) {
  if (detail::autocast_wants_float32(input) || detail::autocast_wants_float32(target)) return smooth_l1_loss(detail::autocast_float32(input), detail::autocast_float32(target), reduction, beta);
  check_same_shape(input, target, "smooth_l1_loss");
  EMBER_CHECK(beta >= 0, ValueError, "[smooth_l1_loss] beta must be non-negative; got ", beta);
  const Tensor d = (input - target).abs();
  if (beta == 0) return reduce(d, reduction, "smooth_l1_loss");
  return reduce(where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta), reduction, "smooth_l1_loss");
}

Tensor huber_loss(const Tensor& input, const Tensor& target, Reduction reduction, double delta) {
  if (detail::autocast_wants_float32(input) || detail::autocast_wants_float32(target)) return huber_loss(detail::autocast_float32(input), detail::autocast_float32(target), reduction, delta);
  check_same_shape(input, target, "huber_loss");
  EMBER_CHECK(delta > 0, ValueError, "[huber_loss] delta must be positive; got ", delta);
  const Tensor d = (input - target).abs();
  return reduce(where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta), reduction, "huber_loss");
}

Tensor kl_div(const Tensor& input, const Tensor& target, Reduction reduction, bool log_target) {
  if (detail::autocast_wants_float32(input) || detail::autocast_wants_float32(target)) return kl_div(detail::autocast_float32(input), detail::autocast_float32(target), reduction, log_target);
  check_same_shape(input, target, "kl_div");
  // t log t is 0 where t = 0 (its limit), so a zero target contributes nothing, gradient included.
  const Tensor losses = log_target ? target.exp() * (target - input)
                                   : where(target > 0, target * (where(target > 0, target, 1.0).log() - input), 0.0);
  if (reduction != Reduction::BatchMean) return reduce(losses, reduction, "kl_div");
  return losses.sum() / static_cast<double>(input.dim() ? input.size(0) : 1);
}

}  // namespace ember
