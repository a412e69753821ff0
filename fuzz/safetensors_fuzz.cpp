// libFuzzer target: load_safetensors on any bytes. It may refuse them only with ember::IOError;
// any other exception, a crash, a sanitizer report or an allocation beyond -malloc_limit_mb
// (the reader must not trust sizes the header claims) is a finding.
#include <ember/ember.h>

#include "memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemoryFile file;
  try {
    const ember::SafetensorsFile loaded = ember::load_safetensors(file.hold(data, size));
    for (const auto& [name, t] : loaded.tensors) (void)t.numel();
  } catch (const ember::IOError&) {
  }
  return 0;
}
