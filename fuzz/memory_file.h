// MemoryFile: the fuzzer's input as a file that ember's readers open by path, kept in memory
// (memfd) and reached through /proc/self/fd, so an iteration costs no disk write.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("ember-fuzz", 0)), path_("/proc/self/fd/" + std::to_string(fd_)) {}
  /// Replaces the file's contents with the n bytes at data; returns its path.
  const std::string& hold(const uint8_t* data, size_t n) {
    if (ftruncate(fd_, 0) != 0 || pwrite(fd_, data, n, 0) != static_cast<ssize_t>(n)) __builtin_trap();
    return path_;
  }

 private:
  int fd_;
  std::string path_;
};
