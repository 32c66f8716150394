// Fuzz target: a config file (YAML) through the whole config reader, the way
// `qmac validate FILE` reads it (positions, types, ranges, combinations, the
// gate library and technology it names).
#include "fuzz_common.hpp"
#include "sim/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  qmac::fuzz::expect_clean([&] {
    const qmac::config::Config c = qmac::config::load_string(text, "fuzz.yaml");
    // What is accepted must print and load back to the same config.
    if (qmac::config::load_string(qmac::config::to_yaml(c), "printed.yaml") != c) std::abort();
  });
  return 0;
}
