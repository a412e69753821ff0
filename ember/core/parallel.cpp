#include "ember/core/parallel.h"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <vector>

namespace ember {

namespace {
std::atomic<int> g_threads{0};  // 0: never set, OpenMP's default
thread_local bool t_serial = false;
}  // namespace

int get_num_threads() {
  if (t_serial) return 1;
  const int n = g_threads.load(std::memory_order_relaxed);
  return n > 0 ? n : omp_get_max_threads();
}

void set_num_threads(int n) {
  g_threads.store(std::max(1, n), std::memory_order_relaxed);
  omp_set_num_threads(std::max(1, n));
}

void set_this_thread_serial() { t_serial = true; }

void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn) {
  grain = std::max<int64_t>(grain, 1);
  const int64_t n = end - begin;
  if (n <= 0) return;
  const int threads = get_num_threads();
  if (n <= grain || threads == 1 || omp_in_parallel()) {
    fn(begin, end);
    return;
  }
  const int64_t chunks = std::min<int64_t>(threads, (n + grain - 1) / grain);
#pragma omp parallel for num_threads(static_cast<int>(chunks)) schedule(static, 1)
  for (int64_t c = 0; c < chunks; ++c) {
    const int64_t lo = begin + n * c / chunks, hi = begin + n * (c + 1) / chunks;
    fn(lo, hi);
  }
}

void parallel_for_each(int64_t begin, int64_t end, const std::function<void(int64_t)>& item) {
  if (end <= begin) return;
  std::vector<std::exception_ptr> errors(static_cast<size_t>(end - begin));
  parallel_for(begin, end, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      try {
        item(i);
      } catch (...) {
        errors[static_cast<size_t>(i - begin)] = std::current_exception();
      }
    }
  });
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace ember
