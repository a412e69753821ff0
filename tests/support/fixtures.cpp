#include "support/fixtures.h"

#include <fstream>
#include <sstream>

namespace ember::testing {

namespace {

ScalarType parse_dtype(const std::string& s) {
  if (s == "float32") return kFloat32;
  if (s == "float64") return kFloat64;
  if (s == "int64") return kInt64;
  if (s == "bool") return kBool;
  throw IOError("fixture: unknown dtype " + s);
}

// Reads "NDIM DIMS... VALUES..." into a tensor of dtype t.
Tensor read_tensor(std::istringstream& in, ScalarType t) {
  int64_t ndim;
  in >> ndim;
  Shape shape(ndim);
  for (auto& d : shape) in >> d;
  std::vector<double> values(numel(shape));
  for (auto& v : values) in >> v;
  if (!in) throw IOError("fixture: truncated tensor record");
  Tensor out = tensor(values, kFloat64).reshape(shape);
  return out.to(t);
}

}  // namespace

const std::map<std::string, FixtureCase>& fixture_cases() {
  static const std::map<std::string, FixtureCase> cases = [] {
    const std::string path = std::string(EMBER_FIXTURE_DIR) + "/ops.txt";
    std::ifstream file(path);
    if (!file) throw IOError("cannot open fixture file " + path + " (regenerate with tools/gen_fixtures.py)");
    std::map<std::string, FixtureCase> out;
    FixtureCase current;
    std::string line;
    while (std::getline(file, line)) {
      std::istringstream in(line);
      std::string tag;
      in >> tag;
      if (tag == "case") {
        current = FixtureCase{};
        in >> current.name;
      } else if (tag == "input") {
        std::string dtype;
        int differentiable;
        in >> dtype >> differentiable;
        const ScalarType t = parse_dtype(dtype);
        current.inputs.push_back(read_tensor(in, is_floating_point(t) ? kFloat64 : t));
        current.differentiable.push_back(differentiable != 0);
      } else if (tag == "output") {
        std::string dtype;
        in >> dtype;
        current.output = read_tensor(in, parse_dtype(dtype));
      } else if (tag == "cotangent") {
        current.cotangent = read_tensor(in, kFloat64);
      } else if (tag == "grad") {
        size_t index;
        in >> index;
        current.grads[index] = read_tensor(in, kFloat64);
      } else if (tag == "end") {
        out[current.name] = current;
      }
    }
    return out;
  }();
  return cases;
}

}  // namespace ember::testing
