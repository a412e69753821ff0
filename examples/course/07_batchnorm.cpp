// Notebook 07 (batchnorm): batch normalisation lets the same CNN train at a learning rate that
// the plain one cannot use, and the course's RunningBatchNorm keeps working where batches are too
// small for batch statistics. The CNN is the notebook's (models::bn_cnn: five stride-2
// convolutions, 8-16-32-64-64 channels, each followed by ReLU and the normalisation).
//   07_batchnorm DATA_DIR
#include "course.h"

using namespace ember;

namespace {

// bn_cnn's layout with `norm(channels)` after each ReLU (nothing when norm returns null).
template <class Norm>
nn::Sequential cnn_with(Norm norm) {
  return course::cnn({8, 16, 32, 64, 64}, [&](nn::Sequential& net, int64_t channels) {
    net->push_back(nn::ReLU());
    if (auto layer = norm(channels)) net->push_back(nn::AnyModule(layer));
  });
}

}  // namespace

int main(int argc, char** argv) {
  const course::Digits digits = course::load_digits(argc > 1 ? argv[1] : "data/mnist");
  const double lr = 1.0;

  std::cout << "== no normalisation, lr " << lr << " ==\n";
  manual_seed(2);
  const double plain = course::fit(cnn_with([](int64_t) { return std::shared_ptr<nn::Module>(); }).ptr(), digits, 2, lr);

  std::cout << "\n== BatchNorm2d (models::bn_cnn), lr " << lr << " ==\n";
  manual_seed(2);
  nn::Sequential bn = models::bn_cnn(1, 10);
  std::cout << *bn << "\n";
  const double batchnorm = course::fit(bn.ptr(), digits, 2, lr);

  std::cout << "\n== RunningBatchNorm, batch 16, lr 0.4 ==\n";
  manual_seed(2);
  nn::Sequential rbn = cnn_with([](int64_t c) { return std::shared_ptr<nn::Module>(nn::RunningBatchNorm(c).ptr()); });
  const double running = course::fit(rbn.ptr(), digits, 1, 0.4, /*batch_size=*/16);

  std::printf("\naccuracy: plain %.4f, BatchNorm %.4f, RunningBatchNorm (batch 16) %.4f\n", plain, batchnorm, running);
  return course::check(batchnorm > plain, "BatchNorm trains better than no normalisation at lr 1.0") |
         course::check(batchnorm > 0.95, "the BatchNorm CNN passes 95% in two epochs") |
         course::check(running > 0.9, "RunningBatchNorm passes 90% in one epoch of batches of 16");
}
