// The `ember` program as a user runs it: exit codes, one-line errors, and the files it writes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <png.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <filesystem>

#include "support/cli_runner.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using testing::Cli;
using testing::ember_cli;
using testing::CliResult;

TEST_F(Cli, HelpForEveryCommand) {
  CliResult top = ember_cli("--help");
  EXPECT_EQ(top.status, 0);
  EXPECT_NE(top.output.find("usage: ember <command>"), std::string::npos);
  for (const std::string command : {"train", "eval", "predict", "show", "bench"}) {
    CliResult r = ember_cli(command + " --help");
    EXPECT_EQ(r.status, 0) << command;
    EXPECT_NE(r.output.find("usage: ember " + command), std::string::npos) << r.output;
  }
  EXPECT_EQ(ember_cli("").status, 2);
}

TEST_F(Cli, BadInputGivesOneLineAndANonZeroExit) {
  struct Case {
    std::string args, message;
    int status;
  };
  const std::vector<Case> cases = {
      {"frobnicate", "ember: error: unknown command 'frobnicate' (see 'ember --help')", 2},
      {"train --epochs", "option '--epochs' needs a value (N)", 2},
      {"train --epochs two", "--epochs expects an integer; got 'two'", 2},
      {"train --epochs 0", "--epochs must be between 1 and 100000; got 0", 2},
      {"train --lr=abc", "--lr expects a number; got 'abc'", 2},
      {"train --frob 1", "unknown option '--frob' for 'ember train'", 2},
      {"train --optimizer lbfgs --epochs 1", "--optimizer must be sgd, adam, adamw or lamb; got 'lbfgs'", 2},
      {"train --valid-split 0.95", "--valid-split must be between 0 and 0.9; got 0.95", 2},
      {"lr-find --max-lr 1e-8", "--max-lr must exceed --min-lr", 2},
      {"lr-find --frob 1", "unknown option '--frob' for 'ember lr-find'", 2},
      {"train --model resnet50", "--model must be mlp, linear, cnn, resnet, xresnet18 or bn-cnn; got 'resnet50'", 2},
      {"train --hidden 100,x", "--hidden expects positive integers separated by commas", 2},
      {"train --data /nonexistent", "ember: error: /nonexistent: no such folder", 1},
      {"train --image-size 0x28", "--image-size must be auto, N or HxW with sides 1 to 16384; got '0x28'", 2},
      {"train --channels 2", "--channels must be auto, 1 (grey) or 3 (RGB); got '2'", 2},
      {"train --precision fp8", "--precision must be fp32, bf16 or fp16; got 'fp8'", 2},
      {"eval --model /nonexistent.safetensors", "ember: error: /nonexistent.safetensors: cannot open file", 1},
      {"predict --model /nonexistent.safetensors", "give one or more PNG or JPEG files", 2},
  };
  for (const Case& c : cases) {
    CliResult r = ember_cli(c.args);
    EXPECT_EQ(r.status, c.status) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << "not one line: " << r.output;
  }
}

