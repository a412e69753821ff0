// Tensor: the user's handle on a TensorImpl (a shared pointer, so copies are cheap and alias the
// same data, as in libtorch). The methods are declared here and defined next to the op they
// forward to: views in tensor/view.cpp, arithmetic and reductions in ops/, autograd in autograd/.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "ember/core/dtype.h"
#include "ember/core/error.h"
#include "ember/core/scalar.h"
#include "ember/core/shape.h"
#include "ember/tensor/tensor_impl.h"
#include "ember/tensor/tensor_options.h"

namespace ember {

/// A list of dims, written as one int (`1`), a braced list (`{0, 2}`) or a vector, as libtorch's
/// IntArrayRef. An empty list means "every dim" for reductions.
class DimList {
 public:
  DimList() = default;
  DimList(int64_t d) : dims_{d} {}
  DimList(std::initializer_list<int64_t> dims) : dims_(dims) {}
  DimList(std::vector<int64_t> dims) : dims_(std::move(dims)) {}
  const std::vector<int64_t>& vec() const { return dims_; }

 private:
  std::vector<int64_t> dims_;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- metadata -------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  const Shape& sizes() const { return checked()->sizes; }
  const Strides& strides() const { return checked()->strides; }
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int64_t dim() const { return checked()->dim(); }
  int64_t ndimension() const { return dim(); }
  int64_t numel() const { return checked()->numel(); }
  ScalarType scalar_type() const { return checked()->dtype; }
  ScalarType dtype() const { return scalar_type(); }
  TensorOptions options() const { return TensorOptions().dtype(scalar_type()); }
  int64_t element_size() const { return static_cast<int64_t>(ember::element_size(dtype())); }
  int64_t storage_offset() const { return checked()->offset; }
  bool is_contiguous() const { return checked()->is_contiguous(); }
  bool is_floating_point() const { return ember::is_floating_point(dtype()); }
  /// True iff both handles point at the same TensorImpl (not merely equal values).
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

  /// Pointer to element 0; T must be this tensor's C++ type (throws TypeError otherwise).
  template <class T> T* data_ptr() const;
  void* data_ptr() const { return checked()->data(); }
  /// The value of a one-element tensor, converted to T.
  template <class T> T item() const;
  Scalar item() const;

  // ---- views: share storage, never copy (tensor/view.cpp) -------------------------------
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;  // a view when possible, else a copy
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;  // transpose of a 0-, 1- or 2-D tensor
  Tensor permute(const Shape& dims) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor expand(const Shape& shape) const;  // -1 keeps a dim; new dims go in front
  Tensor expand_as(const Tensor& other) const { return expand(other.sizes()); }
  Tensor slice(int64_t dim, std::optional<int64_t> start = std::nullopt,
               std::optional<int64_t> end = std::nullopt, int64_t step = 1) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor operator[](int64_t index) const { return select(0, index); }
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor diagonal(int64_t offset = 0, int64_t dim1 = 0, int64_t dim2 = 1) const;
  Tensor contiguous() const;  // itself when already contiguous, else a contiguous copy
  Tensor clone() const;       // always a contiguous copy (differentiable)
  Tensor detach() const;      // same data, cut from the graph
  Tensor to(ScalarType dtype) const;  // itself when the dtype already matches

