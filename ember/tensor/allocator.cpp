#include "ember/tensor/allocator.h"

#include <sys/mman.h>

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace ember {

namespace {

constexpr std::size_t kAlignment = 64;
// Blocks from 8 MiB up (a dataset held as one tensor, a ResNet's activations) are aligned to and
// rounded up to 2 MiB, and the kernel is asked to back them with 2 MiB pages: a gather of
// random rows then finds its pages in the TLB instead of walking the page tables for every row,
// and the first touch faults once per 2 MiB instead of once per 4 KiB. At most a quarter of
// such a block is rounding, and pages never touched take no memory.
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugeFrom = 4 * kHugePage;

std::size_t alignment_for(std::size_t nbytes) { return nbytes >= kHugeFrom ? kHugePage : kAlignment; }

std::size_t rounded(std::size_t nbytes) {
  const std::size_t a = alignment_for(nbytes);
  const std::size_t r = (nbytes + a - 1) / a * a;
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
  void* block = std::aligned_alloc(alignment_for(size), size);
  if (!block) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  if (alignment_for(size) == kHugePage) madvise(block, size, MADV_HUGEPAGE);  // advice: a refusal changes nothing
#endif
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
