// A job in which rank 1 fails while rank 0 waits for it in a collective, for the tests that check
// that the job ends (with the failing rank named) instead of hanging.
//   rank_failure throw   rank 1 throws an exception nobody catches
//   rank_failure kill    rank 1 is killed by SIGKILL (no handler runs)
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <string>

#include <ember/distributed/distributed.h>
#include <ember/ember.h>

int main(int argc, char** argv) {
  using namespace ember;
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode != "throw" && mode != "kill") {
    std::cerr << "usage: rank_failure throw|kill\n";
    return 2;
  }
  auto pg = distributed::init_process_group();
  Tensor t = ones({1000});
  pg->allreduce(t);  // both ranks are in the job
  if (pg->rank() == 1) {
    if (mode == "throw") throw std::runtime_error("rank 1 failed on purpose");
    std::raise(SIGKILL);
  }
  for (;;) pg->allreduce(t);  // rank 0: waits for a rank that will never come
}
