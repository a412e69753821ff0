// Storage: a refcounted, 64-byte-aligned byte buffer. It knows nothing about shapes, strides or
// dtypes; tensors that share one Storage are views of one another (tensor_impl.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace ember {

class Storage {
 public:
  /// A new uninitialised buffer of at least nbytes, aligned to 64 bytes (one cache line, one
  /// AVX-512 register), so kernels may use aligned loads on a fresh tensor.
  static std::shared_ptr<Storage> allocate(std::size_t nbytes);
  /// Wraps memory the caller owns (from_blob); `deleter` runs when the last view goes, if given.
  static std::shared_ptr<Storage> wrap(void* data, std::size_t nbytes,
                                       std::function<void(void*)> deleter);

  Storage(void* data, std::size_t nbytes, std::function<void(void*)> deleter)
      : data_(data), nbytes_(nbytes), deleter_(std::move(deleter)) {}
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  std::size_t nbytes() const { return nbytes_; }
  /// Bumped by every in-place write to any view of this storage, so autograd can tell when a
  /// tensor it saved for backward has changed since (PyTorch's version counter).
  uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  void* data_;
  std::size_t nbytes_;
  std::function<void(void*)> deleter_;
  uint64_t version_ = 0;
};

}  // namespace ember
