// The Tensor methods that need nothing above the tensor layer: metadata, item(), and the raw
// allocation and copy every op is built on.
#include "ember/tensor/tensor.h"

#include "ember/kernels/convert_16bit.h"
#include "ember/kernels/elementwise.h"

namespace ember {

int64_t Tensor::size(int64_t d) const { return sizes()[wrap_dim(d, dim(), "size")]; }
int64_t Tensor::stride(int64_t d) const { return strides()[wrap_dim(d, dim(), "stride")]; }

Scalar Tensor::item() const {
  EMBER_CHECK(numel() == 1, ValueError, "[item] a tensor with ", numel(),
              " elements cannot be converted to a scalar (shape ", shape_str(sizes()), ")");
  const char* p = checked()->data();
  return dispatch_with_16bit(dtype(), [&](auto tag) -> Scalar {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_same_v<T, BFloat16> || std::is_same_v<T, Half>)
      return Scalar(static_cast<float>(*reinterpret_cast<const T*>(p)));
    else
      return Scalar(*reinterpret_cast<const T*>(p));
  });
}

namespace detail {

namespace {
// float32 <-> bfloat16 / float16 between contiguous tensors: the vectorised conversions (the
// general cast below converts one element at a time). False when it does not apply.
bool copy_16bit(const Tensor& dst, const Tensor& src) {
  if (!dst.is_contiguous() || !src.is_contiguous()) return false;
  const ScalarType from = src.dtype(), to = dst.dtype();
  const int64_t n = dst.numel();
  if (from == kFloat32 && to == kBFloat16) kernels::to_bfloat16(src.data_ptr<float>(), dst.data_ptr<BFloat16>(), n);
  else if (from == kFloat32 && to == kHalf) kernels::to_half(src.data_ptr<float>(), dst.data_ptr<Half>(), n);
  else if (from == kBFloat16 && to == kFloat32) kernels::from_bfloat16(src.data_ptr<BFloat16>(), dst.data_ptr<float>(), n);
  else if (from == kHalf && to == kFloat32) kernels::from_half(src.data_ptr<Half>(), dst.data_ptr<float>(), n);
  else return false;
  return true;
}
}  // namespace

Tensor alloc(const Shape& sizes, ScalarType dtype) {
  for (int64_t s : sizes)
    EMBER_CHECK(s >= 0, ShapeError, "[empty] sizes must be non-negative; got ", shape_str(sizes));
  auto storage = Storage::allocate(static_cast<size_t>(numel(sizes)) * element_size(dtype));
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), sizes, contiguous_strides(sizes), 0, dtype));
}

void copy_into(const Tensor& dst, const Tensor& src) {
  EMBER_ASSERT(dst.sizes() == src.sizes());
  if (copy_16bit(dst, src)) return;
  dispatch_with_16bit(dst.dtype(), [&](auto out_tag) {
    using Out = typename decltype(out_tag)::type;
    dispatch_with_16bit(src.dtype(), [&](auto in_tag) {
      using In = typename decltype(in_tag)::type;
      kernels::cast(dst.sizes(), static_cast<Out*>(dst.data_ptr()), dst.strides().data(),
                    static_cast<const In*>(src.data_ptr()), src.strides().data());
    });
  });
}

}  // namespace detail
}  // namespace ember
