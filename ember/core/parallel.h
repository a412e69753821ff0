// Threads, through OpenMP: a parallel_for that splits a range into chunks only when there is
// enough work (a grain, in elements) to pay for waking the second core, and the thread count.
// The count is one number for the whole process, not OpenMP's per-thread setting: a thread
// started after set_num_threads(1) (the data loader's) would otherwise get OpenMP's default,
// a team as wide as the machine, whose idle workers spin on the core the training runs on.
#pragma once

#include <cstdint>
#include <functional>

namespace ember {

/// Number of threads ember's kernels use, on every thread of the process (defaults to OpenMP's:
/// OMP_NUM_THREADS, else the core count). On a thread marked by set_this_thread_serial(), 1.
int get_num_threads();
void set_num_threads(int n);

/// Marks the calling thread as one that works beside the training threads (the data loader's
/// prefetching thread): ember's parallel loops called from it run inline, on it alone, rather
/// than starting a team that would take cores from the training step.
void set_this_thread_serial();

/// Below this many elements an elementwise loop stays on one thread: waking a second thread costs
/// a few microseconds, about the time one core needs for this much simple arithmetic.
inline constexpr int64_t kElementwiseGrain = 32768;

/// Calls fn(begin, end) on disjoint chunks covering [begin, end). Runs inline (one chunk) when
/// (end - begin) <= grain or only one thread is set. fn must not throw.
void parallel_for(int64_t begin, int64_t end, int64_t grain,
                  const std::function<void(int64_t, int64_t)>& fn);

/// Calls item(i) for each i in [begin, end), on every thread for items slow enough to share (a
/// file to decode, an image to write); item may throw: once all have run, the error of the
/// lowest index is rethrown.
void parallel_for_each(int64_t begin, int64_t end, const std::function<void(int64_t)>& item);

}  // namespace ember
