// AtomicFile: how ember writes every file (models, checkpoints, CSVs, pictures, IDX data), so that
// whatever happens during the write (an error, a full disk, SIGKILL, a power cut) the path holds
// either its previous content or the complete new one, never a part of it.
//
// The data goes to a fresh temporary file in the target's folder (a rename is atomic only within
// one file system), which commit() flushes to disk (fsync), renames over the target, and then
// makes the rename itself durable by syncing the folder. A file never committed is removed.
//
//   AtomicFile out(path);
//   out.write(header.data(), header.size());
//   out.commit();
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ember {

class AtomicFile {
 public:
  /// Creates the temporary file; throws IOError naming `path` if its folder is missing or not
  /// writable.
  explicit AtomicFile(std::string path);
  /// Removes the temporary file unless commit() succeeded; the target is left as it was.
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// Appends n bytes; throws IOError (with the system's reason) if they cannot all be written.
  void write(const void* data, std::size_t n);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  /// The temporary file's descriptor, for libraries that write through one (zlib's gzdopen on a
  /// dup() of it). Bytes written this way count as written.
  int fd() const { return fd_; }
  /// fsync, close, rename over the target, fsync the folder. Throws IOError on failure, leaving
  /// the target as it was.
  void commit();

  const std::string& path() const { return path_; }

 private:
  std::string path_, tmp_, dir_;
  int fd_ = -1;
  bool committed_ = false;
};

/// The whole of `contents` written to `path` through an AtomicFile.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace ember
