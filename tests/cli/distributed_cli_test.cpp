// `mpirun -np N ember train`: data-parallel training as a user starts it, against one process.
#include <gtest/gtest.h>

#include <fstream>

#include "support/cli_runner.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

using testing::ember_cli;
using testing::ember_mpirun;

const std::string kRun = "train --limit 1200 --epochs 2 --batch-size 32 --threads 1 ";

void expect_same_weights(const std::string& a, const std::string& b, double tol) {
  const SafetensorsFile fa = load_safetensors(a), fb = load_safetensors(b);
  ASSERT_EQ(fa.tensors.size(), fb.tensors.size());
  for (size_t i = 0; i < fa.tensors.size(); ++i) {
    EXPECT_EQ(fa.tensors[i].first, fb.tensors[i].first);
    EXPECT_TENSOR_NEAR(fa.tensors[i].second, fb.tensors[i].second, tol, tol) << fa.tensors[i].first;
  }
}

class DistributedCli : public testing::Cli {
 protected:
  /// `two`, a 2-rank `ember <kRun> --out two.safetensors`, against one process with the same
  /// options: the same weights up to float rounding. Returns the one process's run.
  testing::CliResult expect_the_one_process_model(const testing::CliResult& two) {
    EXPECT_EQ(two.status, 0) << two.output;
    EXPECT_NE(two.output.find("2 processes x 1 thread(s)"), std::string::npos) << two.output;
    const auto one = ember_cli(kRun + "--out " + path("one.safetensors"));
    EXPECT_EQ(one.status, 0) << one.output;
    if (two.status == 0 && one.status == 0) expect_same_weights(path("two.safetensors"), path("one.safetensors"), 1e-5);
    return one;
  }
};

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(DistributedCli, TwoRanksTrainTheModelOneProcessTrains) {
  const auto two = ember_mpirun(2, kRun + "--out " + path("two.safetensors"));
  const auto one = expect_the_one_process_model(two);
  ASSERT_TRUE(two.status == 0 && one.status == 0);
  EXPECT_EQ(count(two.output, "test accuracy"), 1) << "rank 0 alone prints:\n" << two.output;
  // The same test accuracy and example count, summed over the ranks' shares of the test split.
  const auto line = [](const std::string& out) { return out.substr(out.find("test accuracy")); };
  EXPECT_EQ(line(two.output).substr(0, 40), line(one.output).substr(0, 40));
}

TEST_F(DistributedCli, ACheckpointFromTwoRanksResumesInOneProcess) {
  const auto first = ember_mpirun(2, kRun + "--epochs 1 --out " + path("a.safetensors"));
  ASSERT_EQ(first.status, 0) << first.output;
  const auto resumed =
      ember_cli(kRun + "--resume " + path("a.checkpoint.safetensors") + " --out " + path("resumed.safetensors"));
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("after epoch 1"), std::string::npos) << resumed.output;
  const auto straight = ember_cli(kRun + "--out " + path("straight.safetensors"));
  ASSERT_EQ(straight.status, 0) << straight.output;
  expect_same_weights(path("resumed.safetensors"), path("straight.safetensors"), 1e-5);
}

TEST_F(DistributedCli, TwoHostsOverTcpTrainTheModelOneProcessTrains) {
  // Two network namespaces stand for two machines; the ranks exchange gradients over TCP.
  const std::string script = std::string(EMBER_SOURCE_DIR) + "/tests/distributed/two_hosts.sh";
  const auto two = testing::run_shell(testing::mpi_env() + " " + script + " " EMBER_MPIRUN " " EMBER_CLI " " + kRun +
                                      "--out " + path("two.safetensors"));
  if (two.status == 77) GTEST_SKIP() << two.output;
  expect_the_one_process_model(two);
}

TEST_F(DistributedCli, ABatchThatDoesNotSplitIsRefused) {
  const auto r = ember_mpirun(2, kRun + "--batch-size 33 --out " + path("m.safetensors"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--batch-size 33 is the batch of all 2 processes together and must split evenly"),
            std::string::npos) << r.output;
}

TEST_F(DistributedCli, RanksStartedWithDifferentOptionsAreRefusedAtTheStart) {
  // MPMD: rank 0 and rank 1 run different command lines.
  const std::string cmd = testing::mpirun(1) + " " + EMBER_CLI + " " + kRun + "--seed 1 --out " + path("m.safetensors") +
                          " : -np 1 " + EMBER_CLI + " " + kRun + "--seed 2 --out " + path("m.safetensors");
  const auto r = testing::run_shell(cmd);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("the options of ember train differ between processes: rank 1"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(path("m.safetensors")));
}

TEST_F(DistributedCli, LrFindRefusesToRunUnderMpirun) {
  const auto r = ember_mpirun(2, "lr-find --limit 100 --out " + path("lr.png"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("lr-find runs as one process"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace ember
