// DistributedDataParallel, run under mpirun: every rank holds a replica and its shard of each
// global batch; each rank also trains a plain copy on the whole batch, the single-process run
// the replicas must equal.
#include <gtest/gtest.h>

#include <ember/distributed/distributed.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

using distributed::DistributedDataParallel;
using distributed::DistributedDataParallelOptions;

std::shared_ptr<distributed::ProcessGroup> group() { return distributed::init_process_group(); }

nn::Sequential mlp(uint64_t seed, int64_t hidden = 16) {
  manual_seed(seed);
  return nn::Sequential(nn::Linear(12, hidden), nn::ReLU(), nn::Linear(hidden, hidden), nn::ReLU(), nn::Linear(hidden, 5));
}

// Trains `steps` SGD-momentum steps on global batches of `batch` rows: the reference model on
// each whole batch, the replica (through ddp) on this rank's strided share, as a
// DistributedSampler deals them.
void train_both(nn::Sequential reference, nn::Sequential replica, DistributedDataParallelOptions options, int steps,
                int64_t batch) {
  auto pg = group();
  DistributedDataParallel ddp(replica.ptr(), pg, options);
  optim::SGD ref_opt(reference->parameters(), optim::SGDOptions(0.1).momentum(0.9));
  optim::SGD opt(replica->parameters(), optim::SGDOptions(0.1).momentum(0.9));
  manual_seed(1234);
  const Tensor x = randn({steps * batch, 12}), y = randint(0, 5, {steps * batch});
  for (int s = 0; s < steps; ++s) {
    const Tensor xb = x.narrow(0, s * batch, batch), yb = y.narrow(0, s * batch, batch);
    ref_opt.zero_grad();
    cross_entropy_loss(reference->forward(xb), yb).backward();
    ref_opt.step();
    std::vector<int64_t> mine;
    for (int64_t i = pg->rank(); i < batch; i += pg->size()) mine.push_back(i);
    const Tensor idx = tensor(mine);
    opt.zero_grad();
    cross_entropy_loss(ddp(xb.index_select(0, idx)), yb.index_select(0, idx)).backward();
    opt.step();
  }
}

// Each of `replica`'s gradients is the average over the ranks of `plain`'s (the same model run
// without DistributedDataParallel on this rank's data).
void expect_average_of_own_gradients(nn::Sequential replica, nn::Sequential plain) {
  const auto got = replica->parameters(), own = plain->parameters();
  for (size_t i = 0; i < got.size(); ++i) {
    Tensor average = own[i].grad().contiguous().clone();
    group()->allreduce(average, distributed::ReduceOp::AVG);
    EXPECT_TENSOR_NEAR(got[i].grad(), average, 1e-5, 1e-5) << "parameter " << i;
  }
}

TEST(Distributed, RunsOnTwoRanks) {
  EXPECT_EQ(group()->size(), 2) << "run this test binary with mpirun -np 2";
  EXPECT_TRUE(distributed::launched_by_mpi());
}

TEST(Distributed, AllreduceBroadcastAllgather) {
  auto pg = group();
  const int r = pg->rank(), n = pg->size();
  Tensor f = full({3}, static_cast<double>(r + 1));
  pg->allreduce(f);
  EXPECT_TENSOR_NEAR(f, full({3}, n * (n + 1) / 2.0), 0, 0);
  Tensor avg = full({2, 2}, static_cast<double>(r), TensorOptions().dtype(kFloat64));
  pg->allreduce(avg, distributed::ReduceOp::AVG);
  EXPECT_TENSOR_NEAR(avg, full({2, 2}, (n - 1) / 2.0, TensorOptions().dtype(kFloat64)), 0, 1e-15);
  Tensor mx = tensor(std::vector<int64_t>{r, -r});
  pg->allreduce(mx, distributed::ReduceOp::MAX);
  EXPECT_EQ(mx[0].item<int64_t>(), n - 1);
  EXPECT_EQ(mx[1].item<int64_t>(), 0);
  Tensor b = full({4}, static_cast<double>(r + 7));
  pg->broadcast(b, 0);
  EXPECT_TENSOR_NEAR(b, full({4}, 7.0), 0, 0);
  const std::vector<Tensor> gathered = pg->allgather(full({2}, static_cast<double>(r)));
  ASSERT_EQ(static_cast<int>(gathered.size()), n);
  for (int k = 0; k < n; ++k) EXPECT_TENSOR_NEAR(gathered[static_cast<size_t>(k)], full({2}, static_cast<double>(k)), 0, 0);
  const std::vector<std::string> names = pg->allgather(std::string(static_cast<size_t>(r + 1), 'x'));
  for (int k = 0; k < n; ++k) EXPECT_EQ(names[static_cast<size_t>(k)], std::string(static_cast<size_t>(k + 1), 'x'));
  Tensor a = full({1000}, 1.0);
  auto work = pg->allreduce_async(a);
  work->wait();
  EXPECT_TRUE(work->is_completed());
  EXPECT_TENSOR_NEAR(a, full({1000}, static_cast<double>(n)), 0, 0);
  pg->barrier();
}

