// SavedTensor: a tensor that a backward closure needs, saved by the forward together with the
// version its storage had then. The closure reads it only through unpack(), which checks that
// version, so no op can use a saved tensor without the in-place check and no list of saved
// tensors can disagree with what the closure really uses (the bug of keeping two lists: a
// closure that captured an index but forgot to list it computed silently wrong gradients).
//
//   const autograd::SavedTensor xs(x), ys(y);
//   return autograd::record(out, "MulBackward", {x, y}, [xs, ys](const Tensor& g, const Needs&) {
//     return Grads{g * ys.unpack(), g * xs.unpack()};
//   });
//
// Rule for op writers: a backward closure captures no Tensor, only SavedTensors and plain
// values (shapes, dims, flags). The saved tensor is detached, so it keeps no graph alive.
#pragma once

#include <cstdint>

#include "ember/tensor/tensor.h"

namespace ember::autograd {

class SavedTensor {
 public:
  SavedTensor() = default;  // nothing saved (an optional input that was not given)
  explicit SavedTensor(const Tensor& t);

  /// The saved tensor; throws AutogradError, naming the node that runs, if an in-place op
  /// changed its storage after the forward. Undefined if nothing was saved.
  const Tensor& unpack() const;
  bool defined() const { return tensor_.defined(); }

 private:
  Tensor tensor_;
  uint64_t version_ = 0;
};

}  // namespace ember::autograd