TEST_F(Cli, TrainEvalPredictShowEndToEnd) {
  const std::string model = path("m.safetensors");
  CliResult train = ember_cli("train --epochs 2 --limit 2000 --threads 1 --out " + model);
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("epoch  train_loss  valid_loss   accuracy"), std::string::npos);
  for (const std::string f : {"m.safetensors", "m.csv", "m.png", "m.checkpoint.safetensors"})
    EXPECT_TRUE(fs::exists(path(f))) << f;
  EXPECT_GT(fs::file_size(path("m.png")), 1000u);

  // 10% of the 2,000 examples held out for the table; the test split once, at the end.
  EXPECT_NE(train.output.find("(1800 train, 200 valid, 2000 test;"), std::string::npos) << train.output;
  const size_t test_line = train.output.find("test accuracy ");
  ASSERT_NE(test_line, std::string::npos) << train.output;

  CliResult eval = ember_cli("eval --model " + model);
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_NE(eval.output.find("confusion matrix"), std::string::npos);
  const double acc = std::stod(eval.output.substr(eval.output.find("accuracy: ") + 10));
  EXPECT_GT(acc, 0.85);
  EXPECT_NEAR(std::stod(train.output.substr(test_line + 14)), acc, 1e-4) << "eval measures what train reported";

  CliResult predict = ember_cli("predict --model " + model + " --data " + std::string(EMBER_SOURCE_DIR) + "/data/mnist --index 3");
  ASSERT_EQ(predict.status, 0) << predict.output;
  EXPECT_NE(predict.output.find("(label 8): 8 (p="), std::string::npos) << predict.output;

  CliResult show = ember_cli("show --count 8 --model " + model + " --out " + path("grid.png"));
  ASSERT_EQ(show.status, 0) << show.output;
  EXPECT_TRUE(fs::exists(path("grid.png")));

  // A colour PNG of another size is converted and resized as training read its images; a file
  // that is no image is named.
  CliResult other = ember_cli("predict --model " + model + " " + path("grid.png"));
  EXPECT_EQ(other.status, 0) << other.output;
  EXPECT_NE(other.output.find("grid.png: "), std::string::npos) << other.output;
  CliResult not_png = ember_cli("predict --model " + model + " " + path("m.csv"));
  EXPECT_EQ(not_png.status, 1);
  EXPECT_NE(not_png.output.find("m.csv: not a PNG or JPEG image (it starts with bytes"), std::string::npos) << not_png.output;

  // Resuming continues after the last finished epoch.
  CliResult resume = ember_cli("train --epochs 3 --limit 2000 --threads 1 --out " + path("r.safetensors") + " --resume " +
                         path("m.checkpoint.safetensors"));
  ASSERT_EQ(resume.status, 0) << resume.output;
  EXPECT_NE(resume.output.find("after epoch 2"), std::string::npos);
  EXPECT_NE(resume.output.find("\n    3  "), std::string::npos) << resume.output;
  CliResult mismatch = ember_cli("train --epochs 3 --hidden 50 --out " + path("x.safetensors") + " --resume " +
                           path("m.checkpoint.safetensors"));
  EXPECT_NE(mismatch.status, 0);
  EXPECT_NE(mismatch.output.find("does not match the model"), std::string::npos) << mismatch.output;
}

TEST_F(Cli, LrFindSweepsAndSuggestsARateWithoutSavingAModel) {
  const std::string png = path("lr.png");
  CliResult r = ember_cli("lr-find --limit 2000 --threads 1 --iters 60 --out " + png);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_GT(fs::file_size(png), 1000u);
  std::ifstream csv(path("lr.csv"));
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(header, "lr,loss");
  int rows = 0;
  double first_lr = 0;
  while (std::getline(csv, line)) {
    if (rows++ == 0) first_lr = std::stod(line);
  }
  EXPECT_GE(rows, 5);
  EXPECT_LE(rows, 60);
  EXPECT_NEAR(first_lr, 1e-7, 1e-12);
  const size_t at = r.output.find("suggested lr ");
  ASSERT_NE(at, std::string::npos) << r.output;
  const double suggested = std::stod(r.output.substr(at + 13));
  EXPECT_GT(suggested, 1e-5);
  EXPECT_LT(suggested, 1.0);
  EXPECT_FALSE(fs::exists(path("runs"))) << "lr-find writes only its plot and CSV";
}

