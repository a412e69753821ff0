// libFuzzer target: a model file as `ember eval` and `ember predict` open it (safetensors, then
// the model spec in its metadata, then the weights). Refusals must be ember::Error (IOError for
// a corrupt file, ValueError for a spec the models reject); nothing may allocate what the
// metadata claims before the file is shown to hold it.
#include "memory_file.h"
#include "model_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemoryFile file;
  try {
    (void)ember::cli::load_model_file(file.hold(data, size));
  } catch (const ember::Error&) {
  }
  return 0;
}
