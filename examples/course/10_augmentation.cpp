// Notebook 10 (augmentation): random transforms of each training image, drawn afresh every epoch.
// Each transform's geometry shown on a marked pixel; a grid of augmented digits written as a PNG;
// an augmented batch drawn the same on one thread and on two (every item has its own random
// stream, keyed by seed, epoch and index), and differently in the next epoch.
//   10_augmentation DATA_DIR [OUT_DIR]  (OUT_DIR gets 10_augmentation.png)
#include <numeric>

#include "course.h"
#include "image.h"

using namespace ember;
namespace T = data::transforms;

namespace {

// Where the 1 of an image of zeros went.
std::string where(const Tensor& img) {
  const Tensor c = img.contiguous();
  for (int64_t y = 0; y < c.size(1); ++y)
    for (int64_t x = 0; x < c.size(2); ++x)
      if (c[0][y][x].item<float>() == 1.0f) return "(" + std::to_string(y) + ", " + std::to_string(x) + ")";
  return "(gone)";
}

}  // namespace

int main(int argc, char** argv) {
  const data::MNIST digits(argc > 1 ? argv[1] : "data/mnist", data::MNIST::Split::Train);
  const std::string out = std::string(argc > 2 ? argv[2] : ".") + "/10_augmentation.png";

  // A 6 x 8 image with pixel (1, 2) marked, through each deterministic transform.
  Tensor marked = zeros({1, 6, 8});
  marked.data_ptr<float>()[1 * 8 + 2] = 1.0f;
  data::ItemRandom unused(0, 0, 0);
  std::printf("pixel (1, 2) of a 6x8 image:\n");
  std::printf("  horizontal flip        -> %s\n", where(T::RandomHorizontalFlip(1.0)(marked, unused)).c_str());
  for (int k : {2, 3, 4, 7}) std::printf("  dihedral k=%d           -> %s\n", k, where(T::dihedral(marked, k)).c_str());
  std::printf("  centre crop 4x4        -> %s\n", where(T::CenterCrop(4)(marked, unused)).c_str());
  std::printf("  crop at (-2, -2), 6x8  -> %s (padding 2)\n", where(T::crop(marked, -2, -2, 6, 8)).c_str());

  // The augmentations a training run would use, each on its own row of the grid.
  const std::vector<std::pair<std::string, T::TransformPtr>> rows = {
      {"random crop, padding 3", std::make_shared<T::RandomCrop>(28, 3)},
      {"horizontal flip", std::make_shared<T::RandomHorizontalFlip>()},
      {"dihedral", std::make_shared<T::RandomDihedral>()},
      {"random resized crop", std::make_shared<T::RandomResizedCrop>(28, std::pair{0.35, 1.0})},
      {"crop + flip", std::make_shared<T::Compose>(std::vector<T::TransformPtr>{std::make_shared<T::RandomCrop>(28, 3),
                                                                                 std::make_shared<T::RandomHorizontalFlip>()})}};
  constexpr int kScale = 3, kCell = 28 * kScale, kGap = 6, kColumns = 8;
  cli::Canvas canvas(kColumns * (kCell + kGap) + kGap, static_cast<int>(rows.size()) * (kCell + kGap) + kGap);
  for (size_t r = 0; r < rows.size(); ++r) {
    for (int c = 0; c < kColumns; ++c) {
      data::ItemRandom rng(1, static_cast<uint64_t>(c), 7);  // training image 7 in epochs 0..7 (column 0: itself)
      const Tensor img = c == 0 ? digits.data()[7] : (*rows[r].second)(digits.data()[7], rng);
      const data::Image pixels = data::tensor_to_image(img);
      for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) {
          const uint8_t v = pixels.at(y, x, 0);
          const int x0 = kGap + c * (kCell + kGap) + x * kScale, y0 = kGap + static_cast<int>(r) * (kCell + kGap) + y * kScale;
          canvas.fill_rect(x0, y0, x0 + kScale, y0 + kScale, {v, v, v});
        }
    }
    std::printf("row %zu: %s\n", r + 1, rows[r].first.c_str());
  }
  canvas.write_png(out);
  std::printf("wrote %s (each row: the digit, then seven epochs' draws)\n", out.c_str());

  // Reproducible on any number of threads, new every epoch.
  auto train = std::make_shared<data::TensorDataset>(digits.data().slice(0, 0, 256), digits.targets().slice(0, 0, 256));
  data::TransformDataset augmented(train, rows.back().second, /*seed=*/3);
  std::vector<int64_t> batch(256);
  std::iota(batch.begin(), batch.end(), 0);
  const int threads = get_num_threads();
  set_num_threads(1);
  const Tensor one = augmented.get_batch(batch).data;
  set_num_threads(2);
  const Tensor two = augmented.get_batch(batch).data;
  set_num_threads(threads);
  augmented.set_epoch(1);
  const Tensor next = augmented.get_batch(batch).data;
  const double changed = (next - one).abs().gt(zeros({})).to(kFloat32).mean().item<double>();
  std::printf("\n256 augmented digits: the same on 1 and 2 threads: %s; epoch 1 changes %.1f%% of their pixels\n",
              equal(one, two) ? "yes" : "no", 100 * changed);
  return course::check(equal(one, two), "an augmented batch is the same on one thread and on two") |
         course::check(changed > 0.05, "the next epoch draws different augmentations");
}
