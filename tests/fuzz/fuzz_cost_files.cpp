// Fuzz target: gate-library and technology YAML files, as `cost.gate_library:
// FILE` and `cost.technology: FILE` load them.
#include "fuzz_common.hpp"
#include "sim/cost_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const qmac::fuzz::MemFile file(data, size);
  // (the loaders take a path when it contains a '/')
  qmac::fuzz::expect_clean([&] { qmac::load_gate_library(file.path()); });
  qmac::fuzz::expect_clean([&] { qmac::load_technology(file.path()); });
  return 0;
}
