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
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    const uint64_t sign = bits >> 63;
    const uint64_t mag = bits & ~(uint64_t{1} << 63);
    switch (path_) {
      case Path::floating: {
        if (mag >= kInfBits) return mag == kInfBits ? inf_code_[sign] : nan_code_;
        uint64_t r;
        if (mag >= normal_min_bits_) {
          const uint64_t add = rne_ ? half_ - 1 + ((mag >> shift_) & 1) : 0;
          r = ((mag + add) >> shift_) - exp_offset_;
        } else {
          double q;
          std::memcpy(&q, &mag, sizeof q);
          q *= sub_scale_;  // < 2^man_bits, exact
          r = rne_ ? uint64_t((q + 0x1p52) - 0x1p52) : uint64_t(q);
        }
        if (r > max_mag_) return over_code_[sign];
        if (r == 0) return zero_code_[sign];
        return uint32_t(sign << (bits_ - 1)) | uint32_t(r);
      }
      case Path::integer: {
        if (x != x) break;  // NaN: encode() throws
        const double c = x < lo_ ? lo_ : x > hi_ ? hi_ : x;  // integer bounds: clipping first is exact
        const double r = rne_ ? (c + 0x1.8p52) - 0x1.8p52 : double(int64_t(c));
        return uint32_t(uint64_t(int64_t(r)) & mask_);
      }
      case Path::generic: break;
    }
    return encode(fmt_, x, mode_, overflow_);
  }

 private:
  enum class Path { floating, integer, generic };
  static constexpr uint64_t kInfBits = uint64_t{0x7ff} << 52;
  Format fmt_;
  Rounding mode_;
  Overflow overflow_;
  Path path_ = Path::generic;
  bool rne_ = true;
  int bits_ = 0;
  int shift_ = 0;                   // 52 - man_bits
  uint64_t half_ = 0;               // 2^(shift - 1)
  uint64_t normal_min_bits_ = 0;    // bit pattern of 2^emin
  uint64_t exp_offset_ = 0;         // (1023 - bias) << man_bits
  double sub_scale_ = 0;            // 2^(man_bits - emin)
  uint64_t max_mag_ = 0;            // code magnitude of the largest finite
  uint32_t inf_code_[2] = {}, over_code_[2] = {}, zero_code_[2] = {}, nan_code_ = 0;
  double lo_ = 0, hi_ = 0;          // integers: range
  uint64_t mask_ = 0;
};

}  // namespace qmac::num
