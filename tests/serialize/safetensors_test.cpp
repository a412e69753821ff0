#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/file_size_limit.h"
#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using testing::FileSizeLimit;
using testing::TempDir;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() / ("ember_st_" + std::to_string(::getpid()) + "_" + name)).string();
}

nn::Sequential small_mlp() { return nn::Sequential(nn::Flatten(), nn::Linear(4, 8), nn::ReLU(), nn::Linear(8, 3)); }

TEST(Safetensors, RoundTripsEveryDtypeAndMetadata) {
  const std::string path = temp_path("all.safetensors");
  NamedTensors tensors = {{"f32", randn({2, 3})},        {"f64", randn({4}, kFloat64)},
                          {"i64", tensor({1, -2, 3})},   {"i32", tensor({7}, kInt32)},
                          {"u8", tensor({255, 0}, kUInt8)}, {"b", tensor({true, false})},
                          {"scalar", tensor(2.5)},        {"strided", randn({3, 4}).t()}};
  save_safetensors(path, tensors, {{"note", "hello \"world\""}});
  const SafetensorsFile f = load_safetensors(path);
  ASSERT_EQ(f.tensors.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(f.tensors[i].first, tensors[i].first);
    EXPECT_EQ(f.tensors[i].second.dtype(), tensors[i].second.dtype());
    EXPECT_TENSOR_EQ(f.tensors[i].second, tensors[i].second);
  }
  EXPECT_EQ(f.metadata.at("note"), "hello \"world\"");
  fs::remove(path);
}

TEST(Safetensors, ModuleSaveLoadRoundTrip) {
  const std::string path = temp_path("mlp.safetensors");
  auto a = small_mlp(), b = small_mlp();
  save(*a, path, {{"kind", "mlp"}});
  const Tensor x = randn({5, 2, 2});
  EXPECT_FALSE(allclose(a(x), b(x)));
  const Tensor held = b->parameters()[0];
  EXPECT_EQ(load(*b, path).at("kind"), "mlp");
  EXPECT_TENSOR_EQ(a(x), b(x));
  EXPECT_TENSOR_EQ(held, a->parameters()[0]);  // loaded into the existing tensors
  fs::remove(path);
}

TEST(Safetensors, LoadsAFileWrittenFromPyTorch) {
  // tools/gen_fixtures.py wrote torch.nn.Sequential(Flatten, Linear(4, 8), ReLU, Linear(8, 3))'s
  // state_dict ("1.weight", "1.bias", "3.weight", "3.bias") and its output on an input.
  auto model = small_mlp();
  load(*model, std::string(EMBER_FIXTURE_DIR) + "/torch_mlp.safetensors");
  const SafetensorsFile io = load_safetensors(std::string(EMBER_FIXTURE_DIR) + "/torch_mlp_io.safetensors");
  EXPECT_TENSOR_NEAR(model(io.tensors[0].second), io.tensors[1].second, 1e-5, 1e-6);
}

TEST(Safetensors, LoadsAPyTorchCnnAndGivesItsOutput) {
  // tools/gen_fixtures.py's write_torch_cnn: the same layers, so the same state_dict keys.
  nn::Sequential model(nn::Conv2d(nn::Conv2dOptions(1, 3, 3).padding(1)), nn::ReLU(), nn::MaxPool2d(2),
                       nn::Conv2d(3, 4, 3), nn::ReLU(), nn::AvgPool2d(2), nn::Flatten(), nn::Linear(4, 2));
  load(*model, std::string(EMBER_FIXTURE_DIR) + "/torch_cnn.safetensors");
  const SafetensorsFile io = load_safetensors(std::string(EMBER_FIXTURE_DIR) + "/torch_cnn_io.safetensors");
  EXPECT_TENSOR_NEAR(model(io.tensors[0].second), io.tensors[1].second, 1e-5, 1e-6);
}

TEST(Safetensors, MismatchesAreListedAndNothingIsChanged) {
  const std::string path = temp_path("other.safetensors");
  nn::Sequential other(nn::Flatten(), nn::Linear(4, 5), nn::ReLU(), nn::Linear(5, 3), nn::Linear(3, 3));
  save(*other, path);
  auto model = small_mlp();
  const Tensor before = model->parameters()[0].clone();
  try {
    load(*model, path);
    FAIL() << "expected IOError";
  } catch (const IOError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("shape mismatch: 1.weight is (5, 4) in the file but (8, 4) in the model"), std::string::npos) << msg;
    EXPECT_NE(msg.find("unexpected: 4.weight (3, 3)"), std::string::npos) << msg;
  }
  EXPECT_TENSOR_EQ(model->parameters()[0], before);
  model->to(kFloat64);
  save_safetensors(path, state_dict(*small_mlp()));
  EXPECT_THROW_MSG(load(*model, path), IOError, "dtype mismatch: 1.weight is float32 in the file but float64 in the model");
  save_safetensors(path, {{"1.weight", zeros({8, 4}, kFloat64)}});
  EXPECT_THROW_MSG(load(*model, path), IOError, "missing: 1.bias (8)");
  fs::remove(path);
}

