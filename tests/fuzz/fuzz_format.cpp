// Fuzz target: a format name (the first line) and values to convert with it
// (the rest, one per line), as `qmac convert --format NAME VALUE...` does,
// plus a decode of every code of formats up to 16 bits.
#include <cmath>
#include <sstream>

#include "fuzz_common.hpp"
#include "models/numerics/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::string name;
  std::getline(in, name);
  qmac::fuzz::expect_clean([&] {
    const qmac::num::Format f = qmac::num::parse_format(name);
    if (f.bits() <= 16)
      for (uint32_t c = 0; c <= f.code_mask(); ++c) {
        const double v = qmac::num::decode(f, c);
        // Every finite value encodes back to a code of the same value.
        if (std::isfinite(v) && qmac::num::decode(f, qmac::num::encode(f, v)) != v) std::abort();
      }
    for (std::string line; std::getline(in, line);) {
      char* end = nullptr;
      const double x = std::strtod(line.c_str(), &end);
      for (auto mode : {qmac::num::Rounding::rne, qmac::num::Rounding::rtz})
        for (auto ov : {qmac::num::Overflow::saturate, qmac::num::Overflow::nonsat})
          qmac::fuzz::expect_clean([&] {
            const uint32_t c = qmac::num::encode(f, x, mode, ov);
            if ((c & ~f.code_mask()) != 0) std::abort();
          });
    }
  });
  return 0;
}
