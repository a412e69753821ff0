#include "args.h"

#include <cmath>
#include <iostream>
#include <optional>
#include <sstream>
#include <type_traits>

namespace ember::cli {

Args& Args::option(const std::string& name, const std::string& value_name, const std::string& default_value,
                   const std::string& help) {
  order_.push_back(name);
  options_[name] = {value_name, default_value, help, false};
  return *this;
}

Args& Args::flag(const std::string& name, const std::string& help) {
  order_.push_back(name);
  options_[name] = {"", "", help, true};
  return *this;
}

void Args::fail(const std::string& what) const {
  throw UsageError(what + " (see 'ember " + command_ + " --help')");
}

bool Args::parse(const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << help();
      return false;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    const size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const auto it = options_.find(name);
    if (it == options_.end()) fail("unknown option '--" + name + "' for 'ember " + command_ + "'");
    if (it->second.is_flag) {
      if (inline_value) fail("option '--" + name + "' takes no value");
      values_[name] = "1";
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argv.size()) fail("option '--" + name + "' needs a value (" + it->second.value_name + ")");
      value = argv[++i];
    }
    values_[name] = value;
  }
  return true;
}

bool Args::has(const std::string& name) const { return values_.count(name) > 0; }

std::string Args::get(const std::string& name) const {
  const auto v = values_.find(name);
  if (v != values_.end()) return v->second;
  return options_.at(name).default_value;
}

std::vector<std::pair<std::string, std::string>> Args::values() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& name : order_) out.emplace_back(name, options_.at(name).is_flag ? (has(name) ? "on" : "off") : get(name));
  return out;
}

namespace {
// The whole of `text` as a T (an integer, or a finite number), or nullopt.
template <class T>
std::optional<T> parse_number(const std::string& text) {
  size_t used = 0;
  T value{};
  try {
    if constexpr (std::is_integral_v<T>) value = std::stoll(text, &used);
    else value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (text.empty() || used != text.size()) return std::nullopt;
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(value)) return std::nullopt;
  return value;
}
}  // namespace

int64_t Args::get_int(const std::string& name, int64_t min, int64_t max) const {
  const std::string text = get(name);
  const auto value = parse_number<int64_t>(text);
  if (!value) fail("--" + name + " expects an integer; got '" + text + "'");
  if (*value < min || *value > max)
    fail("--" + name + " must be between " + std::to_string(min) + " and " + std::to_string(max) + "; got " + text);
  return *value;
}

double Args::get_double(const std::string& name, double min, double max) const {
  const std::string text = get(name);
  const auto value = parse_number<double>(text);
  if (!value) fail("--" + name + " expects a number; got '" + text + "'");
  if (*value < min || *value > max) {
    std::ostringstream msg;
    msg << "--" << name << " must be between " << min << " and " << max << "; got " << text;
    fail(msg.str());
  }
  return *value;
}

std::vector<int64_t> Args::get_int_list(const std::string& name) const {
  std::vector<int64_t> out;
  std::stringstream in(get(name));
  for (std::string item; std::getline(in, item, ',');) {
    const auto value = parse_number<int64_t>(item);
    if (!value || *value <= 0)
      fail("--" + name + " expects positive integers separated by commas (e.g. 100,50); got '" + get(name) + "'");
    out.push_back(*value);
  }
  return out;
}

std::string Args::help() const {
  std::ostringstream out;
  out << "usage: ember " << command_ << " [options]\n\n" << summary_ << "\n\noptions:\n";
  for (const std::string& name : order_) {
    const Option& o = options_.at(name);
    std::string left = "  --" + name + (o.is_flag ? "" : " " + o.value_name);
    if (left.size() < 28) left.resize(28, ' ');
    else left += "  ";
    out << left << o.help;
    if (!o.is_flag && !o.default_value.empty()) out << " (default: " << o.default_value << ")";
    out << "\n";
  }
  out << "  --help" << std::string(22, ' ') << "show this help\n";
  return out.str();
}

}  // namespace ember::cli
