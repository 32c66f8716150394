// The widths and constants of a MAC's RTL, derived once from its num::MacSpec
// (models/rtl internals; the same quantities models/cost prices).
#pragma once

#include <string>

#include "models/numerics/accumulator.hpp"

namespace qmac::rtl::detail {

// One operand as the datapath sees it: a sign, a magnitude significand of `q`
// bits and (floats) an effective biased exponent, value = sig * 2^(exp + lsb0).
struct OperandView {
  std::string name;       // "a" or "b"
  bool is_float = false;
  int bits = 0;           // code width
  int q = 0;              // significand (float: with hidden bit) or integer magnitude bits
  int e = 0, m = 0, bias = 0;
  num::NonFinite nf = num::NonFinite::ieee;
  bool is_signed = true;  // integers
  int lsb0 = 0;           // float: -(bias + m); integer: 0
};
OperandView operand_view(const num::Format& f, const std::string& name);

struct FloatView {        // a float accumulator format
  int e = 0, m = 0, bias = 0, p = 0, bits = 0, emin = 0;
  num::NonFinite nf = num::NonFinite::ieee;
  bool has_inf = false, has_negzero = false;
  unsigned long long max_mag = 0;   // code of the largest finite magnitude (sign bit clear)
  unsigned long long inf_mag = 0;   // code of +inf (has_inf only)
  unsigned long long nan_code = 0;  // the canonical NaN num::code_of gives
};
FloatView float_view(const num::Format& f);

}  // namespace qmac::rtl::detail
