// libFuzzer target: read_idx on any bytes, plain or gzipped (zlib reads both). It may refuse
// them only with ember::IOError, and memory must follow the bytes present, not the header's
// claimed sizes (-malloc_limit_mb in the smoke test catches a reader that trusts them).
#include <ember/ember.h>

#include "memory_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemoryFile file;
  try {
    (void)ember::data::read_idx(file.hold(data, size));
  } catch (const ember::IOError&) {
  }
  return 0;
}
