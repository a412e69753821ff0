// Notebook 10c (mixed precision): train with the forward pass in 16 bits and float32 master
// weights, float16 with dynamic loss scaling, here on the CPU's bfloat16 and float16 through
// autocast (train::MixedPrecision). The key result: the same accuracy as float32.
//   10c_mixed_precision DATA_DIR
#include <chrono>
#include <cstdio>

#include "course.h"

using namespace ember;

namespace {

struct Result {
  double accuracy, seconds_per_epoch, final_scale;
  int64_t skipped;
};

// An MLP wide enough that its products matter, 3 epochs of one-cycle SGD; `precision` adds the
// callback (fp32: none).
Result run(const course::Digits& d, const std::string& precision) {
  manual_seed(0);
  nn::Sequential net(nn::Flatten(), nn::Linear(784, 512), nn::ReLU(), nn::Linear(512, 512), nn::ReLU(),
                     nn::Linear(512, 10));
  std::vector<std::shared_ptr<train::Callback>> extra;
  std::shared_ptr<train::MixedPrecision> mp;
  if (precision != "fp32") {
    mp = std::make_shared<train::MixedPrecision>(precision == "bf16" ? kBFloat16 : kHalf);
    extra.push_back(mp);
  }
  std::cout << "\n" << precision << ":\n";
  const auto start = std::chrono::steady_clock::now();
  const double accuracy = course::fit(net.ptr(), d, 3, 0.1, 64, extra);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return {accuracy, seconds / 3, mp ? mp->scale() : 1.0, mp ? mp->skipped_steps() : 0};
}

}  // namespace

int main(int argc, char** argv) {
  // 3,000 training images: enough to compare the three, quick enough for every CI build.
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist", 3000);
  const Result fp32 = run(digits, "fp32"), bf16 = run(digits, "bf16"), fp16 = run(digits, "fp16");
  std::printf("\n%-6s %10s %12s %12s %10s\n", "", "accuracy", "s / epoch", "loss scale", "skipped");
  for (const auto& [name, r] : {std::pair{"fp32", fp32}, std::pair{"bf16", bf16}, std::pair{"fp16", fp16}})
    std::printf("%-6s %10.4f %12.3f %12.0f %10lld\n", name, r.accuracy, r.seconds_per_epoch, r.final_scale,
                static_cast<long long>(r.skipped));
  return course::check(bf16.accuracy > fp32.accuracy - 0.01 && fp16.accuracy > fp32.accuracy - 0.01,
                       "bfloat16 and float16 training reach float32's accuracy (within a point)") |
         course::check(fp32.accuracy > 0.9, "and that accuracy is above 90%");
}
