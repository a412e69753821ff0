// The global random generator behind rand/randn/randint/uniform_/normal_, seeded with
// manual_seed. ember's random streams are its own: the same seed gives the same values run to
// run, but not PyTorch's values (tests compare against stored PyTorch inputs instead).
#pragma once

#include <cstdint>
#include <random>

namespace ember {

class Generator {
 public:
  explicit Generator(uint64_t seed = 5489) : engine_(seed) {}
  void seed(uint64_t s) { engine_.seed(s); }
  double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  double normal() { return std::normal_distribution<double>(0.0, 1.0)(engine_); }
  /// Uniform integer in [low, high).
  int64_t integer(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high - 1)(engine_);
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

/// The process-wide default generator (single-threaded use, like torch's CPU default).
Generator& default_generator();
void manual_seed(uint64_t seed);

}  // namespace ember
