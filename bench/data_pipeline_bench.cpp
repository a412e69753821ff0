// The image pipeline's cost per batch of 64 (28 x 28 digits), to set beside the training step it
// feeds (BM_CnnStep: one LeNet-5 step on a batch of 64): decoding from a folder of PNG or JPEG
// files, augmenting (random crop, padding 3, and flip) in memory, and both, on 1 and 2 threads of
// ember's pool. The folder is the shipped MNIST digits written to a temporary folder.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include <ember/ember.h>

namespace ember::bench {
namespace {

namespace fs = std::filesystem;
namespace T = data::transforms;

constexpr int64_t kImages = 1024, kBatch = 64;

// The first kImages training digits as root/<label>/<i>.<ext>, written once per process.
const fs::path& digit_folder(const std::string& ext) {
  static std::map<std::string, fs::path> folders;
  auto it = folders.find(ext);
  if (it != folders.end()) return it->second;
  const fs::path root = fs::temp_directory_path() / ("ember_bench_digits_" + std::to_string(::getpid()) + "_" + ext);
  const data::MNIST digits(std::string(EMBER_SOURCE_DIR) + "/data/mnist", data::MNIST::Split::Train);
  for (int64_t i = 0; i < kImages; ++i) {
    const fs::path folder = root / std::to_string(digits.targets()[i].item<int64_t>());
    fs::create_directories(folder);
    const data::Image img = data::tensor_to_image(digits.raw_images()[i]);
    std::ofstream(folder / (std::to_string(i) + "." + ext), std::ios::binary)
        << (ext == "png" ? data::encode_png(img) : data::encode_jpeg(img));
  }
  std::atexit([] {
    for (const auto& [e, f] : folders) fs::remove_all(f);
  });
  return folders[ext] = root;
}

std::shared_ptr<const T::Transform> crop_and_flip() {
  return std::make_shared<T::Compose>(
      std::vector<T::TransformPtr>{std::make_shared<T::RandomCrop>(28, 3), std::make_shared<T::RandomHorizontalFlip>()});
}

// Batches of consecutive indices, cycling through the images; state.range(1) threads.
void time_batches(benchmark::State& state, const data::Dataset& dataset) {
  const int threads = get_num_threads();
  set_num_threads(static_cast<int>(state.range(1)));
  std::vector<int64_t> indices(kBatch);
  int64_t start = 0;
  const data::Example check = dataset.get_batch({0, 1});
  if (check.data.sizes() != std::vector<int64_t>({2, 1, 28, 28})) state.SkipWithError("unexpected batch shape");
  for (auto _ : state) {
    std::iota(indices.begin(), indices.end(), start);
    start = (start + kBatch) % (dataset.size() - kBatch);
    benchmark::DoNotOptimize(dataset.get_batch(indices).data.data_ptr());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
  set_num_threads(threads);
}

// Argument 0: 0 PNG, 1 JPEG; argument 1: threads.
void BM_DecodeBatch(benchmark::State& state) {
  const data::ImageFolder folder(digit_folder(state.range(0) == 0 ? "png" : "jpg").string());
  time_batches(state, folder);
}

void BM_AugmentBatch(benchmark::State& state) {
  const data::MNIST digits(std::string(EMBER_SOURCE_DIR) + "/data/mnist", data::MNIST::Split::Train);
  auto images = std::make_shared<data::TensorDataset>(digits.data().slice(0, 0, kImages), digits.targets().slice(0, 0, kImages));
  const data::TransformDataset augmented(images, crop_and_flip());
  time_batches(state, augmented);
}

void BM_DecodeAugmentBatch(benchmark::State& state) {
  auto folder = std::make_shared<data::ImageFolder>(digit_folder(state.range(0) == 0 ? "png" : "jpg").string());
  const data::TransformDataset augmented(folder, crop_and_flip());
  time_batches(state, augmented);
}

BENCHMARK(BM_DecodeBatch)->ArgNames({"jpeg", "threads"})->ArgsProduct({{0, 1}, {1, 2}})->UseRealTime();
BENCHMARK(BM_AugmentBatch)->ArgNames({"_", "threads"})->ArgsProduct({{0}, {1, 2}})->UseRealTime();
BENCHMARK(BM_DecodeAugmentBatch)->ArgNames({"jpeg", "threads"})->ArgsProduct({{0, 1}, {1, 2}})->UseRealTime();

}  // namespace
}  // namespace ember::bench
