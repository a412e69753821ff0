#include "ember/tensor/allocator.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace ember {

namespace {

constexpr std::size_t kAlignment = 64;

std::size_t rounded(std::size_t nbytes) {
  const std::size_t r = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  return r == 0 ? kAlignment : r;  // aligned_alloc needs a nonzero multiple of the alignment
}

// Free blocks by exact (rounded) size. Exact sizes suit a training loop, which asks for the same
// shapes every step, and waste nothing; the limit bounds what a change of shapes leaves behind.
// One mutex: tensors are freed on the data loader's thread too, and an uncontended lock is tens
// of nanoseconds against the microseconds an op takes.
struct Cache {
  std::mutex mutex;
  std::unordered_map<std::size_t, std::vector<void*>> free_blocks;
  AllocatorStats stats{0, 0, 0, std::size_t{2} << 30};

  void release_all_locked() {
    for (auto& [size, blocks] : free_blocks)
      for (void* b : blocks) std::free(b);
    free_blocks.clear();
    stats.cached_bytes = 0;
  }
};

Cache& cache() {
  // Never destroyed: tensors held in static objects may be freed after main returns.
  static Cache* c = new Cache();
  return *c;
}

}  // namespace

namespace detail {

void* allocate_block(std::size_t nbytes) {
  const std::size_t size = rounded(nbytes);
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free_blocks.find(size);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* block = it->second.back();
      it->second.pop_back();
      c.stats.cached_bytes -= size;
      ++c.stats.cache_hits;
      return block;
    }
    ++c.stats.system_allocations;
  }
  void* block = std::aligned_alloc(kAlignment, size);
  if (!block) throw std::bad_alloc();
  return block;
}

void release_block(void* block, std::size_t nbytes) {
  const std::size_t size = rounded(nbytes);
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.stats.cached_bytes + size <= c.stats.cache_limit) {
      c.free_blocks[size].push_back(block);
      c.stats.cached_bytes += size;
      return;
    }
  }
  std::free(block);
}

}  // namespace detail

AllocatorStats allocator_stats() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.stats;
}

void empty_cache() {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.release_all_locked();
}

void set_allocator_cache_limit(std::size_t bytes) {
  Cache& c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.stats.cache_limit = bytes;
  if (c.stats.cached_bytes > bytes) c.release_all_locked();
}

}  // namespace ember
