#include "ember/tensor/storage.h"

#include <cstdlib>
#include <new>

namespace ember {

namespace {
constexpr std::size_t kAlignment = 64;
}

std::shared_ptr<Storage> Storage::allocate(std::size_t nbytes) {
  // aligned_alloc needs a size that is a multiple of the alignment; never 0.
  const std::size_t rounded = ((nbytes + kAlignment - 1) / kAlignment) * kAlignment;
  void* data = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (!data) throw std::bad_alloc();
  return std::make_shared<Storage>(data, nbytes, [](void* p) { std::free(p); });
}

std::shared_ptr<Storage> Storage::wrap(void* data, std::size_t nbytes,
                                       std::function<void(void*)> deleter) {
  return std::make_shared<Storage>(data, nbytes, std::move(deleter));
}

Storage::~Storage() {
  if (deleter_) deleter_(data_);
}

}  // namespace ember
