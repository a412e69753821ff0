// The IDX format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a big-endian header
// 0x00 0x00 TYPE NDIM, then NDIM big-endian uint32 sizes, then the data. Files may be gzipped
// (read through zlib, which also reads uncompressed files as they are). Only unsigned-byte data
// (TYPE 0x08) is supported: it is what every MNIST-style file holds.
// Every error names the file and says what was expected and what was found.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember::data {

struct IdxArray {
  std::vector<int64_t> sizes;  // e.g. (60000, 28, 28)
  std::vector<uint8_t> data;   // row-major, numel(sizes) bytes
};

/// Reads an IDX file (gzipped or raw). `expected_dims`, if positive, is checked.
IdxArray read_idx(const std::string& path, int expected_dims = 0);
/// Writes uncompressed or (when path ends in .gz) gzipped IDX; used by tests and tools.
void write_idx(const std::string& path, const IdxArray& array);

}  // namespace ember::data
