// TensorImpl: one view of a Storage, i.e. (storage, shape, strides, offset, dtype), plus the
// autograd bookkeeping a tensor carries once it takes part in a graph. Strides and offset are in
// elements. Users hold it through Tensor (tensor.h); ops and autograd read its fields directly.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "ember/core/dtype.h"
#include "ember/core/shape.h"
#include "ember/tensor/storage.h"

namespace ember {

namespace autograd {
class Node;
}

class TensorImpl;

/// What autograd knows about a tensor. Absent (null) for tensors that never required grad.
struct AutogradMeta {
  bool requires_grad = false;
  bool retains_grad = false;                  // a non-leaf asked to keep its .grad
  std::shared_ptr<TensorImpl> grad;           // accumulated gradient, same shape as the tensor
  std::shared_ptr<autograd::Node> grad_fn;    // the node that made this tensor; null for leaves
  std::weak_ptr<autograd::Node> accumulator;  // a leaf's AccumulateGrad node, shared by all uses
  bool is_view = false;                       // made by a view op while recording history
  // Called, with the tensor, each time backward has added to a leaf's grad (ids for removal).
  std::vector<std::pair<size_t, std::function<void(const std::shared_ptr<TensorImpl>&)>>> post_accumulate_grad_hooks;
  size_t next_hook_id = 0;
};

class TensorImpl {
 public:
  TensorImpl(std::shared_ptr<Storage> storage, Shape sizes, Strides strides, int64_t offset,
             ScalarType dtype)
      : storage(std::move(storage)), sizes(std::move(sizes)), strides(std::move(strides)),
        offset(offset), dtype(dtype) {}

  std::shared_ptr<Storage> storage;
  Shape sizes;
  Strides strides;
  int64_t offset;
  ScalarType dtype;
  std::unique_ptr<AutogradMeta> autograd;

  int64_t numel() const { return ember::numel(sizes); }
  int64_t dim() const { return static_cast<int64_t>(sizes.size()); }
  /// True iff the elements lie in row-major order with no gaps (size-1 dims may have any stride).
  bool is_contiguous() const;
  /// Address of element 0 of this view.
  char* data() const {
    return static_cast<char*>(storage->data()) + offset * static_cast<int64_t>(element_size(dtype));
  }
  AutogradMeta& autograd_meta() {
    if (!autograd) autograd = std::make_unique<AutogradMeta>();
    return *autograd;
  }
};

inline bool TensorImpl::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    if (sizes[i] == 1) continue;
    if (sizes[i] == 0) return true;
    if (strides[i] != expected) return false;
    expected *= sizes[i];
  }
  return true;
}

}  // namespace ember
