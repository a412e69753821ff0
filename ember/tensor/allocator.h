// The caching allocator behind every tensor's Storage. A training loop frees and reallocates
// buffers of the same few sizes every step; going to the system each time costs malloc's
// bookkeeping and, for blocks above glibc's mmap threshold (128 KiB: a 64 x 784 batch is 200 KiB),
// an mmap, a page fault per 4 KiB touched and an munmap. Freed blocks are kept by exact size
// and handed out again, so after the first step a training step allocates nothing from the
// system. libtorch's CPU allocator does not cache (its CUDA allocator does); see
// docs/differences.md.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ember {

struct AllocatorStats {
  int64_t system_allocations = 0;  ///< blocks obtained from the system since the start
  int64_t cache_hits = 0;          ///< allocations served from the cache
  std::size_t cached_bytes = 0;    ///< bytes held in the cache now (freed, ready for reuse)
  std::size_t cache_limit = 0;     ///< the most the cache will hold
};

AllocatorStats allocator_stats();
/// Returns every cached block to the system (the memory in use is untouched).
void empty_cache();
/// The most bytes the cache may hold (default 2 GiB; a ResNet-20 step at batch 128 holds 751 MiB
/// between steps); 0 turns caching off. A freed block that would push the cache over the limit
/// goes back to the system; lowering the limit empties the cache.
void set_allocator_cache_limit(std::size_t bytes);

namespace detail {
/// A 64-byte-aligned block of at least nbytes (rounded up to 64; never null: throws bad_alloc).
/// From 8 MiB up, 2 MiB-aligned, rounded up to 2 MiB and advised for transparent huge pages.
void* allocate_block(std::size_t nbytes);
/// Gives back a block from allocate_block(nbytes), with the same nbytes.
void release_block(void* block, std::size_t nbytes);
}  // namespace detail

}  // namespace ember