TEST_F(Cli, CnnTrainsAndItsFileRebuildsIt) {
  const std::string args = "train --model cnn --epochs 2 --limit 4000 --threads ";
  CliResult train = ember_cli(args + "2 --out " + path("cnn.safetensors"));
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("model: cnn 28x28-10 (LeNet-5)"), std::string::npos) << train.output;
  CliResult eval = ember_cli("eval --model " + path("cnn.safetensors"));
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_GT(std::stod(eval.output.substr(eval.output.find("accuracy: ") + 10)), 0.9) << eval.output;
  CliResult predict = ember_cli("predict --model " + path("cnn.safetensors") + " --data " + std::string(EMBER_SOURCE_DIR) +
                                "/data/mnist --index 3");
  ASSERT_EQ(predict.status, 0) << predict.output;
  EXPECT_NE(predict.output.find("(label 8): 8 (p="), std::string::npos) << predict.output;
  // The convolutions split images across threads in fixed chunks: one thread gives the same file.
  ASSERT_EQ(ember_cli(args + "1 --out " + path("cnn1.safetensors")).status, 0);
  auto bytes = [](const std::string& f) {
    std::ifstream in(f, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_EQ(bytes(path("cnn.safetensors")), bytes(path("cnn1.safetensors")));
}

TEST_F(Cli, BatchNormCnnTrainsAndItsFileRebuildsIt) {
  CliResult train = ember_cli("train --model bn-cnn --epochs 2 --limit 2000 --lr 0.1 --out " + path("bn.safetensors"));
  ASSERT_EQ(train.status, 0) << train.output;
  EXPECT_NE(train.output.find("model: bn-cnn 28x28-10"), std::string::npos) << train.output;
  // The running statistics travel in the file: eval mode uses them.
  CliResult eval = ember_cli("eval --model " + path("bn.safetensors"));
  ASSERT_EQ(eval.status, 0) << eval.output;
  EXPECT_GT(std::stod(eval.output.substr(eval.output.find("accuracy: ") + 10)), 0.8) << eval.output;
  const SafetensorsFile file = load_safetensors(path("bn.safetensors"));
  bool has_running_var = false;
  for (const auto& [name, t] : file.tensors) has_running_var |= name == "2.2.running_var";
  EXPECT_TRUE(has_running_var);
}

TEST_F(Cli, CnnTakesImagesOfAnyShapeFrom12x12) {
  fs::create_directories(path("wide"));
  for (const std::string split : {"train", "t10k"}) {
    std::vector<uint8_t> pixels(4 * 600);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i % 251);
    data::write_idx(path("wide/" + split + "-images-idx3-ubyte"), {{4, 20, 30}, pixels});
    data::write_idx(path("wide/" + split + "-labels-idx1-ubyte"), {{4}, {0, 1, 2, 3}});
  }
  CliResult r = ember_cli("train --model cnn --epochs 1 --data " + path("wide") + " --out " + path("w.safetensors"));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("model: cnn 20x30-10 (LeNet-5)"), std::string::npos) << r.output;
  for (const std::string split : {"train", "t10k"}) {
    data::write_idx(path("wide/" + split + "-images-idx3-ubyte"), {{4, 8, 30}, std::vector<uint8_t>(4 * 240, 7)});
  }
  r = ember_cli("train --model cnn --epochs 1 --data " + path("wide") + " --out " + path("w.safetensors"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("ember: error: the cnn needs images of at least 12 x 12 pixels; these are 8 x 30"), std::string::npos)
      << r.output;
}

TEST_F(Cli, BenchMatmulRunsEveryRungAndChecksIt) {
  CliResult r = ember_cli("bench matmul --size 48 --repeats 1");
  ASSERT_EQ(r.status, 0) << r.output;
  for (const std::string step : {"triple loop", "row x column (ops)", "broadcasting", "einsum", "blocked (portable)",
                                 "AVX2 micro-kernel", "AVX-512 micro-kernel", "AVX-512, all threads"})
    EXPECT_NE(r.output.find(step), std::string::npos) << step;
  EXPECT_NE(r.output.find("(48 x 48) @ (48 x 48)"), std::string::npos);
  EXPECT_EQ(ember_cli("bench conv").status, 2);
}

