// The Tensor methods that need nothing above the tensor layer: metadata, item(), and the raw
// allocation and copy every op is built on.
#include "ember/tensor/tensor.h"

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

Tensor alloc(const Shape& sizes, ScalarType dtype) {
  for (int64_t s : sizes)
    EMBER_CHECK(s >= 0, ShapeError, "[empty] sizes must be non-negative; got ", shape_str(sizes));
  auto storage = Storage::allocate(static_cast<size_t>(numel(sizes)) * element_size(dtype));
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), sizes, contiguous_strides(sizes), 0, dtype));
}

void copy_into(const Tensor& dst, const Tensor& src) {
  EMBER_ASSERT(dst.sizes() == src.sizes());
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
