// Crash safety, as a user meets it: `ember train` killed with SIGKILL at random moments (during
// checkpoint writes too), then continued with --resume, again and again. After every kill each
// file it wrote loads and holds a state the run really reached: an epoch's checkpoint bit for bit,
// never a mix or a torn file; and the run finished after all the kills writes the same model as
// an uninterrupted one (bitwise, one thread).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kEpochs = 3;
constexpr int kKills = 50;

// A data folder of the first few shipped digits (256 to train, 128 to test), so a run is short
// and the checkpoint writes are a real share of it.
void write_small_digits(const std::string& folder) {
  const std::string root = std::string(EMBER_SOURCE_DIR) + "/data/mnist";
  for (auto [split, name, count] : {std::tuple{data::MNIST::Split::Train, "train", 256},
                                    std::tuple{data::MNIST::Split::Test, "t10k", 128}}) {
    const data::MNIST digits(root, split);
    const Tensor images = digits.raw_images().narrow(0, 0, count).contiguous();
    const Tensor labels = digits.targets().narrow(0, 0, count).to(kUInt8).contiguous();
    const uint8_t* px = images.data_ptr<uint8_t>();
    const uint8_t* lb = labels.data_ptr<uint8_t>();
    data::write_idx(folder + "/" + name + "-images-idx3-ubyte",
                    {{count, 28, 28}, std::vector<uint8_t>(px, px + images.numel())});
    data::write_idx(folder + "/" + name + "-labels-idx1-ubyte", {{count}, std::vector<uint8_t>(lb, lb + count)});
  }
}

// `ember train` with a model large enough (6 MB checkpoints) that writes take a real share of
// the run. No schedule: epoch k of a long run is the end of a run of k epochs.
std::vector<std::string> train_args(const std::string& data, const std::string& out, int epochs, bool resume) {
  std::vector<std::string> args{EMBER_CLI, "train", "--data", data, "--hidden", "1000", "--schedule", "none",
                                "--threads", "1", "--epochs", std::to_string(epochs), "--out", out};
  const std::string checkpoint = fs::path(out).replace_extension(".checkpoint.safetensors").string();
  if (resume && fs::exists(checkpoint)) {
    args.push_back("--resume");
    args.push_back(checkpoint);
  }
  return args;
}

pid_t start(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

void run_to_end(const std::vector<std::string>& args) {
  const int status = wait_for(start(args));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "ember train failed: status " << status;
}

// A checkpoint's or model's tensors by name.
std::map<std::string, Tensor> tensors_of(const std::string& path) {
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : load_safetensors(path).tensors) out[name] = t;
  return out;
}

bool same_tensors(const std::map<std::string, Tensor>& a, const std::map<std::string, Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, t] : a)
    if (!b.count(name) || !equal(t, b.at(name))) return false;
  return true;
}

TEST(CrashSafety, KilledTrainingLeavesOnlyWholeFilesAndResumesToTheSameModel) {
  testing::TempDir dir;
  const std::string data = dir.file("digits");
  fs::create_directories(data);
  write_small_digits(data);
  // The states the run goes through: each epoch's checkpoint, from a chain of resumed runs.
  const std::string chain = dir.file("chain/model.safetensors");
  fs::create_directories(dir.file("chain"));
  std::vector<std::map<std::string, Tensor>> checkpoint_after(kEpochs + 1);
  for (int e = 1; e <= kEpochs; ++e) {
    run_to_end(train_args(data, chain, e, /*resume=*/true));
    checkpoint_after[e] = tensors_of(dir.file("chain/model.checkpoint.safetensors"));
  }
  const auto final_model = tensors_of(chain);

  // One uninterrupted run: the same final model (resuming is exact), and how long a run takes.
  const std::string whole = dir.file("whole/model.safetensors");
  fs::create_directories(dir.file("whole"));
  const auto t0 = Clock::now();
  run_to_end(train_args(data, whole, kEpochs, false));
  const double run_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_TRUE(same_tensors(tensors_of(whole), final_model)) << "a resumed run differs from an uninterrupted one";

  // Kill, check, resume; a run that finishes before its kill starts the next one afresh.
  const std::string out = dir.file("killed/model.safetensors");
  const std::string checkpoint = dir.file("killed/model.checkpoint.safetensors"), csv = dir.file("killed/model.csv");
  fs::create_directories(dir.file("killed"));
  std::mt19937 rng(2026);
  std::uniform_real_distribution<double> moment(0.0, 1.2 * run_seconds);
  int killed = 0, finished = 0;
  for (int i = 0; killed < kKills; ++i) {
    ASSERT_LT(i, 4 * kKills) << "too few runs were killed before they ended";
    const pid_t pid = start(train_args(data, out, kEpochs, /*resume=*/true));
    std::this_thread::sleep_for(std::chrono::duration<double>(moment(rng)));
    ::kill(pid, SIGKILL);
    const int status = wait_for(pid);
    if (WIFSIGNALED(status)) ++killed;
    SCOPED_TRACE(::testing::Message() << "run " << i << (WIFSIGNALED(status) ? ", killed" : ", finished"));
    if (fs::exists(checkpoint)) {
      // Loads (a torn file would throw), names its epoch, and holds exactly that epoch's state.
      const SafetensorsFile file = load_safetensors(checkpoint);
      const int epoch = std::stoi(file.metadata.at("ember.checkpoint.epoch"));
      ASSERT_TRUE(epoch >= 1 && epoch <= kEpochs);
      EXPECT_TRUE(same_tensors(tensors_of(checkpoint), checkpoint_after[epoch])) << "checkpoint of epoch " << epoch;
    }
    if (fs::exists(out)) EXPECT_TRUE(same_tensors(tensors_of(out), final_model));
    if (fs::exists(csv)) {
      std::ifstream in(csv);
      std::string header, line;
      std::getline(in, header);
      EXPECT_EQ(header.rfind("epoch,", 0), 0u) << "the CSV lost its header";
      while (std::getline(in, line)) EXPECT_EQ(std::count(line.begin(), line.end(), ','), 5) << "a torn CSV row";
    }
    if (WIFEXITED(status)) {
      ASSERT_EQ(WEXITSTATUS(status), 0);
      ASSERT_TRUE(fs::exists(out));
      ++finished;
      fs::remove_all(dir.file("killed"));
      fs::create_directories(dir.file("killed"));
    }
  }
  // The last interrupted run, finished: the model of an uninterrupted run, bit for bit.
  run_to_end(train_args(data, out, kEpochs, /*resume=*/true));
  EXPECT_TRUE(same_tensors(tensors_of(out), final_model));
  RecordProperty("kills", killed);
  RecordProperty("finished_runs", finished);
}

}  // namespace
}  // namespace ember
