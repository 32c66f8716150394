// Encode (double -> code) and decode (code -> exact double) for every Format.
#pragma once

#include <cstdint>
#include <random>
#include <string_view>

#include "models/numerics/format.hpp"
#include "models/numerics/round.hpp"

namespace qmac::num {

Rounding parse_rounding(std::string_view s);  // "rne" | "rtz" | "stochastic"; FormatError otherwise
Overflow parse_overflow(std::string_view s);  // "saturate" | "nonsat"; FormatError otherwise
std::string_view rounding_name(Rounding r);
std::string_view overflow_name(Overflow o);

// Exact value of a code (NaN, +-inf as doubles; -0.0 for negative zero).
double decode(const Format& fmt, uint32_t code);

// The code of a value that is exactly representable in fmt (or NaN/inf where the
// format has them). Used after round_to_format. NaN maps to the canonical NaN.
uint32_t code_of(const Format& fmt, double representable);

// Quantise a double to a code. Integers round to an integer and always clip to
// their range (they have no inf/NaN; a NaN input throws FormatError).
// `rng` is required for Rounding::stochastic (FormatError without it).
uint32_t encode(const Format& fmt, double x, Rounding mode = Rounding::rne, Overflow overflow = Overflow::nonsat,
                std::mt19937_64* rng = nullptr);

// Value after quantisation: decode(encode(x)).
inline double quantize(const Format& fmt, double x, Rounding mode = Rounding::rne,
                       Overflow overflow = Overflow::nonsat, std::mt19937_64* rng = nullptr) {
  return decode(fmt, encode(fmt, x, mode, overflow, rng));
}

bool is_nan_code(const Format& fmt, uint32_t code);

}  // namespace qmac::num
