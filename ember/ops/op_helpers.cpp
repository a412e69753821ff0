#include "ember/ops/op_helpers.h"

#include "ember/autograd/grad_mode.h"

namespace ember::detail {

namespace {
int kind(ScalarType t) { return t == kBool ? 0 : is_integral(t) ? 1 : 2; }
}  // namespace

ScalarType result_type(const Tensor& a, const Tensor& b) {
  const bool a0 = a.dim() == 0, b0 = b.dim() == 0;
  if (a0 == b0) return promote_types(a.dtype(), b.dtype());
  const Tensor& dimmed = a0 ? b : a;
  const Tensor& zero_d = a0 ? a : b;
  return kind(zero_d.dtype()) > kind(dimmed.dtype()) ? zero_d.dtype() : dimmed.dtype();
}

Tensor widen(const Tensor& t) {
  if (!is_reduced_float(t.dtype())) return t;
  Tensor out = alloc(t.sizes(), kFloat32);
  copy_into(out, t);
  return out;
}

Tensor round_to(const Tensor& out, ScalarType dtype) {
  if (!is_reduced_float(dtype) || out.dtype() == dtype) return out;
  Tensor rounded = alloc(out.sizes(), dtype);
  copy_into(rounded, out);
  return rounded;
}

Tensor scalar_tensor(const Scalar& s, std::optional<ScalarType> dtype) {
  const ScalarType t = dtype.value_or(s.natural_dtype());
  if (is_reduced_float(t)) return round_to(scalar_tensor(s, kFloat32), t);
  Tensor out = alloc({}, t);
  dispatch(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    *static_cast<T*>(out.data_ptr()) = s.to<T>();
  });
  return out;
}

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.sizes() == shape) return grad;
  const int64_t lead = grad.dim() - static_cast<int64_t>(shape.size());
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < grad.dim(); ++d)
    if (d < lead || (shape[d - lead] == 1 && grad.size(d) != 1)) dims.push_back(d);
  Tensor summed = dims.empty() ? grad : grad.sum(dims, /*keepdim=*/true);
  return summed.reshape(shape);
}

Tensor& write_inplace(Tensor& self, const char* op, const std::vector<Tensor>& operands,
                      const InplaceFn& compute) {
  std::vector<Tensor> all = operands;
  all.push_back(self);
  const bool recording = autograd::should_record(all);
  if (recording && self.requires_grad()) {
    EMBER_CHECK(!self.is_leaf(), AutogradError, "[", op, "] a leaf tensor that requires grad "
                "cannot be modified in place; wrap the update in NoGradGuard or clone() it first");
    EMBER_CHECK(!self.impl()->autograd->is_view, AutogradError, "[", op,
                "] in-place changes to a view of a tensor that requires grad are not tracked by "
                "autograd; clone() the view first");
  }
  Tensor result;
  if (recording) {
    std::vector<Tensor> safe;
    for (const Tensor& o : operands)
      safe.push_back(o.impl()->storage == self.impl()->storage ? o.clone() : o);
    result = compute(self.clone(), safe);
  } else {
    result = compute(self, operands);
  }
  EMBER_CHECK(result.sizes() == self.sizes(), ShapeError, "[", op, "] the result has shape ",
              shape_str(result.sizes()), " and cannot be written in place into a tensor of shape ",
              shape_str(self.sizes()));
  EMBER_CHECK(!(is_floating_point(result.dtype()) && !is_floating_point(self.dtype())), TypeError,
              "[", op, "] the result is ", dtype_name(result.dtype()),
              " and cannot be written in place into a ", dtype_name(self.dtype()), " tensor");
  copy_into(self, result);
  self.impl()->storage->bump_version();
  if (recording && result.requires_grad()) {
    AutogradMeta& meta = self.impl()->autograd_meta();
    meta.requires_grad = true;
    meta.grad_fn = result.grad_fn();
  } else if (is_grad_enabled() && self.requires_grad() && !self.is_leaf()) {
    // The new values no longer depend on the old history: self becomes a constant.
    self.impl()->autograd_meta().grad_fn = nullptr;
    self.impl()->autograd_meta().requires_grad = false;
  }
  return self;
}

}  // namespace ember::detail
