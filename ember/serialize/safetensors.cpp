#include "ember/serialize/safetensors.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "ember/core/atomic_file.h"
#include "ember/serialize/json.h"

namespace ember {

namespace {

const char* dtype_code(ScalarType t) {
  switch (t) {
    case kFloat32: return "F32";
    case kFloat64: return "F64";
    case kInt64: return "I64";
    case kInt32: return "I32";
    case kUInt8: return "U8";
    case kBool: return "BOOL";
    case kBFloat16: return "BF16";
    case kHalf: return "F16";
  }
  return "?";
}

bool parse_dtype_code(const std::string& code, ScalarType& out) {
  for (ScalarType t : {kFloat32, kFloat64, kBFloat16, kHalf, kInt64, kInt32, kUInt8, kBool})
    if (code == dtype_code(t)) {
      out = t;
      return true;
    }
  return false;
}

constexpr size_t kMaxDims = 64;                         // as PyTorch's tensors
constexpr uint64_t kMaxTensorBytes = uint64_t{1} << 62;  // beyond any file

[[noreturn]] void corrupt(const std::string& path, const std::string& what) {
  throw IOError(path + ": not a valid safetensors file: " + what);
}

}  // namespace

void save_safetensors(const std::string& path, const NamedTensors& tensors, const Metadata& metadata) {
  // Header first: names, dtypes, shapes, offsets.
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [k, v] : metadata) {
      header += (first ? "" : ",") + json::quote(k) + ":" + json::quote(v);
      first = false;
    }
    header += "}";
  }
  std::set<std::string> names;
  std::vector<Tensor> contiguous;
  size_t offset = 0;
  for (const auto& [name, t] : tensors) {
    EMBER_CHECK(t.defined(), ValueError, "[save] tensor '", name, "' is undefined");
    EMBER_CHECK(names.insert(name).second, ValueError, "[save] tensor name '", name, "' appears twice");
    EMBER_CHECK(name != "__metadata__", ValueError, "[save] '__metadata__' is reserved");
    const Tensor c = t.detach().contiguous();
    const size_t bytes = static_cast<size_t>(c.numel() * c.element_size());
    header += std::string(header.size() > 1 ? "," : "") + json::quote(name) + ":{\"dtype\":\"" + dtype_code(c.dtype()) +
              "\",\"shape\":[";
    for (int64_t d = 0; d < c.dim(); ++d) header += (d ? "," : "") + std::to_string(c.size(d));
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + bytes) + "]}";
    offset += bytes;
    contiguous.push_back(c);
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');  // data starts 8-byte aligned

  AtomicFile out(path);
  uint64_t header_size = header.size();
  char size_bytes[8];
  for (int i = 0; i < 8; ++i) size_bytes[i] = static_cast<char>((header_size >> (8 * i)) & 0xFF);
  out.write(size_bytes, 8);
  out.write(header);
  for (const Tensor& c : contiguous) out.write(c.data_ptr(), static_cast<size_t>(c.numel() * c.element_size()));
  out.commit();
}

