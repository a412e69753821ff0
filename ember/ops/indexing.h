// Indexing ops: gather, scatter_add and index_select along one dim (int64 indices), and
// embedding, a lookup of rows.
#pragma once

#include "ember/tensor/tensor.h"

namespace ember {

/// out[i][j][k] = t[i][index[i][j][k]][k] for dim = 1 (and likewise for other dims). index has
/// t's number of dims and no size larger than t's outside `dim`; the result has index's shape.
Tensor gather(const Tensor& t, int64_t dim, const Tensor& index);
/// A copy of t with src added at the positions index names along dim (the gather's adjoint).
Tensor scatter_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src);
/// The slices of t at the given positions (a 1-D index) along dim.
Tensor index_select(const Tensor& t, int64_t dim, const Tensor& index);
/// The rows of weight (num_embeddings, embedding_dim) named by integer indices of any shape:
/// output indices.sizes() + (embedding_dim), as torch::embedding (weight first). Row padding_idx
/// (when >= 0) gets no gradient. scale_grad_by_freq and sparse gradients are not supported and
/// are refused.
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx = -1, bool scale_grad_by_freq = false,
                 bool sparse = false);

}  // namespace ember
