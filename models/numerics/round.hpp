// Rounding of a double (or an exact double-double sum hi + lo) to a FloatFormat.
// Header-only and inline: it sits on the hot path of every floating accumulator.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "models/numerics/format.hpp"

namespace qmac::num {

enum class Rounding { rne, rtz, stochastic };
// saturate: a finite value beyond the largest finite clips to +-max (and +-inf
// inputs too); nonsat: it becomes +-inf where the format has infinities, NaN
// otherwise (OCP OFP8 rev 1.0, section 4.5).
enum class Overflow { saturate, nonsat };

namespace detail {
inline uint64_t bits_of(double x) {
  uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}
inline double double_of(uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}
constexpr uint64_t kSignBit = uint64_t{1} << 63;
constexpr uint64_t kFracMask = (uint64_t{1} << 52) - 1;
constexpr int kDoubleBias = 1023;
}  // namespace detail

// What rounding needs of a FloatFormat, precomputed once (max_finite() costs
// an ldexp; the accumulators round on every MAC).
struct FloatLimits {
  int emin = 0;
  int man_bits = 0;
  double max_finite = 0;
  bool has_inf = false;
  bool has_negative_zero = false;
  FloatLimits() = default;
  FloatLimits(const FloatFormat& f)  // NOLINT: implicit on purpose, callers pass a FloatFormat
      : emin(f.emin()), man_bits(f.man_bits), max_finite(f.max_finite()), has_inf(f.has_inf()),
        has_negative_zero(f.has_negative_zero()) {}
};

// Error-free transformation (Knuth's TwoSum): s + e == a + b exactly, s = fl(a + b).
inline void two_sum(double a, double b, double& s, double& e) {
  s = a + b;
  const double bb = s - a;
  e = (a - (s - bb)) + (b - bb);
}

// Rounds hi + lo (an exact, unevaluated sum with |lo| <= ulp(hi)/2, as two_sum
// produces; lo = 0 for a plain value) to the precision and subnormal grid of f,
// with an unbounded exponent range above (round_to_format applies the overflow
// rule). Non-finite hi passes through. `random_bits` is only read for
// stochastic rounding: 64 uniformly random bits.
// The rounding works on the bit pattern of the double: clearing the low `shift`
// bits of the 52-bit fraction leaves a multiple of the target quantum, and adding
// one quantum carries into the exponent field on its own when the significand
// overflows (2^E * 1.11..1 + q = 2^(E+1)). Every target format has an exponent
// range well inside double's normal range, so the result is always a normal
// double or zero.
inline double round_to_precision(double hi, double lo, const FloatLimits& f, Rounding mode, uint64_t random_bits = 0) {
  if (!std::isfinite(hi) || hi == 0.0) return hi;
  const uint64_t b = detail::bits_of(hi);
  const uint64_t sign = b & detail::kSignBit;
  const uint64_t mag = b & ~detail::kSignBit;
  // lo measured in the direction of |hi|: > 0 means the exact magnitude is larger.
  const double lo_rel = sign ? -lo : lo;
  const int biased = int(mag >> 52);
  const int E = biased == 0 ? std::ilogb(hi) : biased - detail::kDoubleBias;
  const int emin = f.emin;
  // Number of low bits of a 53-bit significand below the target quantum.
  const int shift = 52 - f.man_bits + (E < emin ? emin - E : 0);
  if (shift <= 0) return hi;  // already representable (cannot happen for man_bits <= 23)

  if (biased == 0 || shift > 52) {
    // |hi| < 2^emin * 2^-man_bits... i.e. below one target quantum q = 2^(emin-man_bits),
    // or hi is a double subnormal. The candidates are 0 and q.
    const double q = std::ldexp(1.0, emin - f.man_bits);
    const double a = std::fabs(hi);
    bool up = false;
    switch (mode) {
      case Rounding::rne:
        // Ties (a == q/2) go to the even candidate, 0, unless lo says the exact value is above.
        up = a > q / 2 || (a == q / 2 && lo_rel > 0);
        break;
      case Rounding::rtz: up = false; break;
      case Rounding::stochastic:
        up = std::ldexp(double(random_bits >> 11), -53) < a / q;
        break;
    }
    return std::copysign(up ? q : 0.0, hi);
  }

  const uint64_t low_mask = (uint64_t{1} << shift) - 1;
  const uint64_t rem = mag & low_mask;
  const uint64_t half = uint64_t{1} << (shift - 1);
  uint64_t kept = mag & ~low_mask;
  switch (mode) {
    case Rounding::rne: {
      // The quantum's bit is in the fraction field, or (shift == 52) it is the
      // implicit leading 1 of a normal double: odd for a subnormal result (one
      // quantum), while a format without mantissa bits steps its code by one
      // per binade, so there the kept value's code is even when its biased
      // exponent E + bias = E - emin + 1 is.
      const bool odd = shift == 52 ? (f.man_bits != 0 || E < emin || ((E - emin + 1) & 1))
                                   : ((kept >> shift) & 1) != 0;
      if (rem > half || (rem == half && (lo_rel > 0 || (lo_rel == 0 && odd)))) kept += uint64_t{1} << shift;
      break;
    }
    case Rounding::rtz:
      if (rem == 0 && lo_rel < 0) {
        // hi is representable but the exact value is a hair smaller in magnitude:
        // truncation gives the next representable value below. At the bottom of a
        // binade above emin, the binade below has half the quantum. The
        // subtraction is exact (both are multiples of the smaller quantum).
        const bool binade_bottom = (mag & detail::kFracMask) == 0;
        const double q = std::ldexp(1.0, (E > emin ? E : emin) - f.man_bits);
        const double below = std::fabs(hi) - ((binade_bottom && E > emin) ? q / 2 : q);
        return std::copysign(below, hi);
      }
      break;
    case Rounding::stochastic:
      // Round up with probability rem / 2^shift (lo, below double precision, is ignored).
      if ((random_bits >> (64 - shift)) < rem) kept += uint64_t{1} << shift;
      break;
  }
  return detail::double_of(sign | kept);
}

// round_to_precision followed by the overflow rule of f. Sets *overflowed when a
// finite input became non-finite or saturated. The result is a value of f
// (NaN/inf as doubles).
inline double round_to_format(double hi, double lo, const FloatLimits& f, Rounding mode, Overflow overflow,
                       bool* overflowed, uint64_t random_bits = 0) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (overflowed) *overflowed = false;
  if (std::isnan(hi)) return nan;
  const double maxv = f.max_finite;
  auto overflow_result = [&](double signed_like) {
    if (overflowed) *overflowed = true;
    if (overflow == Overflow::saturate) return std::copysign(maxv, signed_like);
    return f.has_inf ? std::copysign(std::numeric_limits<double>::infinity(), signed_like) : nan;
  };
  if (std::isinf(hi)) {
    if (overflow == Overflow::saturate) return std::copysign(maxv, hi);
    return f.has_inf ? hi : nan;
  }
  double r = round_to_precision(hi, lo, f, mode, random_bits);
  if (std::fabs(r) > maxv) {
    // IEEE 754-2019 7.4: under round-toward-zero an overflow delivers the largest finite.
    if (mode == Rounding::rtz) {
      if (overflowed) *overflowed = true;
      return std::copysign(maxv, hi);
    }
    return overflow_result(hi);
  }
  if (r == 0.0 && !f.has_negative_zero) r = 0.0;
  return r;
}

}  // namespace qmac::num