// --prefetch moves batch assembly to a background thread; the batches, and so the model, are the same.
TEST_F(Cli, PrefetchChangesWhereBatchesAreMadeNotTheModel) {
  const std::string args = "train --epochs 1 --limit 2000 --threads 1 --schedule none --out ";
  ASSERT_EQ(ember_cli(args + path("plain.safetensors")).status, 0);
  CliResult ahead = ember_cli(args + path("ahead.safetensors") + " --prefetch 2");
  ASSERT_EQ(ahead.status, 0) << ahead.output;
  auto bytes = [](const std::string& f) {
    std::ifstream in(f, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string plain = bytes(path("plain.safetensors"));
  EXPECT_GT(plain.size(), 1000u);
  EXPECT_EQ(plain, bytes(path("ahead.safetensors")));
  EXPECT_EQ(ember_cli(args + path("bad.safetensors") + " --prefetch -1").status, 2);
}

TEST_F(Cli, MixedPrecisionTrainsToFloat32sAccuracyWithFloat32Weights) {
  const std::string args = "train --epochs 2 --limit 3000 --threads 1 --out ";
  CliResult full = ember_cli(args + path("fp32.safetensors"));
  ASSERT_EQ(full.status, 0) << full.output;
  for (const std::string precision : {"bf16", "fp16"}) {
    CliResult mixed = ember_cli(args + path(precision + ".safetensors") + " --precision " + precision);
    ASSERT_EQ(mixed.status, 0) << mixed.output;
    EXPECT_NE(mixed.output.find("mixed precision " + precision), std::string::npos) << mixed.output;
    // The weights are saved as float32, and the model evaluates as well as the float32 run's.
    const SafetensorsFile file = load_safetensors(path(precision + ".safetensors"));
    for (const auto& [name, t] : file.tensors) EXPECT_EQ(t.dtype(), kFloat32) << name;
    auto accuracy_of = [](const std::string& model) {
      const std::string out = ember_cli("eval --model " + model).output;
      return std::stod(out.substr(out.find("accuracy: ") + 10));
    };
    const double a = accuracy_of(path("fp32.safetensors")), b = accuracy_of(path(precision + ".safetensors"));
    EXPECT_GT(b, a - 0.03) << precision;
  }
}

TEST_F(Cli, ANonFiniteLossStopsTrainingAndKeepsTheLastCheckpoint) {
  // A learning rate of 1000 makes the loss overflow after the first epoch.
  const std::string out = path("m.safetensors");
  CliResult r = ember_cli("train --lr 1000 --epochs 3 --limit 512 --out " + out);
  EXPECT_EQ(r.status, 1) << r.output;
  const size_t at = r.output.find("ember: error: [Learner] the loss is ");
  ASSERT_NE(at, std::string::npos) << r.output;
  const size_t epoch_at = r.output.find(" at epoch ", at);
  ASSERT_NE(epoch_at, std::string::npos) << r.output;
  const int epoch = std::stoi(r.output.substr(epoch_at + 10));
  EXPECT_GE(epoch, 2) << r.output;
  EXPECT_NE(r.output.find("--detect-anomaly"), std::string::npos) << "the hint names the flag";
  EXPECT_FALSE(fs::exists(out)) << "a model was written from diverged weights";
  EXPECT_EQ(load_safetensors(path("m.checkpoint.safetensors")).metadata.at("ember.checkpoint.epoch"), std::to_string(epoch - 1));
  // --detect-anomaly names the op whose output first went non-finite.
  r = ember_cli("train --lr 1000 --epochs 3 --limit 512 --detect-anomaly --out " + out);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("ember: error: [anomaly] the output of Linear holds "), std::string::npos) << r.output;
  // inf or nan: which comes first depends on the GEMM kernel's summation order.
  EXPECT_NE(r.output.find(" at flat index"), std::string::npos) << r.output;
}

TEST_F(Cli, PredictReadsPngDigits) {
  const std::string model = path("m.safetensors");
  ASSERT_EQ(ember_cli("train --epochs 2 --limit 3000 --threads 1 --out " + model).status, 0);
  // Test image 3 of the shipped digits (an 8), written as a 28x28 grey PNG as a user would have.
  data::MNIST test(std::string(EMBER_SOURCE_DIR) + "/data/mnist", data::MNIST::Split::Test);
  const Tensor img = test.raw_images()[3].contiguous();
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = image.height = 28;
  image.format = PNG_FORMAT_GRAY;
  ASSERT_TRUE(png_image_write_to_file(&image, path("eight.png").c_str(), 0, img.data_ptr<uint8_t>(), 0, nullptr));
  CliResult r = ember_cli("predict --model " + model + " " + path("eight.png"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("eight.png: 8 (p="), std::string::npos) << r.output;
  CliResult both = ember_cli("predict --model " + model + " --data " + std::string(EMBER_SOURCE_DIR) + "/data/mnist " + path("eight.png"));
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.output.find("give either image files or --data, not both"), std::string::npos);
}

}  // namespace
}  // namespace ember
