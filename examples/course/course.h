// What the course's notebooks 06-11 share, for examples/course/*.cpp: the shipped MNIST digits
// standardised by the training set's statistics, and the notebooks' fit: SGD with momentum under
// a one-cycle schedule, printing the table of `ember train`.
#pragma once

#include <ember/ember.h>

#include <iostream>
#include <string>

namespace course {

struct Digits {
  std::shared_ptr<ember::data::TensorDataset> train, valid;
};

/// data_dir: a folder with MNIST's four IDX files (the examples get the repo's data/mnist).
/// train_limit > 0 keeps the first train_limit training images (for the slower networks).
inline Digits load_digits(const std::string& data_dir, int64_t train_limit = 0) {
  using ember::data::MNIST;
  auto train = std::make_shared<MNIST>(data_dir, MNIST::Split::Train);
  auto valid = std::make_shared<MNIST>(data_dir, MNIST::Split::Test);
  const auto [mean, std] = train->stats();
  train->normalize(mean, std);
  valid->normalize(mean, std);
  if (train_limit <= 0 || train_limit >= train->size()) return {train, valid};
  return {std::make_shared<ember::data::TensorDataset>(train->data().slice(0, 0, train_limit),
                                                       train->targets().slice(0, 0, train_limit)),
          valid};
}

/// Trains `model` on `train` for `epochs` (one-cycle to max_lr, SGD momentum, batch `batch_size`)
/// and returns the last epoch's accuracy on `valid`. `extra` callbacks run after the progress table.
inline double fit(const std::shared_ptr<ember::nn::Module>& model, std::shared_ptr<const ember::data::Dataset> train,
                  std::shared_ptr<const ember::data::Dataset> valid, int64_t epochs, double max_lr, int64_t batch_size = 128,
                  std::vector<std::shared_ptr<ember::train::Callback>> extra = {}) {
  using namespace ember;
  auto train_loader = std::make_shared<data::DataLoader>(train, data::DataLoaderOptions(batch_size).shuffle(true));
  auto valid_loader = std::make_shared<data::DataLoader>(valid, data::DataLoaderOptions(512));
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(max_lr).momentum(0.9));
  train::Learner learn(model, train_loader, valid_loader,
                       [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); }, opt);
  learn.add_metric(std::make_shared<train::Accuracy>());
  learn.add_callback(std::make_shared<train::ProgressCallback>(std::cout, std::cerr, false));
  learn.add_callback(std::make_shared<train::LRSchedulerCallback>(
      std::make_shared<optim::OneCycleLR>(*opt, optim::OneCycleLROptions(max_lr, epochs * train_loader->size())),
      train::LRSchedulerCallback::Every::Batch));
  for (auto& cb : extra) learn.add_callback(cb);
  learn.fit(epochs);
  return learn.history().back().metric("accuracy");
}

inline double fit(const std::shared_ptr<ember::nn::Module>& model, const Digits& d, int64_t epochs, double max_lr,
                  int64_t batch_size = 128, std::vector<std::shared_ptr<ember::train::Callback>> extra = {}) {
  return fit(model, d.train, d.valid, epochs, max_lr, batch_size, std::move(extra));
}

/// The notebooks' CNN: stride-2 convolutions (5x5 first, then 3x3, padded to keep the size
/// halving) to each of `widths`, each followed by whatever after_conv(net, channels) pushes (an
/// activation, a normalisation), then global average pooling, Flatten and a linear head.
template <class AfterConv>
ember::nn::Sequential cnn(const std::vector<int64_t>& widths, AfterConv after_conv) {
  using namespace ember;
  nn::Sequential net;
  int64_t ni = 1;
  for (int64_t nf : widths) {
    const int64_t ks = ni == 1 ? 5 : 3;
    net->push_back(nn::Conv2d(nn::Conv2dOptions(ni, nf, ks).stride(2).padding(ks / 2)));
    after_conv(net, nf);
    ni = nf;
  }
  net->push_back(nn::AdaptiveAvgPool2d(1));
  net->push_back(nn::Flatten());
  net->push_back(nn::Linear(ni, 10));
  return net;
}

/// Exits the example with a message when the notebook's key result does not hold.
inline int check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok: " : "FAILED: ") << what << "\n";
  return ok ? 0 : 1;
}

}  // namespace course
