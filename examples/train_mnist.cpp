// The README's "Training from C++" program: the Learner API on the shipped MNIST digits.
#include <ember/ember.h>

#include <iostream>

using namespace ember;

int main() {
  auto train_set = std::make_shared<data::MNIST>("data/mnist", data::MNIST::Split::Train);
  auto test_set = std::make_shared<data::MNIST>("data/mnist", data::MNIST::Split::Test);
  auto [mean, std] = train_set->stats();
  train_set->normalize(mean, std);
  test_set->normalize(mean, std);

  nn::Sequential model(nn::Flatten(), nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10));
  auto opt = std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.05).momentum(0.9));
  train::Learner learn(model.ptr(),
                       std::make_shared<data::DataLoader>(train_set, data::DataLoaderOptions(64).shuffle(true)),
                       std::make_shared<data::DataLoader>(test_set, data::DataLoaderOptions(1000)),
                       [](const Tensor& out, const Tensor& y) { return cross_entropy_loss(out, y); }, opt);
  learn.add_metric(std::make_shared<train::Accuracy>());
  learn.add_callback(std::make_shared<train::ProgressCallback>(std::cout, std::cerr, true));
  learn.add_callback(std::make_shared<train::EarlyStopping>(/*patience=*/3));
  learn.fit(10);
  save(*model, "model.safetensors");
}
