// Loads tests/reference/fixtures/ops.txt, written by tools/gen_fixtures.py from PyTorch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <ember/ember.h>

namespace ember::testing {

struct FixtureCase {
  std::string name;
  std::vector<Tensor> inputs;         // float inputs as float64 (exact), others as stored
  std::vector<bool> differentiable;   // per input
  Tensor output;                      // as PyTorch computed it, in float32 (or int64 / bool)
  Tensor cotangent;                   // float64; undefined for non-float outputs
  std::map<size_t, Tensor> grads;     // input index -> d sum(output * cotangent) / d input
};

/// Every case in the fixture file, by name. Throws IOError naming the file if it is unreadable.
const std::map<std::string, FixtureCase>& fixture_cases();

}  // namespace ember::testing
