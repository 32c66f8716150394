// The float accumulator's RTL (models/rtl internals).
#pragma once

#include <string>

#include "models/rtl/rtl.hpp"
#include "models/rtl/verilog.hpp"

namespace qmac::rtl::detail {

// The sign-magnitude product as the multiplier group hands it on: wires
// p_sign, p_nan, p_inf, p_sig[q-1:0] and (when esw > 0) p_esum[esw-1:0]; the
// product is p_sig * 2^(p_esum + lsb0).
struct ProductBundle {
  int q = 0;          // significand product bits
  int esw = 0;        // exponent-sum bits (0: no float operand, the exponent is constant)
  int lsb0 = 0;       // constant part of the LSB exponent
  int esum_min = 0;   // smallest exponent sum of finite operands
  int esum_max = 0;   // largest exponent sum of finite operands
};

ProductBundle sign_magnitude_product(Writer& out, const num::MacSpec& s, std::string& top, bool for_fixed);
void register_bundle(Writer& out, const ProductBundle& p, int regs, const std::string& module, const char* group,
                     std::string& top, const std::string& in_suffix, const std::string& out_suffix);

// Products into a float accumulator (fused: one rounding of the exact sum;
// non-fused: the product rounded to the accumulator's format first).
void float_accumulator(Writer& out, const num::MacSpec& s, int stages, Design& d, std::string& top);

}  // namespace qmac::rtl::detail
