// AtomicFile: a committed file replaces the old one whole; anything else (an abandoned file, a
// write that fails part-way, a missing folder) leaves the old file and no temporary behind.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/file_size_limit.h"
#include "support/temp_dir.h"
#include "support/tensor_expect.h"

namespace ember {
namespace {

using testing::FileSizeLimit;
using testing::TempDir;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Everything in the folder: the target alone means no temporary file was left behind.
size_t entries(const TempDir& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++n;
  return n;
}

TEST(AtomicFile, ACommittedFileReplacesTheOldOneWhole) {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  write_file_atomically(path, "old contents");
  AtomicFile out(path);
  out.write("new ", 4);
  EXPECT_EQ(read_all(path), "old contents") << "the target changed before commit()";
  out.write(std::string_view("contents"));
  out.commit();
  EXPECT_EQ(read_all(path), "new contents");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicFile, AnAbandonedFileLeavesTheOldOneAndNoTemporary) {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  write_file_atomically(path, "old");
  {
    AtomicFile out(path);
    out.write("half of a new fi", 16);
  }  // an exception between write and commit ends here
  EXPECT_EQ(read_all(path), "old");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicFile, AWriteThatFailsPartWayLeavesTheOldFile) {
  TempDir dir;
  const std::string path = dir.file("model.bin");
  write_file_atomically(path, "old");
  {
    FileSizeLimit limit(4096);
    EXPECT_THROW_MSG(write_file_atomically(path, std::string(1 << 20, 'x')), IOError,
                     path + ": cannot write (File too large); the previous file, if any, is unchanged");
  }
  EXPECT_EQ(read_all(path), "old");
  EXPECT_EQ(entries(dir), 1u);
}

TEST(AtomicFile, AMissingFolderIsNamed) {
  EXPECT_THROW_MSG(AtomicFile("/nonexistent-ember-dir/x.bin"), IOError,
                   "/nonexistent-ember-dir/x.bin: cannot write: folder /nonexistent-ember-dir does not exist");
}

TEST(AtomicFile, AFileInTheWorkingDirectoryNeedsNoFolder) {
  TempDir dir;
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  write_file_atomically("plain.txt", "here");
  std::filesystem::current_path(previous);
  EXPECT_EQ(read_all(dir.file("plain.txt")), "here");
}

TEST(AtomicFile, TheFileGetsTheUsualPermissionsNotTheTemporaryFilesPrivateOnes) {
  TempDir dir;
  const mode_t previous = ::umask(027);
  write_file_atomically(dir.file("shared"), "x");
  ::umask(previous);
  const auto perms = std::filesystem::status(dir.file("shared")).permissions();
  EXPECT_EQ(static_cast<unsigned>(perms), 0640u);  // 0666 & ~027
}

TEST(AtomicFile, TwoWritersOfOnePathNeverShareATemporaryFile) {
  TempDir dir;
  const std::string path = dir.file("x");
  AtomicFile a(path), b(path);
  a.write("aaaa", 4);
  b.write("bb", 2);
  b.commit();
  a.commit();
  EXPECT_EQ(read_all(path), "aaaa");  // the last commit wins, whole
  EXPECT_EQ(entries(dir), 1u);
}

}  // namespace
}  // namespace ember
