#include "ember/ops/creation.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ember/core/random.h"
#include "ember/ops/op_helpers.h"

namespace ember {

namespace {

// Applies the requires_grad option; creation results are always leaves.
Tensor finish(Tensor t, const TensorOptions& options) {
  if (options.requires_grad_flag()) t.requires_grad_(true);
  return t;
}

// Fills a fresh contiguous tensor element by element from next() (row-major order).
template <class Next>
Tensor generate(const Shape& sizes, ScalarType dtype, Next next) {
  Tensor out = detail::alloc(sizes, dtype);
  dispatch_with_16bit(dtype, [&](auto tag) {  // 16-bit floats: each value rounded from float32
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(out.data_ptr());
    for (int64_t i = 0, n = out.numel(); i < n; ++i) p[i] = static_cast<T>(static_cast<float>(next(i)));
  });
  return out;
}

void check_floating(ScalarType t, const char* op) {
  EMBER_CHECK(is_floating_point(t), TypeError, "[", op, "] needs a floating-point dtype; got ", dtype_name(t));
}

}  // namespace

// ---- TensorData ------------------------------------------------------------------------------

TensorData::TensorData() : shape_{0}, dtype_(kDefaultFloat) {}

TensorData::TensorData(const Scalar& value) : values_{value}, dtype_(value.natural_dtype()) {}

TensorData::TensorData(std::initializer_list<TensorData> list) : dtype_(kBool) {
  if (list.size() == 0) {
    shape_ = {0};
    dtype_ = kDefaultFloat;
    return;
  }
  const Shape& inner = list.begin()->shape();
  for (const TensorData& item : list) {
    EMBER_CHECK(item.shape() == inner, ValueError,
                "[tensor] nested lists have inconsistent shapes: found ", shape_str(item.shape()),
                " next to ", shape_str(inner));
    values_.insert(values_.end(), item.values().begin(), item.values().end());
    dtype_ = promote_types(dtype_, item.dtype());
  }
  shape_ = {static_cast<int64_t>(list.size())};
  shape_.insert(shape_.end(), inner.begin(), inner.end());
}

Tensor tensor(const TensorData& data, const TensorOptions& options) {
  const ScalarType t = options.dtype_or(data.dtype());
  if (is_reduced_float(t)) return finish(detail::round_to(tensor(data, options.dtype(kFloat32)), t), options);
  Tensor out = detail::alloc(data.shape(), t);
  dispatch(t, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = static_cast<T*>(out.data_ptr());
    for (const Scalar& s : data.values()) *p++ = s.to<T>();  // integers stay exact past 2^53
  });
  return finish(out, options);
}

// ---- from_blob --------------------------------------------------------------------------------

Tensor from_blob(void* data, const Shape& sizes, const Strides& strides, const TensorOptions& options) {
  EMBER_CHECK(data != nullptr || numel(sizes) == 0, ValueError, "[from_blob] data pointer is null");
  EMBER_CHECK(strides.size() == sizes.size(), ShapeError, "[from_blob] ", sizes.size(),
              " sizes but ", strides.size(), " strides");
  const ScalarType t = options.dtype_or(kDefaultFloat);
  int64_t extent = 1;  // elements spanned: 1 + sum of (size - 1) * stride
  for (size_t i = 0; i < sizes.size(); ++i) extent += (sizes[i] - 1) * strides[i];
  auto storage = Storage::wrap(data, static_cast<size_t>(std::max<int64_t>(extent, 0)) * element_size(t), nullptr);
  return finish(Tensor(std::make_shared<TensorImpl>(std::move(storage), sizes, strides, 0, t)), options);
}

Tensor from_blob(void* data, const Shape& sizes, const TensorOptions& options) {
  return from_blob(data, sizes, contiguous_strides(sizes), options);
}

Tensor from_blob(void* data, const Shape& sizes, std::function<void(void*)> deleter,
                 const TensorOptions& options) {
  const ScalarType t = options.dtype_or(kDefaultFloat);
  auto storage = Storage::wrap(data, static_cast<size_t>(numel(sizes)) * element_size(t), std::move(deleter));
  return finish(Tensor(std::make_shared<TensorImpl>(std::move(storage), sizes, contiguous_strides(sizes), 0, t)),
                options);
}

// ---- filled ----------------------------------------------------------------------------------

Tensor empty(const Shape& sizes, const TensorOptions& options) {
  return finish(detail::alloc(sizes, options.dtype_or(kDefaultFloat)), options);
}

Tensor full(const Shape& sizes, const Scalar& value, const TensorOptions& options) {
  const ScalarType t = options.dtype_or(value.natural_dtype());
  const double v = value.to_double();
  const int64_t iv = value.to_int64();
  return finish(is_floating_point(t) ? generate(sizes, t, [v](int64_t) { return v; })
                                     : generate(sizes, t, [iv](int64_t) { return iv; }),
                options);
}

Tensor zeros(const Shape& sizes, const TensorOptions& options) {
  return full(sizes, 0, options.dtype(options.dtype_or(kDefaultFloat)));
}

Tensor ones(const Shape& sizes, const TensorOptions& options) {
  return full(sizes, 1, options.dtype(options.dtype_or(kDefaultFloat)));
}

Tensor eye(int64_t n, const TensorOptions& options) { return eye(n, n, options); }

