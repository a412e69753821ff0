// The cost of one gradient allreduce between the ranks of an MPI job, the numbers behind the
// cost model in docs/distributed.md: for buffers from 1 KiB to 64 MiB of float32, the median time
// of ProcessGroup::allreduce over many repetitions, and the bus bandwidth it achieves
// (2 (N-1) / N x bytes / time, what a ring allreduce moves per rank).
//   mpirun -np 2 build/bench/allreduce_bench
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <ember/distributed/distributed.h>
#include <ember/ember.h>

int main() {
  using namespace ember;
  auto pg = distributed::init_process_group();
  const int n = pg->size();
  if (pg->rank() == 0)
    std::printf("allreduce (sum, float32) over %d rank(s): median of repetitions\n%12s %12s %14s\n", n, "bytes",
                "microseconds", "bus GB/s");
  for (int64_t bytes = 1 << 10; bytes <= (int64_t{64} << 20); bytes *= 4) {
    Tensor t = ones({bytes / 4});
    const int reps = bytes <= (1 << 20) ? 200 : 20;
    std::vector<double> us;
    for (int r = 0; r < reps + 3; ++r) {
      pg->barrier();
      const auto start = std::chrono::steady_clock::now();
      pg->allreduce(t);
      const double took = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
      if (r >= 3) us.push_back(took);  // the first few set up connections
    }
    std::nth_element(us.begin(), us.begin() + static_cast<std::ptrdiff_t>(us.size() / 2), us.end());
    const double median = us[us.size() / 2];
    if (pg->rank() == 0)
      std::printf("%12lld %12.1f %14.2f\n", static_cast<long long>(bytes), median,
                  2.0 * (n - 1) / n * static_cast<double>(bytes) / (median * 1e3));
  }
  return 0;
}
