// Data-parallel training from C++ (docs/distributed.md): the MLP on the shipped MNIST digits, each
// rank computing on its share of every batch of 64, DistributedDataParallel averaging the
// gradients. Run it as several processes:
//   mpirun -np 2 build/examples/distributed_mlp data/mnist
// Without mpirun it is a group of one and trains as one process would.
#include <ember/distributed/distributed.h>
#include <ember/ember.h>

#include <iostream>

using namespace ember;

int main(int argc, char** argv) {
  const std::string root = argc > 1 ? argv[1] : "data/mnist";
  auto pg = distributed::init_process_group();  // MPI_COMM_WORLD; a group of one without mpirun
  auto train = std::make_shared<data::MNIST>(root, data::MNIST::Split::Train);
  auto test = std::make_shared<data::MNIST>(root, data::MNIST::Split::Test);
  auto [mean, std] = train->stats();
  train->normalize(mean, std);
  test->normalize(mean, std);

  manual_seed(0);
  nn::Sequential model(nn::Flatten(), nn::Linear(784, 100), nn::ReLU(), nn::Linear(100, 10));
  distributed::DistributedDataParallel ddp(model.ptr(), pg);  // rank 0's weights everywhere
  optim::SGD opt(model->parameters(), optim::SGDOptions(0.05).momentum(0.9));
  // Rank r takes every size()-th example of each epoch's shuffle: the ranks' batches of
  // 64 / size() together are the batches of 64 one process would draw.
  auto sampler = std::make_shared<data::DistributedSampler>(train->size(), pg->size(), pg->rank(), true, /*seed=*/0);
  data::DataLoader loader(train, data::DataLoaderOptions(64 / pg->size()).sampler(sampler));
  for (int epoch = 1; epoch <= 3; ++epoch) {
    double loss_sum = 0;
    for (const auto& batch : loader) {  // the loader moves the sampler to the next epoch's order
      opt.zero_grad();
      Tensor loss = cross_entropy_loss(ddp(batch.data), batch.target);
      loss.backward();  // gradients averaged over the ranks before this returns
      opt.step();
      loss_sum += loss.item<double>();
    }
    Tensor mean_loss = tensor({loss_sum / static_cast<double>(loader.size())});
    pg->allreduce(mean_loss, distributed::ReduceOp::AVG);
    if (pg->rank() == 0) std::cout << "epoch " << epoch << " train loss " << mean_loss.item<double>() << "\n";
  }

  // Every replica took the same steps: rank 0's weights are everyone's.
  Tensor first = model->parameters()[0].detach().clone();
  Tensor from_zero = first.clone();
  pg->broadcast(from_zero, 0);
  const bool same = first.sub(from_zero).abs().max().item<double>() == 0;
  NoGradGuard no_grad;
  model->eval();
  const double accuracy = train::accuracy(model->forward(test->data()), test->targets());
  if (pg->rank() == 0)
    std::cout << "test accuracy " << accuracy << " on " << pg->size() << " rank(s); replicas "
              << (same ? "identical" : "DIFFER") << "\n";
  return same && accuracy > 0.9 ? 0 : 1;
}
