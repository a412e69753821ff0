// Tensor's method and operator forms of the free functions in ops/: one-line forwards, plus the
// in-place ops, which all go through detail::write_inplace.
#include "ember/core/random.h"
#include "ember/ops/creation.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/indexing.h"
#include "ember/ops/linalg.h"
#include "ember/ops/loss.h"
#include "ember/ops/op_helpers.h"
#include "ember/ops/reduction.h"

namespace ember {

namespace {
using Inputs = std::vector<Tensor>;
Tensor S(const Scalar& s) { return detail::scalar_tensor(s); }
}  // namespace

// ---- elementwise ------------------------------------------------------------------------------
Tensor Tensor::add(const Tensor& o, const Scalar& alpha) const { return ember::add(*this, o, alpha); }
Tensor Tensor::add(const Scalar& o) const { return ember::add(*this, S(o)); }
Tensor Tensor::sub(const Tensor& o, const Scalar& alpha) const { return ember::sub(*this, o, alpha); }
Tensor Tensor::sub(const Scalar& o) const { return ember::sub(*this, S(o)); }
Tensor Tensor::mul(const Tensor& o) const { return ember::mul(*this, o); }
Tensor Tensor::mul(const Scalar& o) const { return ember::mul(*this, S(o)); }
Tensor Tensor::div(const Tensor& o) const { return ember::div(*this, o); }
Tensor Tensor::div(const Scalar& o) const { return ember::div(*this, S(o)); }
Tensor Tensor::neg() const { return ember::neg(*this); }
Tensor Tensor::exp() const { return ember::exp(*this); }
Tensor Tensor::log() const { return ember::log(*this); }
Tensor Tensor::sqrt() const { return ember::sqrt(*this); }
Tensor Tensor::rsqrt() const { return ember::rsqrt(*this); }
Tensor Tensor::abs() const { return ember::abs(*this); }
Tensor Tensor::sign() const { return ember::sign(*this); }
Tensor Tensor::sin() const { return ember::sin(*this); }
Tensor Tensor::cos() const { return ember::cos(*this); }
Tensor Tensor::tanh() const { return ember::tanh(*this); }
Tensor Tensor::sigmoid() const { return ember::sigmoid(*this); }
Tensor Tensor::relu() const { return ember::relu(*this); }
Tensor Tensor::pow(const Scalar& e) const { return ember::pow(*this, e); }
Tensor Tensor::pow(const Tensor& e) const { return ember::pow(*this, e); }
Tensor Tensor::clamp(std::optional<Scalar> lo, std::optional<Scalar> hi) const { return ember::clamp(*this, lo, hi); }
Tensor Tensor::clamp_min(const Scalar& lo) const { return ember::clamp_min(*this, lo); }
Tensor Tensor::clamp_max(const Scalar& hi) const { return ember::clamp_max(*this, hi); }
Tensor Tensor::maximum(const Tensor& o) const { return ember::maximum(*this, o); }
Tensor Tensor::minimum(const Tensor& o) const { return ember::minimum(*this, o); }
Tensor Tensor::gt(const Tensor& o) const { return ember::gt(*this, o); }
Tensor Tensor::lt(const Tensor& o) const { return ember::lt(*this, o); }
Tensor Tensor::ge(const Tensor& o) const { return ember::ge(*this, o); }
Tensor Tensor::le(const Tensor& o) const { return ember::le(*this, o); }
Tensor Tensor::eq(const Tensor& o) const { return ember::eq(*this, o); }
Tensor Tensor::ne(const Tensor& o) const { return ember::ne(*this, o); }
Tensor Tensor::logical_not() const { return ember::logical_not(*this); }

// ---- in place ---------------------------------------------------------------------------------
Tensor& Tensor::add_(const Tensor& o, const Scalar& alpha) {
  return detail::write_inplace(*this, "add_", {o}, [&](const Tensor& s, const Inputs& x) { return ember::add(s, x[0], alpha); });
}
Tensor& Tensor::add_(const Scalar& o) { return add_(S(o)); }
Tensor& Tensor::sub_(const Tensor& o, const Scalar& alpha) {
  return detail::write_inplace(*this, "sub_", {o}, [&](const Tensor& s, const Inputs& x) { return ember::sub(s, x[0], alpha); });
}
Tensor& Tensor::sub_(const Scalar& o) { return sub_(S(o)); }
Tensor& Tensor::mul_(const Tensor& o) {
  return detail::write_inplace(*this, "mul_", {o}, [&](const Tensor& s, const Inputs& x) { return ember::mul(s, x[0]); });
}
Tensor& Tensor::mul_(const Scalar& o) { return mul_(S(o)); }
Tensor& Tensor::div_(const Tensor& o) {
  return detail::write_inplace(*this, "div_", {o}, [&](const Tensor& s, const Inputs& x) { return ember::div(s, x[0]); });
}
Tensor& Tensor::div_(const Scalar& o) { return div_(S(o)); }
Tensor& Tensor::clamp_(std::optional<Scalar> lo, std::optional<Scalar> hi) {
  return detail::write_inplace(*this, "clamp_", {}, [&](const Tensor& s, const Inputs&) { return ember::clamp(s, lo, hi); });
}
Tensor& Tensor::fill_(const Scalar& value) {
  return detail::write_inplace(*this, "fill_", {},
                               [&](const Tensor& s, const Inputs&) { return detail::scalar_tensor(value, s.dtype()).expand(s.sizes()); });
}
Tensor& Tensor::zero_() { return fill_(0); }
Tensor& Tensor::copy_(const Tensor& src) {
  EMBER_CHECK(broadcast_shapes(sizes(), src.sizes(), "copy_") == sizes(), ShapeError, "[copy_] source of shape ",
              shape_str(src.sizes()), " cannot be broadcast to the destination's shape ", shape_str(sizes()));
  return detail::write_inplace(*this, "copy_", {src},
                               [&](const Tensor& s, const Inputs& x) { return x[0].to(s.dtype()).expand(s.sizes()); });
}
Tensor& Tensor::uniform_(double from, double to) {
  EMBER_CHECK(is_floating_point(), TypeError, "[uniform_] needs a floating-point tensor; got ", dtype_name(dtype()));
  EMBER_CHECK(from <= to, ValueError, "[uniform_] expects from <= to; got from=", from, " to=", to);
  return detail::write_inplace(*this, "uniform_", {}, [&](const Tensor& s, const Inputs&) {
    return ember::rand(s.sizes(), s.dtype()) * (to - from) + from;
  });
}
Tensor& Tensor::normal_(double mean, double std) {
  EMBER_CHECK(is_floating_point(), TypeError, "[normal_] needs a floating-point tensor; got ", dtype_name(dtype()));
  EMBER_CHECK(std >= 0, ValueError, "[normal_] expects std >= 0; got ", std);
  return detail::write_inplace(*this, "normal_", {}, [&](const Tensor& s, const Inputs&) {
    return ember::randn(s.sizes(), s.dtype()) * std + mean;
  });
}

// ---- reductions -------------------------------------------------------------------------------
Tensor Tensor::sum() const { return ember::sum(*this); }
Tensor Tensor::sum(DimList d, bool k) const { return ember::sum(*this, d, k); }
Tensor Tensor::mean() const { return ember::mean(*this); }
Tensor Tensor::mean(DimList d, bool k) const { return ember::mean(*this, d, k); }
Tensor Tensor::prod() const { return ember::prod(*this); }
Tensor Tensor::prod(int64_t d, bool k) const { return ember::prod(*this, d, k); }
Tensor Tensor::max() const { return ember::amax(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t d, bool k) const { return ember::max(*this, d, k); }
Tensor Tensor::min() const { return ember::amin(*this); }
std::tuple<Tensor, Tensor> Tensor::min(int64_t d, bool k) const { return ember::min(*this, d, k); }
Tensor Tensor::amax(DimList d, bool k) const { return ember::amax(*this, d, k); }
Tensor Tensor::amin(DimList d, bool k) const { return ember::amin(*this, d, k); }
Tensor Tensor::argmax(std::optional<int64_t> d, bool k) const { return ember::argmax(*this, d, k); }
Tensor Tensor::argmin(std::optional<int64_t> d, bool k) const { return ember::argmin(*this, d, k); }
Tensor Tensor::var(DimList d, bool unbiased, bool k) const { return ember::var(*this, d, unbiased, k); }
Tensor Tensor::std(DimList d, bool unbiased, bool k) const { return ember::std(*this, d, unbiased, k); }
Tensor Tensor::logsumexp(DimList d, bool k) const { return ember::logsumexp(*this, d, k); }
Tensor Tensor::norm(const Scalar& p) const { return ember::norm(*this, p); }
Tensor Tensor::norm(const Scalar& p, DimList d, bool k) const { return ember::norm(*this, p, d, k); }

// ---- linear algebra, indexing, activations ----------------------------------------------------
Tensor Tensor::matmul(const Tensor& o) const { return ember::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return ember::mm(*this, o); }
Tensor Tensor::bmm(const Tensor& o) const { return ember::bmm(*this, o); }
Tensor Tensor::index_select(int64_t d, const Tensor& i) const { return ember::index_select(*this, d, i); }
Tensor Tensor::gather(int64_t d, const Tensor& i) const { return ember::gather(*this, d, i); }
Tensor Tensor::softmax(int64_t d) const { return ember::softmax(*this, d); }
Tensor Tensor::log_softmax(int64_t d) const { return ember::log_softmax(*this, d); }

// ---- operators --------------------------------------------------------------------------------
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, S(b)); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, S(b)); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, S(b)); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, S(b)); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(S(a), b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return sub(S(a), b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(S(a), b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return div(S(a), b); }
Tensor operator-(const Tensor& a) { return neg(a); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator>(const Tensor& a, const Scalar& b) { return gt(a, S(b)); }
Tensor operator<(const Tensor& a, const Scalar& b) { return lt(a, S(b)); }
Tensor operator>=(const Tensor& a, const Scalar& b) { return ge(a, S(b)); }
Tensor operator<=(const Tensor& a, const Scalar& b) { return le(a, S(b)); }
Tensor operator==(const Tensor& a, const Scalar& b) { return eq(a, S(b)); }
Tensor operator!=(const Tensor& a, const Scalar& b) { return ne(a, S(b)); }

}  // namespace ember