Tensor eye(int64_t n, int64_t m, const TensorOptions& options) {
  EMBER_CHECK(n >= 0 && m >= 0, ValueError, "[eye] sizes must be non-negative; got ", n, " and ", m);
  return finish(generate({n, m}, options.dtype_or(kDefaultFloat),
                         [m](int64_t i) { return i / m == i % m ? 1.0 : 0.0; }),
                options);
}

// ---- ranges ----------------------------------------------------------------------------------

Tensor arange(const Scalar& end, const TensorOptions& options) { return arange(0, end, 1, options); }

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& options) {
  const bool all_int = !start.is_floating_point() && !end.is_floating_point() && !step.is_floating_point();
  const double a = start.to_double(), b = end.to_double(), s = step.to_double();
  EMBER_CHECK(s != 0, ValueError, "[arange] step must be non-zero");
  EMBER_CHECK((b - a) * s >= 0, ValueError, "[arange] the range [", a, ", ", b, ") cannot be walked with step ", s);
  const auto n = static_cast<int64_t>(std::ceil((b - a) / s));
  return finish(generate({n}, options.dtype_or(all_int ? kInt64 : kDefaultFloat),
                         [a, s](int64_t i) { return a + static_cast<double>(i) * s; }),
                options);
}

Tensor linspace(double start, double end, int64_t steps, const TensorOptions& options) {
  EMBER_CHECK(steps >= 0, ValueError, "[linspace] number of steps must be non-negative; got ", steps);
  const double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0;
  return finish(generate({steps}, options.dtype_or(kDefaultFloat),
                         [=](int64_t i) {
                           // Fill from both ends, as PyTorch, so the last value is exactly `end`.
                           return i < steps / 2 ? start + step * static_cast<double>(i)
                                                : end - step * static_cast<double>(steps - 1 - i);
                         }),
                options);
}

// ---- random ----------------------------------------------------------------------------------

Tensor rand(const Shape& sizes, const TensorOptions& options) {
  const ScalarType t = options.dtype_or(kDefaultFloat);
  check_floating(t, "rand");
  Generator& gen = default_generator();
  return finish(generate(sizes, t, [&](int64_t) { return gen.uniform(); }), options);
}

Tensor randn(const Shape& sizes, const TensorOptions& options) {
  const ScalarType t = options.dtype_or(kDefaultFloat);
  check_floating(t, "randn");
  Generator& gen = default_generator();
  return finish(generate(sizes, t, [&](int64_t) { return gen.normal(); }), options);
}

Tensor randint(int64_t low, int64_t high, const Shape& sizes, const TensorOptions& options) {
  EMBER_CHECK(low < high, ValueError, "[randint] low (", low, ") must be less than high (", high, ")");
  Generator& gen = default_generator();
  return finish(generate(sizes, options.dtype_or(kInt64),
                         [&](int64_t) { return static_cast<double>(gen.integer(low, high)); }),
                options);
}

Tensor randint(int64_t high, const Shape& sizes, const TensorOptions& options) {
  return randint(0, high, sizes, options);
}

Tensor randperm(int64_t n, const TensorOptions& options) {
  EMBER_CHECK(n >= 0, ValueError, "[randperm] n must be non-negative; got ", n);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  // Fisher-Yates from the end, drawing from the generator's integer stream like randint.
  Generator& gen = default_generator();
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(gen.integer(0, i + 1))]);
  return finish(generate({n}, options.dtype_or(kInt64), [&](int64_t k) { return static_cast<double>(order[static_cast<size_t>(k)]); }),
                options);
}

namespace {
TensorOptions like(const Tensor& t, const TensorOptions& options) {
  return options.dtype(options.dtype_or(t.dtype()));
}
}  // namespace

Tensor empty_like(const Tensor& t, const TensorOptions& o) { return empty(t.sizes(), like(t, o)); }
Tensor zeros_like(const Tensor& t, const TensorOptions& o) { return zeros(t.sizes(), like(t, o)); }
Tensor ones_like(const Tensor& t, const TensorOptions& o) { return ones(t.sizes(), like(t, o)); }
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& o) { return full(t.sizes(), v, like(t, o)); }
Tensor rand_like(const Tensor& t, const TensorOptions& o) { return rand(t.sizes(), like(t, o)); }
Tensor randn_like(const Tensor& t, const TensorOptions& o) { return randn(t.sizes(), like(t, o)); }

Tensor one_hot(const Tensor& indices, int64_t num_classes) {
  EMBER_CHECK(indices.dtype() == kInt64, TypeError, "[one_hot] indices must be int64; got ",
              dtype_name(indices.dtype()));
  const Tensor idx = indices.contiguous();
  const int64_t* p = idx.data_ptr<int64_t>();
  const int64_t n = idx.numel();
  int64_t max_index = -1;
  for (int64_t i = 0; i < n; ++i) {
    EMBER_CHECK(p[i] >= 0, IndexError, "[one_hot] class values must be non-negative; got ", p[i]);
    max_index = std::max(max_index, p[i]);
  }
  if (num_classes < 0) num_classes = max_index + 1;
  EMBER_CHECK(max_index < num_classes, IndexError, "[one_hot] class value ", max_index,
              " is out of range for num_classes = ", num_classes);
  Shape shape = indices.sizes();
  shape.push_back(num_classes);
  return generate(shape, kInt64, [&](int64_t i) { return p[i / num_classes] == i % num_classes ? 1.0 : 0.0; });
}

}  // namespace ember
