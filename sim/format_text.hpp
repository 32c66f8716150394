// Text forms of codes and values shared by every command and report.
#pragma once

#include <cstdint>
#include <string>

#include "models/numerics/format.hpp"

namespace qmac {

// 0x-prefixed lowercase hex, zero-padded to the format's width (0x7e, 0x3c00).
std::string hex_code(const num::Format& fmt, uint32_t code);
// %.17g, with nan / inf / -inf spelled the same on every platform.
std::string format_value(double v);

}  // namespace qmac
