// The MLP training loop a libtorch user writes by hand, with the tensor API only: batches taken
// with index_select from a shuffled permutation, forward relu(x W1^T + b1) W2^T + b2, cross-entropy,
// backward, SGD with momentum over the four raw tensors. One source, built twice: against ember
// (tensor_api_mlp_ember) and, where libtorch-dev is installed, against libtorch
// (tensor_api_mlp_libtorch, with EMBER_PEER_LIBTORCH defined): only the namespace differs, which
// is itself a check that ember's names follow libtorch's.
//
//   tensor_api_mlp_ember [fashion-mnist dir] [epochs] [threads] [phases]
// prints one line per epoch: "epoch E seconds S loss L" (the epoch's wall time and mean loss).
// With "phases", each epoch line is followed by where a step's time went, in microseconds:
// "phases gather G forward F backward B step S" (index_select of the batch; the forward to the
// loss; zero_grad and backward; the optimiser step), the same split on both sides.
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "peer_namespace.h"

namespace {

// The whole of a gzip-compressed IDX file, after its header (4 bytes of magic and 4 per dimension).
std::vector<uint8_t> read_idx_gz(const std::string& path, int dims) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  gzclose(f);
  const size_t header = 4 + 4 * static_cast<size_t>(dims);
  if (bytes.size() < header) throw std::runtime_error(path + ": shorter than its IDX header");
  return {bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : "/usr/share/datasets/fashion-mnist";
  const int epochs = argc > 2 ? std::atoi(argv[2]) : 4;
  T::set_num_threads(argc > 3 ? std::atoi(argv[3]) : 1);
  const bool phases = argc > 4 && std::string(argv[4]) == "phases";
  const int64_t batch = 64;

  // Pixels scaled to [0, 1] and standardised with the training set's mean and deviation.
  const std::vector<uint8_t> pixels = read_idx_gz(dir + "/train-images-idx3-ubyte.gz", 3);
  const std::vector<uint8_t> labels = read_idx_gz(dir + "/train-labels-idx1-ubyte.gz", 1);
  const int64_t n = static_cast<int64_t>(labels.size());
  std::vector<float> xs(pixels.begin(), pixels.end());
  std::vector<int64_t> ys(labels.begin(), labels.end());
  T::Tensor X = T::from_blob(xs.data(), {n, 784}, T::kFloat).div(255);
  X = ((X - X.mean()) / X.std()).contiguous();
  const T::Tensor Y = T::from_blob(ys.data(), {n}, T::kLong).clone();

  T::manual_seed(0);
  T::Tensor w1 = (T::randn({100, 784}) * std::sqrt(2.0 / 784)).requires_grad_();
  T::Tensor b1 = T::zeros({100}).requires_grad_();
  T::Tensor w2 = (T::randn({10, 100}) * std::sqrt(1.0 / 100)).requires_grad_();
  T::Tensor b2 = T::zeros({10}).requires_grad_();
  T::optim::SGD opt({w1, b1, w2, b2}, T::optim::SGDOptions(0.05).momentum(0.9));

  for (int epoch = 0; epoch < epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const T::Tensor perm = T::randperm(n, T::TensorOptions().dtype(T::kLong));
    double loss_sum = 0;
    int64_t steps = 0;
    double phase_seconds[4] = {};  // gather, forward, backward, step
    auto lap_start = std::chrono::steady_clock::now();
    auto lap = [&](int phase) {  // adds the time since the last lap to `phase`, when asked to
      if (!phases) return;
      const auto now = std::chrono::steady_clock::now();
      phase_seconds[phase] += std::chrono::duration<double>(now - lap_start).count();
      lap_start = now;
    };
    for (int64_t i = 0; i + batch <= n; i += batch, ++steps) {
      lap(3);  // what is left of the last step (freeing its tensors) counts as its optimiser step
      const T::Tensor idx = perm.slice(0, i, i + batch);
      const T::Tensor xb = X.index_select(0, idx), yb = Y.index_select(0, idx);
      lap(0);
      const T::Tensor h = T::relu(xb.matmul(w1.t()) + b1);
      const T::Tensor loss = T::cross_entropy_loss(h.matmul(w2.t()) + b2, yb);
      lap(1);
      opt.zero_grad();
      loss.backward();
      lap(2);
      opt.step();
      loss_sum += loss.item<double>();
    }
    lap(3);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("epoch %d seconds %.4f loss %.4f\n", epoch + 1, seconds, loss_sum / static_cast<double>(steps));
    if (phases) {
      const double us = 1e6 / static_cast<double>(steps);
      std::printf("phases gather %.1f forward %.1f backward %.1f step %.1f\n", phase_seconds[0] * us,
                  phase_seconds[1] * us, phase_seconds[2] * us, phase_seconds[3] * us);
    }
  }
  return 0;
}
