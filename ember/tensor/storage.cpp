#include "ember/tensor/storage.h"

#include "ember/tensor/allocator.h"

namespace ember {

std::shared_ptr<Storage> Storage::allocate(std::size_t nbytes) {
  void* data = detail::allocate_block(nbytes);
  return std::make_shared<Storage>(data, nbytes, [nbytes](void* p) { detail::release_block(p, nbytes); });
}

std::shared_ptr<Storage> Storage::wrap(void* data, std::size_t nbytes,
                                       std::function<void(void*)> deleter) {
  return std::make_shared<Storage>(data, nbytes, std::move(deleter));
}

Storage::~Storage() {
  if (deleter_) deleter_(data_);
}

}  // namespace ember
