// The safetensors format (github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header {"name": {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}, ...,
// "__metadata__": {"key": "value"}}, then the raw little-endian data. PyTorch and most tools
// read and write it; ember writes PyTorch's parameter names, so weights move both ways.
// Files are written through AtomicFile (core/atomic_file.h), so a crash never leaves a
// half-written file under the real name.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ember/tensor/tensor.h"

namespace ember {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
using Metadata = std::map<std::string, std::string>;

struct SafetensorsFile {
  NamedTensors tensors;  // in file order
  Metadata metadata;
};

/// Writes tensors (any layout; stored contiguous) atomically. Throws IOError naming the path.
void save_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata = {});
/// Reads and validates a whole file; every error names the file and what is wrong.
SafetensorsFile load_safetensors(const std::string& path);

}  // namespace ember
