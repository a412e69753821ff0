// Reductions: over all elements or a list of dims, with keepdim, as torch.sum & co. Also the
// free-function forms of the Tensor methods (sum(t, 1), mean(t), ...).
#pragma once

#include <tuple>

#include "ember/tensor/tensor.h"

namespace ember {

Tensor sum(const Tensor& t, DimList dims = {}, bool keepdim = false);
Tensor mean(const Tensor& t, DimList dims = {}, bool keepdim = false);
Tensor prod(const Tensor& t);
Tensor prod(const Tensor& t, int64_t dim, bool keepdim = false);
Tensor amax(const Tensor& t, DimList dims = {}, bool keepdim = false);
Tensor amin(const Tensor& t, DimList dims = {}, bool keepdim = false);
/// (values, indices) of the max along dim; ties give the first index.
std::tuple<Tensor, Tensor> max(const Tensor& t, int64_t dim, bool keepdim = false);
std::tuple<Tensor, Tensor> min(const Tensor& t, int64_t dim, bool keepdim = false);
Tensor argmax(const Tensor& t, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& t, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
/// Variance; unbiased (divides by N - 1) by default, as torch.var.
Tensor var(const Tensor& t, DimList dims = {}, bool unbiased = true, bool keepdim = false);
Tensor std(const Tensor& t, DimList dims = {}, bool unbiased = true, bool keepdim = false);
/// log(sum(exp(t))) over dims, computed as m + log(sum(exp(t - m))) with m the max: no overflow.
Tensor logsumexp(const Tensor& t, DimList dims, bool keepdim = false);
/// The p-norm (p = 2 by default; 1, any p > 0 and infinity also work).
Tensor norm(const Tensor& t, const Scalar& p = 2, DimList dims = {}, bool keepdim = false);
/// A histogram of t's values, as torch::histc: `bins` equal bins over [min, max] (the last bin
/// includes max; values outside, and NaNs, are not counted); min == max takes the data's range.
/// Same floating dtype as t; no gradient.
Tensor histc(const Tensor& t, int64_t bins = 100, const Scalar& min = 0, const Scalar& max = 0);

}  // namespace ember