TEST(Safetensors, CorruptFilesAreReportedWithThePath) {
  const std::string path = temp_path("bad.safetensors");
  std::ofstream(path) << "abc";
  EXPECT_THROW_MSG(load_safetensors(path), IOError, "bad.safetensors: not a valid safetensors file: it is 3 bytes long");
  save_safetensors(path, {{"w", randn({100})}});
  fs::resize_file(path, fs::file_size(path) - 10);
  EXPECT_THROW_MSG(load_safetensors(path), IOError, "tensor 'w' ends at byte 400 of the data, which is only 390 bytes");
  {
    std::ofstream out(path, std::ios::binary);
    const uint64_t n = 5;
    out.write(reinterpret_cast<const char*>(&n), 8);
    out << "{\"w\":";
  }
  EXPECT_THROW_MSG(load_safetensors(path), IOError, "its JSON header is malformed");
  {
    std::ofstream out(path, std::ios::binary);
    const uint64_t n = 1000;
    out.write(reinterpret_cast<const char*>(&n), 8);
  }
  EXPECT_THROW_MSG(load_safetensors(path), IOError, "the header claims 1000 bytes but only 0 follow");
  EXPECT_THROW_MSG(load_safetensors(temp_path("none")), IOError, "cannot open file");
  fs::remove(path);
}

// A safetensors file with this JSON header and `data_bytes` bytes of data.
void write_raw(const std::string& path, const std::string& header, size_t data_bytes) {
  std::ofstream out(path, std::ios::binary);
  const uint64_t n = header.size();
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << std::string(data_bytes, '\0');
}

TEST(Safetensors, HeadersThatLieAboutTheLayoutAreRefused) {
  TempDir dir;
  const std::string path = dir.file("layout.safetensors");
  auto refused = [&](const std::string& header, size_t data_bytes) {
    write_raw(path, header, data_bytes);
    try {
      load_safetensors(path);
    } catch (const IOError& e) {
      return std::string(e.what()).substr(path.size() + 2);
    }
    return std::string("accepted");
  };
  const std::string w = R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  EXPECT_EQ(refused("{" + w + "," + w + "}", 8), "not a valid safetensors file: 'w' appears twice in the header");
  EXPECT_EQ(refused(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12),
            "not a valid safetensors file: tensors 'a' and 'b' overlap (bytes 4 to 8 of the data)");
  EXPECT_EQ(refused(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 12),
            "not a valid safetensors file: bytes 4 to 8 of the data belong to no tensor (the format allows no holes)");
  EXPECT_EQ(refused("{" + w + "}", 16),
            "not a valid safetensors file: bytes 8 to 16 of the data belong to no tensor (the format allows no holes)");
  std::string dims;
  for (int i = 0; i < 65; ++i) dims += (i ? ",1" : "1");
  EXPECT_EQ(refused(R"({"w":{"dtype":"U8","shape":[)" + dims + R"(],"data_offsets":[0,1]}})", 1),
            "not a valid safetensors file: tensor 'w' has 65 dims; at most 64 are supported");
  // 2^32 x 2^32 floats: the byte count overflows 64 bits (it used to wrap to 0 and pass).
  EXPECT_EQ(refused(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0),
            "not a valid safetensors file: tensor 'w' has a shape too large for any file: (4294967296, 4294967296)");
  // Out of order but whole: accepted, in header order.
  write_raw(path, R"({"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 2);
  const SafetensorsFile ok = load_safetensors(path);
  ASSERT_EQ(ok.tensors.size(), 2u);
  EXPECT_EQ(ok.tensors[0].first, "b");
}

TEST(Safetensors, AFailedSaveLeavesTheOldFileIntact) {
  TempDir dir;
  const std::string path = dir.file("keep.safetensors");
  save_safetensors(path, {{"w", ones({3})}});
  // The write fails part-way through the data (the file may not grow past 64 KiB), after the
  // file was opened and the header written: a writer that wrote in place would leave a torn file.
  {
    FileSizeLimit limit(64 * 1024);
    EXPECT_THROW_MSG(save_safetensors(path, {{"w", ones({1 << 20})}}), IOError,
                     "keep.safetensors: cannot write (File too large); the previous file, if any, is unchanged");
  }
  EXPECT_TENSOR_EQ(load_safetensors(path).tensors[0].second, ones({3}));
  EXPECT_THROW(save_safetensors(path, {{"w", ones({3})}, {"w", ones({3})}}), ValueError);  // duplicate name
  EXPECT_TENSOR_EQ(load_safetensors(path).tensors[0].second, ones({3}));
  EXPECT_THROW_MSG(save_safetensors("/nonexistent-dir/x.safetensors", {{"w", ones({1})}}), IOError, "does not exist");
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u) << "temporary file left behind";
}

}  // namespace
}  // namespace ember
