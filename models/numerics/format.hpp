// Number formats as data (after LLVM's fltSemantics): one small struct describes a
// format, and every algorithm (encode, decode, round, accumulate) is written once
// over it. The FP8 family is a handful of values, not a class per format.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/numerics/errors.hpp"

namespace qmac::num {

// How the all-ones exponent / sign-only pattern is used.
//   ieee: all-ones exponent is reserved: mantissa 0 = +-inf, otherwise NaN (E5M2, E3M4, FP16, BF16, FP32).
//   fn:   no infinities; only S.1...1.1...1 is NaN, the rest of the all-ones
//         exponent is finite (OCP E4M3, "float8_e4m3fn").
//   fnuz: no infinities, no negative zero; the single NaN is the code 1000...0
//         (float8_e4m3fnuz / e5m2fnuz, and the Qualcomm paper's FP8 convention).
enum class NonFinite { ieee, fn, fnuz };

struct FloatFormat {
  int exp_bits = 0;   // 1..8
  int man_bits = 0;   // explicit fraction bits, 0..23
  int bias = 0;
  NonFinite nonfinite = NonFinite::ieee;

  int bits() const { return 1 + exp_bits + man_bits; }
  int precision() const { return man_bits + 1; }         // significand bits incl. hidden bit
  int emin() const { return 1 - bias; }                  // exponent of the smallest normal
  int emax() const;                                      // exponent of the largest finite
  double max_finite() const;
  double min_normal() const;
  double min_subnormal() const;
  bool has_inf() const { return nonfinite == NonFinite::ieee; }
  bool has_negative_zero() const { return nonfinite != NonFinite::fnuz; }
  bool operator==(const FloatFormat& o) const {
    return exp_bits == o.exp_bits && man_bits == o.man_bits && bias == o.bias && nonfinite == o.nonfinite;
  }
};

struct IntFormat {
  int bits = 8;         // 2..32
  bool is_signed = true;

  int64_t min_value() const { return is_signed ? -(int64_t{1} << (bits - 1)) : 0; }
  int64_t max_value() const {
    return is_signed ? (int64_t{1} << (bits - 1)) - 1 : (int64_t{1} << bits) - 1;
  }
  bool operator==(const IntFormat& o) const { return bits == o.bits && is_signed == o.is_signed; }
};

// A format of either kind, with the canonical name it was parsed from.
struct Format {
  enum class Kind { integer, floating };
  Kind kind = Kind::integer;
  IntFormat i;
  FloatFormat f;
  std::string name;

  bool is_float() const { return kind == Kind::floating; }
  bool is_int() const { return kind == Kind::integer; }
  int bits() const { return is_float() ? f.bits() : i.bits; }
  uint32_t code_mask() const { return bits() == 32 ? 0xffffffffu : ((1u << bits()) - 1u); }
  double max_finite() const { return is_float() ? f.max_finite() : double(i.max_value()); }
  // Smallest magnitude step anywhere in the format (min subnormal, or 1 for integers).
  double min_positive() const { return is_float() ? f.min_subnormal() : 1.0; }
  // Exponent of the least significant bit any value can have (0 for integers).
  int lsb_exponent() const { return is_float() ? f.emin() - f.man_bits : 0; }
  bool operator==(const Format& o) const {
    return kind == o.kind && (is_float() ? f == o.f : i == o.i);
  }
  bool operator!=(const Format& o) const { return !(*this == o); }
};

// Parses every name of cli-contract.md: int4 int8 int16 uint8 (and intN/uintN, N 2..32),
// the named floats under their short and framework names, and generic
// eXmY[_bN][_ieee|_fn|_fnuz]. Throws FormatError listing the valid forms.
Format parse_format(std::string_view name);

struct NamedFormat {
  std::string short_name;
  std::string framework_name;  // ml_dtypes / ONNX name, empty if none
  Format format;
};
// The named presets, in display order (used by `qmac formats`).
const std::vector<NamedFormat>& named_formats();

// Human description of the non-finite convention.
std::string_view nonfinite_name(NonFinite nf);

// Text listing the accepted format names, for error messages.
std::string format_name_help();

}  // namespace qmac::num
