#include "ember/ops/indexing.h"

#include "ember/autograd/function.h"
#include "ember/kernels/index.h"
#include "ember/ops/creation.h"
#include "ember/ops/op_helpers.h"

namespace ember {

using autograd::Needs;
using autograd::SavedTensor;
using Grads = std::vector<Tensor>;

namespace {

// Validates index against t for gather/scatter and returns it as contiguous int64.
Tensor checked_index(const Tensor& t, int64_t dim, const Tensor& index, const char* op) {
  EMBER_CHECK(index.dtype() == kInt64, TypeError, "[", op, "] index must be int64; got ", dtype_name(index.dtype()));
  EMBER_CHECK(index.dim() == t.dim(), ShapeError, "[", op, "] index ", shape_str(index.sizes()),
              " and input ", shape_str(t.sizes()), " must have the same number of dims");
  for (int64_t d = 0; d < t.dim(); ++d)
    EMBER_CHECK(d == dim || index.size(d) <= t.size(d), ShapeError, "[", op, "] index ",
                shape_str(index.sizes()), " is larger than input ", shape_str(t.sizes()),
                " in dim ", d, " (only dim ", dim, " may differ)");
  const Tensor idx = index.contiguous();
  check_indices(idx.data_ptr<int64_t>(), idx.numel(), t.dim() == 0 ? 1 : t.size(dim), dim, op, "index");
  return idx;
}

}  // namespace

Tensor gather(const Tensor& t, int64_t dim, const Tensor& index) {
  const int64_t d = t.dim() == 0 ? 0 : wrap_dim(dim, t.dim(), "gather");
  const Tensor idx = checked_index(t, d, index, "gather");
  Tensor out = detail::alloc(idx.sizes(), t.dtype());
  dispatch_with_16bit(t.dtype(), [&](auto tag) {  // a copy: 16-bit floats as they are
    using T = typename decltype(tag)::type;
    kernels::gather(idx.sizes(), d, static_cast<const T*>(t.data_ptr()), t.strides().data(),
                    idx.data_ptr<int64_t>(), static_cast<T*>(out.data_ptr()));
  });
  const Shape in = t.sizes();
  const SavedTensor saved_idx(idx);
  return autograd::record(out, "GatherBackward", {t}, [in, d, saved_idx](const Tensor& g, const Needs&) {
    return Grads{scatter_add(zeros(in, g.dtype()), d, saved_idx.unpack(), g)};
  });
}

Tensor scatter_add(const Tensor& t, int64_t dim, const Tensor& index, const Tensor& src) {
  const int64_t d = t.dim() == 0 ? 0 : wrap_dim(dim, t.dim(), "scatter_add");
  const Tensor idx = checked_index(t, d, index, "scatter_add");
  EMBER_CHECK(src.sizes() == idx.sizes(), ShapeError, "[scatter_add] src ", shape_str(src.sizes()),
              " must have the index's shape ", shape_str(idx.sizes()));
  Tensor out = detail::widen(t.clone().detach());  // sums: 16-bit floats in float32
  const Tensor s = detail::widen(src.to(t.dtype()).contiguous());
  dispatch(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    kernels::scatter_add(idx.sizes(), d, static_cast<T*>(out.data_ptr()), out.strides().data(),
                         idx.data_ptr<int64_t>(), static_cast<const T*>(s.data_ptr()));
  });
  out = detail::round_to(out, t.dtype());
  const SavedTensor saved_idx(idx);
  return autograd::record(out, "ScatterAddBackward", {t, src}, [d, saved_idx](const Tensor& g, const Needs& needs) {
    return Grads{g, needs[1] ? gather(g, d, saved_idx.unpack()) : Tensor()};
  });
}

Tensor index_select(const Tensor& t, int64_t dim, const Tensor& index) {
  EMBER_CHECK(index.dim() <= 1, ShapeError, "[index_select] index must be 0-D or 1-D; got shape ",
              shape_str(index.sizes()));
  EMBER_CHECK(index.dtype() == kInt64 || index.dtype() == kInt32, TypeError,
              "[index_select] index must be int64 or int32; got ", dtype_name(index.dtype()));
  EMBER_CHECK(t.dim() > 0, ShapeError, "[index_select] needs a tensor with at least one dim");
  const int64_t d = wrap_dim(dim, t.dim(), "index_select");
  const Tensor idx = index.to(kInt64).contiguous();
  const int64_t n = idx.numel(), size = t.size(d);
  const int64_t* p = idx.data_ptr<int64_t>();
  check_indices(p, n, size, d, "index_select", "index");
  // Whole rows of the (outer, size, inner) view are copied at once (a batch of images is n
  // contiguous blocks of 784 floats, not 784 * n separate element lookups).
  const Tensor src = t.detach().contiguous();
  const int64_t outer = numel(t.sizes(), 0, d), inner = numel(t.sizes(), d + 1, t.dim());
  Shape out_shape = t.sizes();
  out_shape[d] = n;
  Tensor out = detail::alloc(out_shape, t.dtype());
  dispatch_with_16bit(t.dtype(), [&](auto tag) {  // a copy: 16-bit floats as they are
    using T = typename decltype(tag)::type;
    kernels::index_select_rows(static_cast<const T*>(src.data_ptr()), outer, size, inner, p, n, static_cast<T*>(out.data_ptr()));
  });
  const Shape in = t.sizes();
  const SavedTensor saved_idx(idx);
  return autograd::record(out, "IndexSelectBackward", {t},
                          [in, saved_idx, outer, n, inner, size](const Tensor& g, const Needs&) {
                            const int64_t* rows = saved_idx.unpack().data_ptr<int64_t>();
                            const Tensor gc = detail::widen(g.contiguous());  // sums: in float32
                            Tensor grad = zeros(in, gc.dtype());
                            dispatch_floating(gc.dtype(), [&](auto tag) {
                              using T = typename decltype(tag)::type;
                              kernels::index_add_rows(static_cast<const T*>(gc.data_ptr()), outer, n, inner, rows, size,
                                                      static_cast<T*>(grad.data_ptr()));
                            });
                            return Grads{detail::round_to(grad, g.dtype())};
                          });
}

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq,
                 bool sparse) {
  EMBER_CHECK(weight.dim() == 2, ShapeError, "[embedding] weight must be 2-D (num_embeddings, embedding_dim); got ",
              shape_str(weight.sizes()));
  EMBER_CHECK(indices.dtype() == kInt64 || indices.dtype() == kInt32, TypeError,
              "[embedding] indices must be int64 or int32; got ", dtype_name(indices.dtype()));
  EMBER_CHECK(!scale_grad_by_freq && !sparse, ValueError,
              "[embedding] scale_grad_by_freq and sparse gradients are not supported");
  EMBER_CHECK(padding_idx < weight.size(0), ValueError, "[embedding] padding_idx ", padding_idx,
              " is out of range for ", weight.size(0), " embeddings");
  Shape out_shape = indices.sizes();
  out_shape.push_back(weight.size(1));
  const Tensor flat = indices.reshape({-1});
  Tensor rows = index_select(weight, 0, flat);
  if (padding_idx >= 0) {  // the padding row's lookups are taken off the graph
    const Tensor pad = (flat == padding_idx).to(weight.dtype()).unsqueeze(1);
    rows = rows * (1 - pad) + rows.detach() * pad;
  }
  return rows.reshape(out_shape);
}

}  // namespace ember
