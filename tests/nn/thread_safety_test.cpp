// What ember promises to threads (docs/guarantees.md): several threads may run inference on one
// model at once, each under its own NoGradGuard, and get exactly what one thread gets; grad mode
// is per thread, so one thread's NoGradGuard never turns off another's recording.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/tensor_expect.h"

namespace ember {
namespace {

std::shared_ptr<nn::SequentialImpl> lenet() {
  return nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 6, 5).padding(2)), nn::ReLU(), nn::MaxPool2d(2),
                        nn::Conv2d(6, 16, 5), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(400, 120),
                        nn::ReLU(), nn::Linear(120, 84), nn::ReLU(), nn::Linear(84, 10))
      .ptr();
}

TEST(ThreadSafety, ConcurrentInferenceOnOneModelMatchesOneThread) {
  manual_seed(0);
  auto model = lenet();
  model->eval();
  constexpr int kThreads = 4, kRounds = 15;
  std::vector<Tensor> inputs, expected;
  for (int t = 0; t < kThreads; ++t) {
    inputs.push_back(randn({1 + 16 * t, 1, 28, 28}));  // different batch sizes: different GEMM paths
    NoGradGuard no_grad;
    expected.push_back((*model)(inputs.back()));
  }
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      try {
        NoGradGuard no_grad;  // per thread: each inference thread says so itself
        for (int r = 0; r < kRounds; ++r)
          if (!equal((*model)(inputs[t]), expected[t])) ++mismatches;
      } catch (...) {
        ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0) << "a thread's output differed from the single-threaded one";
}

TEST(ThreadSafety, GradModeIsPerThread) {
  Tensor w = randn({3, 3}, requires_grad());
  std::atomic<bool> guard_held{false}, recorded_elsewhere{false};
  std::thread quiet([&] {
    NoGradGuard no_grad;
    guard_held = true;
    while (!recorded_elsewhere) std::this_thread::yield();
    EXPECT_FALSE(w.matmul(w).requires_grad());  // this thread's guard holds
  });
  while (!guard_held) std::this_thread::yield();
  const Tensor y = w.matmul(w);  // recorded here although the other thread holds a NoGradGuard
  EXPECT_TRUE(y.requires_grad());
  recorded_elsewhere = true;
  quiet.join();
  EXPECT_TRUE(is_grad_enabled());
}

}  // namespace
}  // namespace ember
