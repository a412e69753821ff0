// The IDX reader on good, gzipped, truncated, wrong-magic, empty and oversized files, and the
// MNIST dataset on the shipped digits.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <zlib.h>

#include <sys/resource.h>

#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

TEST(Idx, RoundTripsRawAndGzipped) {
  TempDir dir;
  data::IdxArray a{{2, 3}, {1, 2, 3, 4, 5, 6}};
  for (const std::string name : {"a.idx", "a.idx.gz"}) {
    data::write_idx(dir.file(name), a);
    const data::IdxArray b = data::read_idx(dir.file(name), 2);
    EXPECT_EQ(b.sizes, a.sizes);
    EXPECT_EQ(b.data, a.data);
  }
  EXPECT_LT(fs::file_size(dir.file("a.idx.gz")), fs::file_size(dir.file("a.idx")) + 30);
}

TEST(Idx, ErrorsNameTheFileAndTheProblem) {
  TempDir dir;
  EXPECT_THROW_MSG(data::read_idx(dir.file("missing.idx")), IOError, "missing.idx: cannot open file");
  write_bytes(dir.file("empty.idx"), {});
  EXPECT_THROW_MSG(data::read_idx(dir.file("empty.idx")), IOError, "empty.idx: file is truncated: expected 4 bytes of the header, found 0");
  write_bytes(dir.file("magic.idx"), {'P', 'K', 3, 4, 0, 0});
  EXPECT_THROW_MSG(data::read_idx(dir.file("magic.idx")), IOError, "magic.idx: not an IDX file");
  write_bytes(dir.file("float.idx"), {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0});
  EXPECT_THROW_MSG(data::read_idx(dir.file("float.idx")), IOError, "unsupported IDX data type 0xd");
  write_bytes(dir.file("short.idx"), {0, 0, 8, 1, 0, 0, 0, 5, 1, 2, 3});
  EXPECT_THROW_MSG(data::read_idx(dir.file("short.idx")), IOError, "short.idx: file is truncated: expected 5 bytes of data, found 3");
  write_bytes(dir.file("long.idx"), {0, 0, 8, 1, 0, 0, 0, 2, 1, 2, 3});
  EXPECT_THROW_MSG(data::read_idx(dir.file("long.idx")), IOError, "longer than its header says");
  write_bytes(dir.file("zero.idx"), {0, 0, 8, 1, 0, 0, 0, 0});
  EXPECT_THROW_MSG(data::read_idx(dir.file("zero.idx")), IOError, "holds no items");
  data::write_idx(dir.file("dims.idx"), {{4}, {1, 2, 3, 4}});
  EXPECT_THROW_MSG(data::read_idx(dir.file("dims.idx"), 3), IOError, "expected an IDX file with 3 dims, found 1");
  // A gzip stream cut in half.
  data::write_idx(dir.file("cut.idx.gz"), {{1000}, std::vector<uint8_t>(1000, 7)});
  fs::resize_file(dir.file("cut.idx.gz"), fs::file_size(dir.file("cut.idx.gz")) / 2);
  EXPECT_THROW(data::read_idx(dir.file("cut.idx.gz")), IOError);
}

// The largest resident set this process has had, in KiB.
long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(Idx, AHeaderThatClaimsMoreThanTheFileHoldsCostsNoMemory) {
  TempDir dir;
  // 16 bytes that claim 65536 x 65536 bytes (4 GiB) of data, plain and gzipped.
  const std::vector<uint8_t> header{0, 0, 8, 2, 0, 1, 0, 0, 0, 1, 0, 0, 1, 2, 3, 4};
  write_bytes(dir.file("liar.idx"), header);
  data::write_idx(dir.file("liar.idx.gz"), {{4}, {0, 0, 0, 0}});  // a valid gzip container...
  {
    gzFile f = gzopen(dir.file("liar.idx.gz").c_str(), "wb");  // ...rewritten with the lying header
    gzwrite(f, header.data(), static_cast<unsigned>(header.size()));
    gzclose(f);
  }
  const long before = peak_rss_kib();
  for (const std::string name : {"liar.idx", "liar.idx.gz"})
    EXPECT_THROW_MSG(data::read_idx(dir.file(name)), IOError,
                     name + ": file is truncated: expected 4294967296 bytes of data, found 4");
  EXPECT_LT(peak_rss_kib() - before, 256 * 1024) << "the reader allocated what the header claimed";
}

