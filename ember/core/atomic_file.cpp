#include "ember/core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "ember/core/error.h"

namespace ember {

namespace {

std::string reason() { return std::strerror(errno); }

// The process's umask, read without changing it (umask() can only be read by setting it, which
// would race with other threads creating files): Linux reports it in /proc/self/status.
mode_t current_umask() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  unsigned mask = 022;
  if (status) {
    char line[256];
    while (std::fgets(line, sizeof line, status))
      if (std::sscanf(line, "Umask: %o", &mask) == 1) break;
    std::fclose(status);
  }
  return static_cast<mode_t>(mask);
}

}  // namespace

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  namespace fs = std::filesystem;
  const fs::path target(path_);
  dir_ = target.has_parent_path() ? target.parent_path().string() : ".";
  std::error_code ec;
  if (!fs::is_directory(dir_, ec))
    throw IOError(detail::str(path_, ": cannot write: folder ", dir_, " does not exist"));
  // Hidden and unique (mkstemp), so two writers of one path never share a temporary file.
  tmp_ = (fs::path(dir_) / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0)
    throw IOError(detail::str(path_, ": cannot write: cannot create a temporary file in ", dir_, " (", reason(), ")"));
  // mkstemp makes the file private (0600); the result should have the permissions any new file
  // gets (0666 less the umask), as with open(O_CREAT).
  ::fchmod(fd_, 0666 & ~current_umask());
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (fd_ >= 0) ::close(fd_);
  ::unlink(tmp_.c_str());
}

void AtomicFile::write(const void* data, std::size_t n) {
  const char* bytes = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::write(fd_, bytes, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0)
      throw IOError(detail::str(path_, ": cannot write (", w < 0 ? reason() : "no progress",
                                "); the previous file, if any, is unchanged"));
    bytes += w;
    n -= static_cast<std::size_t>(w);
  }
}

void AtomicFile::commit() {
  EMBER_CHECK(!committed_ && fd_ >= 0, IOError, path_, ": commit() called twice");
  auto fail = [&](const char* step) {
    throw IOError(detail::str(path_, ": cannot write (", step, ": ", reason(), "); the previous file, if any, is unchanged"));
  };
  if (::fsync(fd_) != 0) fail("fsync");
  const int closed = ::close(fd_);
  fd_ = -1;
  if (closed != 0) fail("close");
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail("rename");
  committed_ = true;
  // The rename lives in the folder's own data: sync it, or a power cut may forget the new name.
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  AtomicFile out(path);
  out.write(contents);
  out.commit();
}

}  // namespace ember
