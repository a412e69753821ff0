// Running the `ember` program as a user does, for the CLI tests: its exit status and output, and
// a fixture with a fresh folder per test.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace ember::testing {

struct CliResult {
  int status;
  std::string output;  // stdout and stderr together
};

/// A shell command's exit status and output.
inline CliResult run_shell(const std::string& command) {
  const std::string cmd = command + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  CliResult r{-1, ""};
  if (!pipe) return r;
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline CliResult ember_cli(const std::string& args) { return run_shell(std::string(EMBER_CLI) + " " + args); }

/// The environment of the tests' MPI jobs: tests/CMakeLists.txt's (mpirun as root too, as CI
/// runs; shared memory copied through a buffer), and no leak check under the sanitizers (Open MPI
/// leaves allocations at exit that LeakSanitizer cannot name).
inline std::string mpi_env() {
  return EMBER_MPI_ENV " ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\"";
}

/// The mpirun command line that starts `ranks` processes on this machine.
inline std::string mpirun(int ranks) {
  return mpi_env() + " " EMBER_MPIRUN " --bind-to none -np " + std::to_string(ranks);
}

/// `ember args` as `ranks` processes of one MPI job.
inline CliResult ember_mpirun(int ranks, const std::string& args) {
  return run_shell(mpirun(ranks) + " " + EMBER_CLI + " " + args);
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ember_cli_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

}  // namespace ember::testing
