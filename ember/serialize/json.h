// The little JSON that safetensors headers need: objects, arrays, strings, integers (and, for
// completeness, floats, true, false, null). A parser that reports the byte offset of an error,
// and string escaping for writers. Not a general JSON library.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ember::json {

struct Member;

struct Value {
  enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  bool is_integer = false;
  int64_t integer = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<Member> object;  // in file order (a vector of a type declared later: Value is incomplete here)

  const Value* find(const std::string& key) const;
};

struct Member {
  std::string key;
  Value value;
};

/// Parses `text`; throws std::runtime_error("... at byte N") on malformed input.
Value parse(const std::string& text);
/// `s` as a JSON string literal, quotes included.
std::string quote(const std::string& s);

}  // namespace ember::json
