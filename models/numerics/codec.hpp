// Encode (double -> code) and decode (code -> exact double) for every Format.
#pragma once

#include <cstdint>
#include <cstring>
#include <random>
#include <string_view>
#include <vector>

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

// decode() of every code of a format of at most 16 bits (index = code); empty
// for wider formats.
std::vector<double> decode_table(const Format& fmt);

// encode() for one format, rounding mode and overflow rule, fast: the format's
// constants are computed once and the rounding works on the double's bit
// pattern (no frexp/ldexp, no division):
//   |x| >= 2^emin: RNE by "add half-minus-one plus the kept LSB, shift" on the
//                  bits, a carry moving into the exponent field by itself; the
//                  code's magnitude is that result minus the difference of the
//                  double's and the format's exponent bias (codes of a float
//                  format are monotone in magnitude);
//   |x| <  2^emin: |x| * 2^(man_bits - emin) (exact) rounded to an integer is
//                  the subnormal code (2^man_bits is the smallest normal);
//   integers:      clip, then round to an integer by adding and subtracting
//                  1.5 * 2^52 (RNE in the default rounding mode).
// It returns exactly encode(fmt, x, mode, overflow) for every double x
// (tests/numerics/encoder_test.cpp: every code, every midpoint and its
// neighbours, specials and random doubles, for every 8-bit format, FP16, BF16,
// FP32 and integers). Stochastic rounding, formats without mantissa bits and
// exponent ranges near double's own take encode() itself.
class Encoder {
 public:
  Encoder(const Format& fmt, Rounding mode, Overflow overflow);
  uint32_t operator()(double x) const {
    switch (c_.path) {
      case Path::floating: return floating(c_, x);
      case Path::integer:
        if (x == x) return integer(c_, x);
        break;  // NaN: encode() throws
      case Path::generic: break;
    }
    return encode(fmt_, x, mode_, overflow_);
  }
  // out[i] = (*this)(x[i] / divisor) for i < n; and with one divisor per
  // element. Bulk, so the format's constants stay in registers.
  void encode_divided(const double* x, double divisor, uint32_t* out, size_t n) const;
  void encode_divided(const double* x, const double* divisors, uint32_t* out, size_t n) const;

 private:
  enum class Path { floating, integer, generic };
  static constexpr uint64_t kInfBits = uint64_t{0x7ff} << 52;
  struct Consts {  // plain data: copied into the bulk loops
    Path path = Path::generic;
    bool rne = true;
    int bits = 0;
    int shift = 0;                   // 52 - man_bits
    uint64_t half = 0;               // 2^(shift - 1)
    uint64_t normal_min_bits = 0;    // bit pattern of 2^emin
    uint64_t exp_offset = 0;         // (1023 - bias) << man_bits
    double sub_scale = 0;            // 2^(man_bits - emin)
    uint64_t max_mag = 0;            // code magnitude of the largest finite
    uint32_t inf_code[2] = {}, over_code[2] = {}, zero_code[2] = {}, nan_code = 0;
    double lo = 0, hi = 0;           // integers: range
    uint64_t mask = 0;
  };
  static uint32_t floating(const Consts& c, double x) {
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const uint64_t sign = bits >> 63;
    const uint64_t mag = bits & ~(uint64_t{1} << 63);
    if (mag >= kInfBits) return mag == kInfBits ? c.inf_code[sign] : c.nan_code;
    uint64_t r;
    if (mag >= c.normal_min_bits) {
      const uint64_t add = c.rne ? c.half - 1 + ((mag >> c.shift) & 1) : 0;
      r = ((mag + add) >> c.shift) - c.exp_offset;
    } else {
      double q;
      std::memcpy(&q, &mag, sizeof q);
      q *= c.sub_scale;  // < 2^man_bits, exact
      r = c.rne ? uint64_t((q + 0x1p52) - 0x1p52) : uint64_t(q);
    }
    if (r > c.max_mag) return c.over_code[sign];
    if (r == 0) return c.zero_code[sign];
    return uint32_t(sign << (c.bits - 1)) | uint32_t(r);
  }
  static uint32_t integer(const Consts& c, double x) {  // x not NaN
    const double v = x < c.lo ? c.lo : x > c.hi ? c.hi : x;  // integer bounds: clipping first is exact
    const double r = c.rne ? (v + 0x1.8p52) - 0x1.8p52 : double(int64_t(v));
    return uint32_t(uint64_t(int64_t(r)) & c.mask);
  }
  template <class DivisorAt>
  void encode_loop(const double* x, DivisorAt divisor, uint32_t* out, size_t n) const;
  Format fmt_;
  Rounding mode_;
  Overflow overflow_;
  Consts c_;
};

}  // namespace qmac::num