  // ---- elementwise (ops/elementwise.cpp) ------------------------------------------------
  Tensor add(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor add(const Scalar& other) const;
  Tensor sub(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor sub(const Scalar& other) const;
  Tensor mul(const Tensor& other) const;
  Tensor mul(const Scalar& other) const;
  Tensor div(const Tensor& other) const;
  Tensor div(const Scalar& other) const;
  Tensor neg() const;
  Tensor exp() const;
  Tensor log() const;
  Tensor sqrt() const;
  Tensor rsqrt() const;
  Tensor abs() const;
  Tensor sign() const;
  Tensor sin() const;
  Tensor cos() const;
  Tensor tanh() const;
  Tensor sigmoid() const;
  Tensor relu() const;
  Tensor pow(const Scalar& exponent) const;
  Tensor pow(const Tensor& exponent) const;
  Tensor clamp(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt) const;
  Tensor clamp_min(const Scalar& min) const;
  Tensor clamp_max(const Scalar& max) const;
  Tensor maximum(const Tensor& other) const;
  Tensor minimum(const Tensor& other) const;
  Tensor gt(const Tensor& other) const;
  Tensor lt(const Tensor& other) const;
  Tensor ge(const Tensor& other) const;
  Tensor le(const Tensor& other) const;
  Tensor eq(const Tensor& other) const;
  Tensor ne(const Tensor& other) const;
  Tensor logical_not() const;

  // ---- in place: write into this tensor's storage and return *this ---------------------
  Tensor& add_(const Tensor& other, const Scalar& alpha = 1);
  Tensor& add_(const Scalar& other);
  Tensor& sub_(const Tensor& other, const Scalar& alpha = 1);
  Tensor& sub_(const Scalar& other);
  Tensor& mul_(const Tensor& other);
  Tensor& mul_(const Scalar& other);
  Tensor& div_(const Tensor& other);
  Tensor& div_(const Scalar& other);
  Tensor& clamp_(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt);
  Tensor& zero_();
  Tensor& fill_(const Scalar& value);
  Tensor& copy_(const Tensor& src);  // src broadcasts to this shape; dtype converts
  Tensor& uniform_(double from = 0, double to = 1);
  Tensor& normal_(double mean = 0, double std = 1);

  // ---- reductions (ops/reduction.cpp) ----------------------------------------------------
  Tensor sum() const;
  Tensor sum(DimList dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(DimList dims, bool keepdim = false) const;
  Tensor prod() const;
  Tensor prod(int64_t dim, bool keepdim = false) const;
  Tensor max() const;
  std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  Tensor min() const;
  std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor amax(DimList dims = {}, bool keepdim = false) const;
  Tensor amin(DimList dims = {}, bool keepdim = false) const;
  Tensor argmax(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor argmin(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  // var(1) is the variance over dim 1 (as in Python); var(false) the biased variance of all
  // elements. The template keeps an int from converting to the bool overload.
  Tensor var() const { return var(DimList{}); }
  template <class B, std::enable_if_t<std::is_same_v<B, bool>, int> = 0>
  Tensor var(B unbiased) const { return var(DimList{}, unbiased); }
  Tensor var(DimList dims, bool unbiased = true, bool keepdim = false) const;
  Tensor std() const { return std(DimList{}); }
  template <class B, std::enable_if_t<std::is_same_v<B, bool>, int> = 0>
  Tensor std(B unbiased) const { return std(DimList{}, unbiased); }
  Tensor std(DimList dims, bool unbiased = true, bool keepdim = false) const;
  Tensor logsumexp(DimList dims, bool keepdim = false) const;
  Tensor norm(const Scalar& p = 2) const;
  Tensor norm(const Scalar& p, DimList dims, bool keepdim = false) const;

  // ---- linear algebra, indexing, activations (ops/) --------------------------------------
  Tensor matmul(const Tensor& other) const;
  Tensor mm(const Tensor& other) const;
  Tensor bmm(const Tensor& other) const;
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor gather(int64_t dim, const Tensor& index) const;
  Tensor softmax(int64_t dim) const;
  Tensor log_softmax(int64_t dim) const;

  // ---- autograd (autograd/tensor_autograd.cpp) -------------------------------------------
  bool requires_grad() const;
  Tensor& requires_grad_(bool requires_grad = true);
  /// The gradient accumulated by backward(); undefined until then. Shares storage with the
  /// stored gradient, so grad().zero_() clears it.
  Tensor grad() const;
  /// Replaces the stored gradient (pass an undefined Tensor to drop it).
  void set_grad(const Tensor& grad);
  bool is_leaf() const;
  void retain_grad();
  bool retains_grad() const;
  std::shared_ptr<autograd::Node> grad_fn() const;
  /// Backpropagates from this tensor. `gradient` defaults to 1 for one-element tensors.
  /// Calls hook(tensor) on a leaf every time backward has added to its grad (PyTorch's
  /// register_post_accumulate_grad_hook): gradients can be used as soon as they are complete,
  /// while the rest of backward runs (data-parallel training starts sending them then).
  /// Returns an id for remove_post_accumulate_grad_hook.
  size_t register_post_accumulate_grad_hook(std::function<void(Tensor&)> hook);
  void remove_post_accumulate_grad_hook(size_t id);
  void backward(const Tensor& gradient = {}, bool retain_graph = false) const;

 private:
  TensorImpl* checked() const {
    EMBER_CHECK(impl_, ValueError, "[Tensor] this tensor is undefined (default-constructed)");
    return impl_.get();
  }
  std::shared_ptr<TensorImpl> impl_;
};

// ---- operators --------------------------------------------------------------------------
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator>=(const Tensor& a, const Scalar& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator==(const Tensor& a, const Scalar& b);
Tensor operator!=(const Tensor& a, const Scalar& b);
inline Tensor& operator+=(Tensor& a, const Tensor& b) { return a.add_(b); }
inline Tensor& operator-=(Tensor& a, const Tensor& b) { return a.sub_(b); }
inline Tensor& operator*=(Tensor& a, const Tensor& b) { return a.mul_(b); }
inline Tensor& operator/=(Tensor& a, const Tensor& b) { return a.div_(b); }
inline Tensor& operator+=(Tensor& a, const Scalar& b) { return a.add_(b); }
inline Tensor& operator-=(Tensor& a, const Scalar& b) { return a.sub_(b); }
inline Tensor& operator*=(Tensor& a, const Scalar& b) { return a.mul_(b); }
inline Tensor& operator/=(Tensor& a, const Scalar& b) { return a.div_(b); }

/// Prints as PyTorch does: tensor([[1.0000, 2.0000], ...], dtype=float64, grad_fn=<MulBackward>).
std::ostream& operator<<(std::ostream& out, const Tensor& t);

namespace detail {
/// A new contiguous tensor with uninitialised data; the allocation every op ends in.
Tensor alloc(const Shape& sizes, ScalarType dtype);
/// dst[...] = src[...] converted to dst's dtype; src has dst's shape (stride-0 dims allowed).
/// No autograd: callers record history themselves.
void copy_into(const Tensor& dst, const Tensor& src);
}  // namespace detail

// ---- template definitions ----------------------------------------------------------------
template <class T>
T* Tensor::data_ptr() const {
  EMBER_CHECK(dtype_of<std::remove_const_t<T>> == dtype(), TypeError,
              "[data_ptr] asked for ", dtype_name(dtype_of<std::remove_const_t<T>>),
              " data but the tensor holds ", dtype_name(dtype()));
  return reinterpret_cast<T*>(checked()->data());
}

template <class T>
T Tensor::item() const {
  return item().to<T>();
}

}  // namespace ember
