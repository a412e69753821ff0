// ember::distributed without an MPI launcher: a group of one, whose collectives change nothing,
// so the same program runs with and without mpirun. (The two-rank tests run under mpirun:
// tests/distributed/ddp_test.cpp.)
#include <gtest/gtest.h>

#include <ember/distributed/distributed.h>

#include "support/tensor_expect.h"

namespace ember {
namespace {

TEST(ProcessGroup, WithoutALauncherIsAGroupOfOne) {
  ASSERT_FALSE(distributed::launched_by_mpi()) << "run ember_tests without mpirun";
  auto pg = distributed::init_process_group();
  EXPECT_EQ(pg, distributed::init_process_group());
  EXPECT_EQ(pg, distributed::default_process_group());
  EXPECT_EQ(pg->rank(), 0);
  EXPECT_EQ(pg->size(), 1);
  Tensor t = arange(4, kFloat32);
  pg->allreduce(t, distributed::ReduceOp::AVG);
  pg->broadcast(t, 0);
  EXPECT_TENSOR_NEAR(t, arange(4, kFloat32), 0, 0);
  EXPECT_TRUE(pg->allreduce_async(t)->is_completed());
  EXPECT_EQ(pg->allgather(std::string("x")), std::vector<std::string>{"x"});
  EXPECT_NO_THROW(distributed::check_same_everywhere(*pg, "anything", "value"));
  EXPECT_THROW(pg->broadcast(t, 1), ValueError);
  Tensor strided = zeros({3, 3}).t();
  EXPECT_THROW(pg->allreduce(strided), ValueError);
  // The same refusals as under mpirun (tests/distributed/ddp_test.cpp).
  Tensor flags = zeros({2}, TensorOptions().dtype(kBool));
  EXPECT_THROW(pg->allreduce(flags), TypeError);
  EXPECT_THROW(pg->allgather(flags), TypeError);
  Tensor ints = zeros({2}, TensorOptions().dtype(kInt64));
  EXPECT_THROW(pg->allreduce(ints, distributed::ReduceOp::AVG), TypeError);
}

TEST(DistributedDataParallel, InOneProcessLeavesGradientsAsTheyAre) {
  manual_seed(4);
  nn::Sequential model(nn::Linear(5, 3), nn::ReLU(), nn::Linear(3, 2));
  manual_seed(4);
  nn::Sequential plain(nn::Linear(5, 3), nn::ReLU(), nn::Linear(3, 2));
  distributed::DistributedDataParallel ddp(model.ptr(), distributed::init_process_group(),
                                           distributed::DistributedDataParallelOptions().bucket_cap_mb(1e-5));
  const Tensor x = randn({6, 5});
  ddp(x).pow(2).sum().backward();
  plain->forward(x).pow(2).sum().backward();
  const auto a = model->parameters(), b = plain->parameters();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TENSOR_NEAR(a[i].grad(), b[i].grad(), 0, 0);
  // A second backward without zero_grad accumulates, as without the wrapper.
  ddp(x).pow(2).sum().backward();
  plain->forward(x).pow(2).sum().backward();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TENSOR_NEAR(a[i].grad(), b[i].grad(), 0, 0);
  EXPECT_EQ(&ddp->module(), static_cast<nn::Module*>(model.ptr().get()));
}

TEST(DistributedDataParallel, RefusesWhatItCannotWrap) {
  auto pg = distributed::init_process_group();
  EXPECT_THROW(distributed::DistributedDataParallel(nullptr, pg), ValueError);
  EXPECT_THROW(distributed::DistributedDataParallel(nn::Linear(2, 2).ptr(), nullptr), ValueError);
  EXPECT_THROW(distributed::DistributedDataParallel(nn::Linear(2, 2).ptr(), pg,
                                                    distributed::DistributedDataParallelOptions().bucket_cap_mb(0)),
               ValueError);
}

}  // namespace
}  // namespace ember