TEST(Distributed, CollectivesRefuseWhatTheyCannotSend) {
  auto pg = group();
  Tensor strided = zeros({4, 4}).t();
  EXPECT_THROW(pg->allreduce(strided), ValueError);
  Tensor flags = zeros({2}, TensorOptions().dtype(kBool));
  EXPECT_THROW(pg->allreduce(flags), TypeError);
  Tensor ints = zeros({2}, TensorOptions().dtype(kInt64));
  EXPECT_THROW(pg->allreduce(ints, distributed::ReduceOp::AVG), TypeError);
}

TEST(Distributed, CheckSameEverywhereNamesTheRankThatDiffers) {
  auto pg = group();
  EXPECT_NO_THROW(distributed::check_same_everywhere(*pg, "the colour", "blue"));
  try {
    distributed::check_same_everywhere(*pg, "the colour", pg->rank() == 1 ? "red" : "blue");
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("the colour differ between processes: rank 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("rank 1: red"), std::string::npos) << e.what();
  }
}

TEST(Distributed, DataParallelStepsEqualOneProcessWithTheGlobalBatch) {
  for (double cap : {2.0, 0.0005}) {  // one bucket; a bucket per parameter or two
    nn::Sequential reference = mlp(7), replica = mlp(7);
    train_both(reference, replica, DistributedDataParallelOptions().bucket_cap_mb(cap), 5, 16);
    const auto ref = reference->named_parameters(), rep = replica->named_parameters();
    for (size_t i = 0; i < ref.size(); ++i) EXPECT_TENSOR_NEAR(rep[i].second, ref[i].second, 1e-6, 1e-6) << ref[i].first;
  }
}

TEST(Distributed, ABackwardThatThrowsLeavesTheNextOneAveraged) {
  auto pg = group();
  nn::Sequential model = mlp(8), plain = mlp(8);
  DistributedDataParallel ddp(model.ptr(), pg, DistributedDataParallelOptions().bucket_cap_mb(0.001));
  manual_seed(9);
  const Tensor x = randn({4, 12});
  // An identity whose backward throws: it runs after the later layers' buckets have started.
  const Tensor input = x.clone().requires_grad_();
  const Tensor poisoned = autograd::record(x.clone(), "PoisonBackward", {input},
                                           [](const Tensor&, const autograd::Needs&) -> std::vector<Tensor> {
                                             throw ValueError("poisoned on purpose");
                                           });
  EXPECT_THROW(ddp(poisoned).sum().backward(), ValueError);
  model->zero_grad();
  // Each rank its own data: the gradients must be the average of the ranks' own.
  const Tensor mine = x.mul(static_cast<double>(pg->rank() + 1));
  ddp(mine).pow(2).sum().backward();
  plain->forward(mine).pow(2).sum().backward();
  expect_average_of_own_gradients(model, plain);
}

TEST(Distributed, NoSyncAccumulatesLocallyAndTheNextBackwardAveragesTheSum) {
  auto pg = group();
  nn::Sequential model = mlp(6), plain = mlp(6);
  DistributedDataParallel ddp(model.ptr(), pg);
  manual_seed(10 + static_cast<uint64_t>(pg->rank()));  // each rank its own micro-batches
  const std::vector<Tensor> micro = {randn({3, 12}), randn({3, 12}), randn({3, 12})};
  {
    auto no_sync = ddp->no_sync();
    ddp(micro[0]).pow(2).sum().backward();
    ddp(micro[1]).pow(2).sum().backward();
    // Nothing was sent: the gradients are still this rank's own.
    Tensor own = model->parameters()[0].grad().clone(), first = own.clone();
    pg->broadcast(first, 0);
    if (pg->rank() != 0) EXPECT_GT(own.sub(first).abs().max().item<double>(), 0);
  }
  ddp(micro[2]).pow(2).sum().backward();
  for (const Tensor& x : micro) plain->forward(x).pow(2).sum().backward();
  expect_average_of_own_gradients(model, plain);
}

TEST(Distributed, ReplicasStartFromRankZerosWeights) {
  auto pg = group();
  nn::Sequential model = mlp(100 + static_cast<uint64_t>(pg->rank()));  // different initial weights per rank
  DistributedDataParallel ddp(model.ptr(), pg);
  Tensor w = model->named_parameters()[0].second.detach().clone();
  Tensor from_zero = w.clone();
  pg->broadcast(from_zero, 0);
  EXPECT_TENSOR_NEAR(w, from_zero, 0, 0);
}

TEST(Distributed, BucketsFollowReverseRegistrationOrder) {
  nn::Sequential model = mlp(1);
  DistributedDataParallel ddp(model.ptr(), group(), DistributedDataParallelOptions().bucket_cap_mb(1e-9));
  const auto buckets = ddp->bucket_indices();
  ASSERT_EQ(buckets.size(), 6u);  // each parameter alone
  for (size_t b = 0; b < buckets.size(); ++b) EXPECT_EQ(buckets[b], std::vector<size_t>{5 - b});
  DistributedDataParallel one(mlp(1).ptr(), group());
  EXPECT_EQ(one->bucket_indices().size(), 1u);
  EXPECT_EQ(one->named_parameters()[0].first, "module.0.weight");  // PyTorch's DDP names
}

TEST(Distributed, AParameterWithoutGradientOnOneRankGetsTheAverage) {
  auto pg = group();
  manual_seed(3);
  nn::Linear used(4, 2), unused(4, 2);
  auto model = std::make_shared<nn::Module>();
  model->register_module("used", used);
  model->register_module("unused", unused);
  DistributedDataParallel ddp(model, pg);
  Tensor x = ones({3, 4});
  // Rank 0 runs both layers; the others only the first.
  Tensor out = used(x).sum();
  if (pg->rank() == 0) out = out + unused(x).sum();
  out.backward();
  // unused.weight's gradient on rank 0 is 3 per element; averaged over n ranks, 3 / n everywhere.
  EXPECT_TENSOR_NEAR(unused->weight.grad(), full({2, 4}, 3.0 / pg->size()), 1e-6, 1e-6);
  EXPECT_TENSOR_NEAR(used->weight.grad(), full({2, 4}, 3.0), 1e-6, 1e-6);
}

TEST(Distributed, DifferentModelsAreRefusedAtTheStart) {
  auto pg = group();
  nn::Sequential model = mlp(1, pg->rank() == 0 ? 16 : 8);
  try {
    DistributedDataParallel ddp(model.ptr(), pg);
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("the models' parameters and buffers"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("0.weight(16, 12)"), std::string::npos) << e.what();
  }
}

TEST(Distributed, BuffersFollowRankZero) {
  auto pg = group();
  manual_seed(5);
  nn::Linear fc(3, 4);
  nn::BatchNorm1d bn(4);
  nn::Sequential model(fc, bn);
  DistributedDataParallel ddp(model.ptr(), pg);
  const Tensor x = randn({8, 3}).add(static_cast<double>(pg->rank()));  // different data per rank
  const Tensor batch_mean = fc(x).mean(0).detach();
  ddp(x);  // each rank's running mean: 0.1 x its own batch mean
  Tensor rank0 = bn->running_mean.clone();
  pg->broadcast(rank0, 0);
  ddp(x);  // starts from rank 0's running mean, then adds its own batch's
  EXPECT_TENSOR_NEAR(bn->running_mean, rank0.mul(0.9).add(batch_mean.mul(0.1)), 1e-5, 1e-6);
}

TEST(Distributed, LearnerMetricsAreTotalsOverTheRanks) {
  auto pg = group();
  manual_seed(11);
  const Tensor x = randn({40, 12}), y = randint(0, 5, {40});
  nn::Sequential model = mlp(2);
  auto loss = [](const Tensor& out, const Tensor& t) { return cross_entropy_loss(out, t); };
  auto full_set = std::make_shared<data::TensorDataset>(x, y);
  // Reference: one process over all 40.
  auto all = std::make_shared<data::DataLoader>(full_set, data::DataLoaderOptions(7));
  train::Learner whole(model.ptr(), all, all, loss, std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.1)));
  whole.add_metric(std::make_shared<train::Accuracy>());
  const train::EvalResult expected = whole.evaluate(*all);
  // Each rank: its contiguous share, reduced.
  std::vector<int64_t> share;
  for (int64_t i = 40 * pg->rank() / pg->size(); i < 40 * (pg->rank() + 1) / pg->size(); ++i) share.push_back(i);
  auto shard = std::make_shared<data::DataLoader>(std::make_shared<data::Subset>(full_set, share), data::DataLoaderOptions(7));
  DistributedDataParallel ddp(model.ptr(), pg);
  train::Learner learn(model.ptr(), shard, shard, loss, std::make_shared<optim::SGD>(model->parameters(), optim::SGDOptions(0.1)));
  learn.add_metric(std::make_shared<train::Accuracy>());
  distributed::make_data_parallel(learn, ddp);
  const train::EvalResult got = learn.evaluate(*shard);
  EXPECT_EQ(got.examples, 40);
  EXPECT_NEAR(got.loss, expected.loss, 1e-6);
  EXPECT_NEAR(got.metrics.at(0).second, expected.metrics.at(0).second, 1e-12);
}

}  // namespace
}  // namespace ember
