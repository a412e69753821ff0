// libFuzzer target: the command-line parser. The input is split at NUL bytes into arguments,
// parsed against options of every kind the commands declare, and every value read back as the
// commands read it. Bad input may only raise cli::UsageError.
#include <iostream>
#include <sstream>

#include "args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) argv.emplace_back();
    else argv.back() += static_cast<char>(data[i]);
  }
  std::ostringstream sink;
  std::streambuf* out = std::cout.rdbuf(sink.rdbuf());  // --help prints; keep the fuzzer's output clean
  try {
    ember::cli::Args args("train", "fuzzed");
    args.option("epochs", "N", "10", "an integer")
        .option("lr", "RATE", "0.05", "a number")
        .option("hidden", "N[,N...]", "100", "a list")
        .option("model", "KIND", "mlp", "a word")
        .flag("verbose", "a flag");
    if (args.parse(argv)) {
      (void)args.get_int("epochs", 1, 100000);
      (void)args.get_double("lr", 0, 1e3);
      (void)args.get_int_list("hidden");
      (void)args.get("model");
      (void)args.has("verbose");
      (void)args.positional();
    }
  } catch (const ember::cli::UsageError&) {
  }
  std::cout.rdbuf(out);
  return 0;
}
