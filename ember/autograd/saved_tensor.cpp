#include "ember/autograd/saved_tensor.h"

#include "ember/autograd/node.h"

namespace ember::autograd {

SavedTensor::SavedTensor(const Tensor& t) {
  if (!t.defined()) return;
  tensor_ = t.detach();
  version_ = tensor_.impl()->storage->version();
}

const Tensor& SavedTensor::unpack() const {
  if (!tensor_.defined()) return tensor_;
  const uint64_t now = tensor_.impl()->storage->version();
  EMBER_CHECK(now == version_, AutogradError, "[backward] a tensor of shape ", shape_str(tensor_.sizes()),
              " needed by ", running_node_name(),
              " was modified by an in-place operation after the forward pass (version ", version_, ", now ", now,
              "); clone() it before modifying it");
  return tensor_;
}

}  // namespace ember::autograd
