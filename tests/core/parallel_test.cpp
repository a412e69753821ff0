// parallel_for_each: every item runs once, on one thread or two, and an item's error reaches the
// caller (the lowest index's, after all items ran).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(ParallelForEach, RunsEveryItemOnceAndRethrowsTheFirstError) {
  const int threads = get_num_threads();
  for (int t : {1, 2}) {
    set_num_threads(t);
    std::vector<std::atomic<int>> runs(100);
    parallel_for_each(0, 100, [&](int64_t i) { ++runs[static_cast<size_t>(i)]; });
    for (const auto& r : runs) EXPECT_EQ(r.load(), 1);
    std::atomic<int> ran{0};
    EXPECT_THROW_MSG(parallel_for_each(10, 60, [&](int64_t i) {
                       ++ran;
                       if (i == 30 || i == 50) throw ValueError("item " + std::to_string(i));
                     }),
                     ValueError, "item 30");
    EXPECT_EQ(ran.load(), 50);  // the others still ran
    parallel_for_each(5, 5, [](int64_t) { FAIL() << "an empty range runs nothing"; });
  }
  set_num_threads(threads);
}

// The thread count is the process's, not the calling thread's: a thread started after
// set_num_threads sees it (OpenMP's own setting would give a new thread the machine's default),
// and a thread marked serial runs ember's loops on itself alone.
TEST(Parallel, TheThreadCountHoldsOnEveryThreadAndSerialThreadsRunAlone) {
  const int threads = get_num_threads();
  for (int t : {1, 2, 3}) {
    set_num_threads(t);
    int seen = 0, serial = 0, chunks = 0;
    std::thread([&] {
      seen = get_num_threads();
      set_this_thread_serial();
      serial = get_num_threads();
      parallel_for(0, 1 << 20, 1, [&](int64_t, int64_t) { ++chunks; });  // one chunk: no team, no race
    }).join();
    EXPECT_EQ(seen, t);
    EXPECT_EQ(serial, 1);
    EXPECT_EQ(chunks, 1);
  }
  set_num_threads(threads);
  EXPECT_EQ(get_num_threads(), threads);
}

}  // namespace
}  // namespace ember