TEST(Idx, SizesWhoseProductOverflowsAreRefused) {
  TempDir dir;
  // Three sizes of 2^32 - 1: the product of all three would overflow int64; the check stops at
  // the first size that takes it past the limit, without reading the rest.
  write_bytes(dir.file("huge.idx"), {0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255});
  EXPECT_THROW_MSG(data::read_idx(dir.file("huge.idx")), IOError,
                   "huge.idx: the header claims sizes (4294967295, 4294967295), ..., more than the 1099511627776 bytes");
  write_bytes(dir.file("big.idx"), {0, 0, 8, 2, 0, 0, 2, 0, 255, 255, 255, 255});
  EXPECT_THROW_MSG(data::read_idx(dir.file("big.idx")), IOError, "claims sizes (512, 4294967295), more than");
}

TEST(Mnist, LoadsTheShippedDigits) {
  const std::string root = std::string(EMBER_SOURCE_DIR) + "/data/mnist";
  data::MNIST train(root, data::MNIST::Split::Train), test(root, data::MNIST::Split::Test);
  EXPECT_EQ(train.size(), 8000);
  EXPECT_EQ(test.size(), 2000);
  EXPECT_EQ(train.data().sizes(), (Shape{8000, 1, 28, 28}));
  EXPECT_EQ(train.targets().dtype(), kInt64);
  EXPECT_GE(train.targets().min().item<int64_t>(), 0);
  EXPECT_LE(train.targets().max().item<int64_t>(), 9);
  const auto [mean, std] = train.stats();
  EXPECT_NEAR(mean, 0.1307, 0.01);  // MNIST's well-known statistics
  EXPECT_NEAR(std, 0.3081, 0.01);
  // stats() agrees with the same statistics computed by tensor ops.
  EXPECT_NEAR(mean, train.data().to(kFloat64).mean().item<double>(), 1e-7);  // float32 pixels
  EXPECT_NEAR(std, train.data().to(kFloat64).std().item<double>(), 1e-7);
  train.normalize(mean, std);
  EXPECT_NEAR(train.data().to(kFloat64).mean().item<double>(), 0, 1e-5);
  EXPECT_NEAR(train.data().to(kFloat64).std().item<double>(), 1, 1e-5);
  EXPECT_EQ(train.raw_images().dtype(), kUInt8);  // the bytes stay for pictures
}

TEST(Mnist, MissingFilesAndMismatchedCountsAreReported) {
  TempDir dir;
  EXPECT_THROW_MSG(data::MNIST(dir.file("nope"), data::MNIST::Split::Train), IOError, "data folder not found");
  EXPECT_THROW_MSG(data::MNIST(dir.file(""), data::MNIST::Split::Train), IOError, "train-images-idx3-ubyte[.gz]: file not found");
  data::write_idx(dir.file("t10k-images-idx3-ubyte"), {{2, 28, 28}, std::vector<uint8_t>(2 * 784, 0)});
  data::write_idx(dir.file("t10k-labels-idx1-ubyte.gz"), {{3}, {1, 2, 3}});
  EXPECT_THROW_MSG(data::MNIST(dir.file(""), data::MNIST::Split::Test), IOError, "holds 2 images but");
  data::write_idx(dir.file("t10k-labels-idx1-ubyte.gz"), {{2}, {1, 12}});
  EXPECT_THROW_MSG(data::MNIST(dir.file(""), data::MNIST::Split::Test), IOError, "label 12 at index 1 is not a class 0-9");
}

}  // namespace
}  // namespace ember
