#include "ember/autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "ember/autograd/grad_mode.h"

namespace ember::autograd {

namespace {

// Storage offset (in elements) of the i-th element, row-major, of t.
int64_t offset_of(const Tensor& t, int64_t i) {
  int64_t off = t.storage_offset();
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    off += (i % t.size(d)) * t.stride(d);
    i /= t.size(d);
  }
  return off;
}

double& element(const Tensor& t, int64_t i) {
  return static_cast<double*>(t.impl()->storage->data())[offset_of(t, i)];
}

std::string index_str(const Tensor& t, int64_t i) {
  Shape idx(t.dim());
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    idx[d] = i % t.size(d);
    i /= t.size(d);
  }
  return shape_str(idx);
}

// fn's output as a contiguous float64 copy.
Tensor evaluate(const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& inputs) {
  NoGradGuard no_grad;
  Tensor out = fn(inputs);
  Tensor copy = detail::alloc(out.sizes(), kFloat64);
  detail::copy_into(copy, out);
  return copy;
}

}  // namespace

GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn,
                          const std::vector<Tensor>& inputs, const GradcheckOptions& options) {
  std::vector<size_t> checked;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined() || !inputs[i].requires_grad()) continue;
    EMBER_CHECK(inputs[i].dtype() == kFloat64, TypeError, "[gradcheck] input ", i, " is ",
                dtype_name(inputs[i].dtype()), "; finite differences need float64 inputs");
    for (int64_t d = 0; d < inputs[i].dim(); ++d)
      EMBER_CHECK(inputs[i].stride(d) != 0 || inputs[i].size(d) <= 1, ValueError, "[gradcheck] input ", i,
                  " has an expanded (stride-0) dim; pass a tensor whose elements do not overlap");
    checked.push_back(i);
  }
  EMBER_CHECK(!checked.empty(), ValueError, "[gradcheck] no input requires grad");

  std::vector<Tensor> saved_grads;
  for (const Tensor& x : inputs) saved_grads.push_back(x.defined() ? x.grad() : Tensor());

  const Tensor out = fn(inputs);
  EMBER_CHECK(out.is_floating_point(), TypeError, "[gradcheck] the function must return a floating-point tensor");
  const int64_t n_out = out.numel();
  GradcheckResult result;

  // Analytic Jacobian, one row per output element: backward of a one-hot gradient.
  std::vector<std::vector<Tensor>> analytic(n_out);
  for (int64_t j = 0; j < n_out && out.requires_grad(); ++j) {
    for (size_t i : checked) const_cast<Tensor&>(inputs[i]).set_grad(Tensor());
    Tensor onehot = detail::alloc(out.sizes(), out.dtype());
    dispatch_floating(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* p = static_cast<T*>(onehot.data_ptr());
      for (int64_t k = 0; k < n_out; ++k) p[k] = k == j ? T(1) : T(0);
    });
    out.backward(onehot, /*retain_graph=*/true);
    for (size_t i : checked) analytic[j].push_back(inputs[i].grad());
  }

  // Numeric Jacobian, one column per input element, compared entry by entry.
  for (size_t c = 0; c < checked.size() && result.ok; ++c) {
    const Tensor& x = inputs[checked[c]];
    for (int64_t e = 0; e < x.numel() && result.ok; ++e) {
      double& v = element(x, e);
      const double original = v;
      v = original + options.eps;
      const Tensor plus = evaluate(fn, inputs);
      v = original - options.eps;
      const Tensor minus = evaluate(fn, inputs);
      v = original;
      for (int64_t j = 0; j < n_out; ++j) {
        const double numeric = (plus.data_ptr<double>()[j] - minus.data_ptr<double>()[j]) / (2 * options.eps);
        const Tensor& g = out.requires_grad() ? analytic[j][c] : Tensor();
        const double a = g.defined() ? element(g, e) : 0.0;
        if (std::fabs(a - numeric) <= options.atol + options.rtol * std::fabs(numeric)) continue;
        std::ostringstream msg;
        msg << "gradcheck failed for input " << checked[c] << " element " << index_str(x, e)
            << ", output element " << index_str(out, j) << ": analytic " << a << " vs numeric "
            << numeric << " (atol " << options.atol << ", rtol " << options.rtol << ")";
        result = {false, msg.str()};
        break;
      }
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].requires_grad()) const_cast<Tensor&>(inputs[i]).set_grad(saved_grads[i]);
  return result;
}

}  // namespace ember::autograd
