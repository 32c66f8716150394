#include "sim/format_text.hpp"

#include <cmath>
#include <cstdio>

namespace qmac {

std::string hex_code(const num::Format& fmt, uint32_t code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", (fmt.bits() + 3) / 4, code);
  return buf;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace qmac
