#include "ember/data/idx.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <memory>

#include "ember/core/atomic_file.h"
#include "ember/core/error.h"

namespace ember::data {

namespace {

constexpr uint8_t kUnsignedByte = 0x08;
constexpr int64_t kMaxItems = int64_t{1} << 40;       // 1 TiB of pixels: far beyond any real data set
constexpr size_t kReadChunk = size_t{16} << 20;      // 16 MiB

struct GzCloser {
  void operator()(gzFile f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<std::remove_pointer_t<gzFile>, GzCloser>;

// Reads exactly n bytes or throws, naming what was being read. A read that is part of a larger
// one (the data, in chunks) passes the whole size and what came before, for the message.
void read_exact(gzFile f, void* out, size_t n, const std::string& path, const char* what, int64_t whole = -1,
                size_t before = 0) {
  size_t done = 0;
  while (done < n) {
    const int chunk = static_cast<int>(std::min<size_t>(n - done, 1 << 30));
    const int got = gzread(f, static_cast<char*>(out) + done, static_cast<unsigned>(chunk));
    if (got < 0) {
      int err;
      const char* msg = gzerror(f, &err);
      throw IOError(detail::str(path, ": corrupt file while reading ", what, " (", msg, ")"));
    }
    if (got == 0)
      throw IOError(detail::str(path, ": file is truncated: expected ", whole < 0 ? static_cast<int64_t>(n) : whole,
                                " bytes of ", what, ", found ", before + done,
                                "\n---> HINT: re-download or re-extract the file"));
    done += static_cast<size_t>(got);
  }
}

uint32_t big_endian(const uint8_t* b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

}  // namespace

IdxArray read_idx(const std::string& path, int expected_dims) {
  GzFile f(gzopen(path.c_str(), "rb"));
  if (!f) throw IOError(path + ": cannot open file (does it exist, and can it be read?)");
  uint8_t magic[4];
  read_exact(f.get(), magic, 4, path, "the header");
  if (magic[0] != 0 || magic[1] != 0)
    throw IOError(detail::str(path, ": not an IDX file: the magic number must start with two zero bytes, found 0x",
                              std::hex, static_cast<int>(magic[0]), " 0x", static_cast<int>(magic[1]),
                              "\n---> HINT: --data expects MNIST-style files such as train-images-idx3-ubyte.gz"));
  if (magic[2] != kUnsignedByte)
    throw IOError(detail::str(path, ": unsupported IDX data type 0x", std::hex, static_cast<int>(magic[2]),
                              "; only unsigned bytes (0x08) are supported"));
  const int dims = magic[3];
  if (dims < 1 || (expected_dims > 0 && dims != expected_dims))
    throw IOError(detail::str(path, ": expected an IDX file with ", expected_dims > 0 ? expected_dims : 1,
                              expected_dims > 0 ? "" : " or more", " dims, found ", dims, " (magic number ",
                              big_endian(magic), ")"));
  IdxArray out;
  int64_t total = 1;
  for (int d = 0; d < dims; ++d) {
    uint8_t b[4];
    read_exact(f.get(), b, 4, path, "the header's sizes");
    out.sizes.push_back(big_endian(b));
    // Sizes are below 2^32 each, so the product can overflow int64 from the third on.
    if (__builtin_mul_overflow(total, out.sizes.back(), &total) || total > kMaxItems)
      throw IOError(detail::str(path, ": the header claims sizes ", shape_str(out.sizes),
                                d + 1 < dims ? ", ..." : "", ", more than the ", kMaxItems,
                                " bytes an IDX file may hold here; the file is corrupt or not an IDX file"));
  }
  if (total == 0) throw IOError(path + ": the file holds no items (a size in its header is 0)");
  // Read in chunks, growing the buffer as data arrives: memory follows what the file really
  // holds, never what its header claims (a 16-byte file may claim gigabytes).
  while (out.data.size() < static_cast<size_t>(total)) {
    const size_t done = out.data.size(), chunk = std::min<size_t>(static_cast<size_t>(total) - done, kReadChunk);
    out.data.resize(done + chunk);
    read_exact(f.get(), out.data.data() + done, chunk, path, "data", total, done);
  }
  uint8_t extra;
  if (gzread(f.get(), &extra, 1) > 0)
    throw IOError(detail::str(path, ": the file is longer than its header says (", total,
                              " data bytes); it may be corrupt or not an IDX file"));
  return out;
}

void write_idx(const std::string& path, const IdxArray& array) {
  const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  AtomicFile out(path);
  // zlib writes through its own descriptor (a dup, which gzclose closes); T: write uncompressed.
  const int fd = ::dup(out.fd());
  gzFile f = fd < 0 ? nullptr : gzdopen(fd, gz ? "wb" : "wbT");
  if (!f) {
    if (fd >= 0) ::close(fd);
    throw IOError(path + ": cannot write (zlib could not open the temporary file)");
  }
  std::vector<uint8_t> header{0, 0, kUnsignedByte, static_cast<uint8_t>(array.sizes.size())};
  for (int64_t s : array.sizes)
    for (int shift = 24; shift >= 0; shift -= 8) header.push_back(static_cast<uint8_t>(s >> shift));
  auto put = [&](const uint8_t* p, size_t n) {
    for (size_t done = 0; done < n;) {  // gzwrite takes at most UINT_MAX bytes a call
      const unsigned chunk = static_cast<unsigned>(std::min<size_t>(n - done, 1u << 30));
      if (gzwrite(f, p + done, chunk) != static_cast<int>(chunk)) return false;
      done += chunk;
    }
    return true;
  };
  const bool written = put(header.data(), header.size()) && put(array.data.data(), array.data.size());
  const bool closed = gzclose(f) == Z_OK;
  if (!written || !closed) throw IOError(path + ": cannot write (zlib reported an error; the disk may be full)");
  out.commit();
}

}  // namespace ember::data
