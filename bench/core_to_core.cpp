// The round trip of one cache line between two cores: thread A writes it, thread B sees the
// write and answers, n times. On a virtual machine the host decides where the two vCPUs run;
// when they share an L3 the round trip is short, when they do not it is several times longer,
// and every product or loop the two threads share pays for it. compare.py prints this beside its
// two-thread figures, which follow it.
//
//   core_to_core [round trips]   -> "core-to-core round trip: N ns (cores 0 and 1)"
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

bool pin_to(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200000;
  alignas(64) std::atomic<int> turn{0};
  bool pinned = true;
  std::thread other([&] {
    pinned &= pin_to(1);
    for (int i = 0; i < n; ++i) {
      while (turn.load(std::memory_order_acquire) != 1) {}
      turn.store(0, std::memory_order_release);
    }
  });
  pinned &= pin_to(0);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    turn.store(1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 0) {}
  }
  const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / n;
  other.join();
  std::printf("core-to-core round trip: %.0f ns (%s)\n", ns, pinned ? "cores 0 and 1" : "threads not pinned");
  return 0;
}