SafetensorsFile load_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw IOError(path + ": cannot open file (does it exist, and can it be read?)");
  const auto file_size = static_cast<uint64_t>(in.tellg());
  in.seekg(0);
  if (file_size < 8) corrupt(path, "it is " + std::to_string(file_size) + " bytes long, shorter than the 8-byte header length");
  unsigned char size_bytes[8];
  in.read(reinterpret_cast<char*>(size_bytes), 8);
  uint64_t header_size = 0;
  for (int i = 0; i < 8; ++i) header_size |= uint64_t{size_bytes[i]} << (8 * i);
  if (header_size > file_size - 8)
    corrupt(path, "the header claims " + std::to_string(header_size) + " bytes but only " + std::to_string(file_size - 8) +
                      " follow (the file is truncated or not safetensors)");
  std::string header(header_size, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  json::Value root;
  try {
    root = json::parse(header);
  } catch (const std::exception& e) {
    corrupt(path, std::string("its JSON header is malformed: ") + e.what());
  }
  if (root.kind != json::Value::Kind::Object) corrupt(path, "the header is not a JSON object");
  const uint64_t data_size = file_size - 8 - header_size;

  // First every entry is checked on its own and against the data's length, then the layout as
  // a whole (no duplicates, no overlaps, no holes, as the format requires); only then is memory
  // allocated, and never more than the file holds.
  struct Entry {
    std::string name;
    ScalarType dtype;
    Shape sizes;
    uint64_t begin, end;
  };
  SafetensorsFile out;
  std::vector<Entry> entries;
  std::set<std::string> names;
  for (const auto& [name, entry] : root.object) {
    if (!names.insert(name).second) corrupt(path, "'" + name + "' appears twice in the header");
    if (name == "__metadata__") {
      for (const auto& [k, v] : entry.object) {
        if (v.kind != json::Value::Kind::String) corrupt(path, "metadata value '" + k + "' is not a string");
        out.metadata[k] = v.string;
      }
      continue;
    }
    const json::Value* dtype = entry.find("dtype");
    const json::Value* shape = entry.find("shape");
    const json::Value* offsets = entry.find("data_offsets");
    if (!dtype || !shape || !offsets) corrupt(path, "tensor '" + name + "' lacks dtype, shape or data_offsets");
    ScalarType t;
    if (dtype->kind != json::Value::Kind::String || !parse_dtype_code(dtype->string, t))
      corrupt(path, "tensor '" + name + "' has dtype '" + dtype->string + "', which ember does not support (F32, F64, BF16, F16, I64, I32, U8, BOOL)");
    if (shape->array.size() > kMaxDims)
      corrupt(path, "tensor '" + name + "' has " + std::to_string(shape->array.size()) + " dims; at most " +
                        std::to_string(kMaxDims) + " are supported");
    Shape sizes;
    uint64_t expected = element_size(t);
    for (const json::Value& d : shape->array) {
      if (!d.is_integer || d.integer < 0) corrupt(path, "tensor '" + name + "' has an invalid shape");
      sizes.push_back(d.integer);
      if (__builtin_mul_overflow(expected, static_cast<uint64_t>(d.integer), &expected) || expected > kMaxTensorBytes)
        corrupt(path, "tensor '" + name + "' has a shape too large for any file: " + shape_str(sizes) +
                          (sizes.size() < shape->array.size() ? " and more dims" : ""));
    }
    if (offsets->array.size() != 2 || !offsets->array[0].is_integer || !offsets->array[1].is_integer)
      corrupt(path, "tensor '" + name + "' has invalid data_offsets");
    const auto begin = static_cast<uint64_t>(offsets->array[0].integer), end = static_cast<uint64_t>(offsets->array[1].integer);
    if (end < begin || end - begin != expected)
      corrupt(path, "tensor '" + name + "' of shape " + shape_str(sizes) + " needs " + std::to_string(expected) +
                        " bytes but its offsets span " + std::to_string(end - begin));
    if (end > data_size)
      corrupt(path, "tensor '" + name + "' ends at byte " + std::to_string(end) + " of the data, which is only " +
                        std::to_string(data_size) + " bytes (the file is truncated)");
    entries.push_back({name, t, sizes, begin, end});
  }
  std::vector<const Entry*> by_offset;
  for (const Entry& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](const Entry* a, const Entry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t covered = 0;
  for (size_t i = 0; i < by_offset.size(); ++i) {
    const Entry& e = *by_offset[i];
    if (e.begin < covered)
      corrupt(path, "tensors '" + by_offset[i - 1]->name + "' and '" + e.name + "' overlap (bytes " +
                        std::to_string(e.begin) + " to " + std::to_string(covered) + " of the data)");
    if (e.begin > covered)
      corrupt(path, "bytes " + std::to_string(covered) + " to " + std::to_string(e.begin) +
                        " of the data belong to no tensor (the format allows no holes)");
    covered = e.end;
  }
  if (covered != data_size)
    corrupt(path, "bytes " + std::to_string(covered) + " to " + std::to_string(data_size) +
                      " of the data belong to no tensor (the format allows no holes)");

  for (const Entry& e : entries) {
    Tensor tensor = detail::alloc(e.sizes, e.dtype);
    in.seekg(static_cast<std::streamoff>(8 + header_size + e.begin));
    in.read(static_cast<char*>(tensor.data_ptr()), static_cast<std::streamsize>(e.end - e.begin));
    if (!in) corrupt(path, "could not read the data of tensor '" + e.name + "'");
    out.tensors.emplace_back(e.name, tensor);
  }
  return out;
}

}  // namespace ember
