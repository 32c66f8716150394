// Fuzz target: `--set KEY=VALUE` overrides (one per input line) on the built-in
// default, as `qmac validate --set ... --set ...` applies them.
#include <sstream>
#include <vector>

#include "fuzz_common.hpp"
#include "sim/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> sets;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line) && sets.size() < 8;) sets.push_back(line);
  qmac::fuzz::expect_clean([&] { qmac::config::load_default(sets); });
  return 0;
}
