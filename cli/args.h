// A small command-line parser: each subcommand declares its options (name, value name, default,
// help), parse() reads "--name value" or "--name=value" and boolean "--flag", and anything
// unknown or malformed is a UsageError whose message says what was wrong and where to look.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ember::cli {

/// Bad command-line input: printed as one line, exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  Args(std::string command, std::string summary) : command_(std::move(command)), summary_(std::move(summary)) {}
  /// An option taking a value; `value_name` appears in help ("--epochs N").
  Args& option(const std::string& name, const std::string& value_name, const std::string& default_value,
               const std::string& help);
  /// A boolean flag, false unless given.
  Args& flag(const std::string& name, const std::string& help);
  /// Reads argv; positional arguments are kept in order. Returns false if --help was asked
  /// (help has then been printed).
  bool parse(const std::vector<std::string>& argv);

  std::string get(const std::string& name) const;
  bool has(const std::string& name) const;  // given on the command line (or a flag that is set)
  int64_t get_int(const std::string& name, int64_t min, int64_t max) const;
  double get_double(const std::string& name, double min, double max) const;
  std::vector<int64_t> get_int_list(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  /// Every declared option's name and value (given or default), in declaration order.
  std::vector<std::pair<std::string, std::string>> values() const;
  std::string help() const;

 private:
  struct Option {
    std::string value_name, default_value, help;
    bool is_flag;
  };
  [[noreturn]] void fail(const std::string& what) const;

  std::string command_, summary_;
  std::vector<std::string> order_;
  std::map<std::string, Option> options_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace ember::cli
