#include "models/numerics/codec.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace qmac::num {

Rounding parse_rounding(std::string_view s) {
  if (s == "rne") return Rounding::rne;
  if (s == "rtz") return Rounding::rtz;
  if (s == "stochastic") return Rounding::stochastic;
  throw FormatError("unknown rounding '" + std::string(s) + "'; expected rne, rtz or stochastic");
}

Overflow parse_overflow(std::string_view s) {
  if (s == "saturate") return Overflow::saturate;
  if (s == "nonsat") return Overflow::nonsat;
  throw FormatError("unknown overflow mode '" + std::string(s) + "'; expected saturate or nonsat");
}

std::string_view rounding_name(Rounding r) {
  switch (r) {
    case Rounding::rne: return "rne";
    case Rounding::rtz: return "rtz";
    case Rounding::stochastic: return "stochastic";
  }
  return "?";
}

std::string_view overflow_name(Overflow o) { return o == Overflow::saturate ? "saturate" : "nonsat"; }

bool is_nan_code(const Format& fmt, uint32_t code) {
  if (fmt.is_int()) return false;
  const FloatFormat& f = fmt.f;
  const uint32_t man_mask = (1u << f.man_bits) - 1;
  const uint32_t exp_all = (1u << f.exp_bits) - 1;
  const uint32_t e = (code >> f.man_bits) & exp_all;
  const uint32_t m = code & man_mask;
  switch (f.nonfinite) {
    case NonFinite::ieee: return e == exp_all && m != 0;
    case NonFinite::fn: return e == exp_all && m == man_mask;
    case NonFinite::fnuz: return code == (1u << (f.bits() - 1));
  }
  return false;
}

double decode(const Format& fmt, uint32_t code) {
  code &= fmt.code_mask();
  if (fmt.is_int()) {
    const IntFormat& i = fmt.i;
    if (i.is_signed && (code >> (i.bits - 1)) & 1) return double(int64_t(code) - (int64_t{1} << i.bits));
    return double(code);
  }
  const FloatFormat& f = fmt.f;
  if (is_nan_code(fmt, code)) return std::numeric_limits<double>::quiet_NaN();
  const bool negative = (code >> (f.bits() - 1)) & 1;
  const uint32_t exp_all = (1u << f.exp_bits) - 1;
  const uint32_t e = (code >> f.man_bits) & exp_all;
  const uint32_t m = code & ((1u << f.man_bits) - 1);
  double magnitude;
  if (f.nonfinite == NonFinite::ieee && e == exp_all) {
    magnitude = std::numeric_limits<double>::infinity();
  } else if (e == 0) {
    magnitude = std::ldexp(double(m), f.emin() - f.man_bits);
  } else {
    magnitude = std::ldexp(double((uint64_t{1} << f.man_bits) | m), int(e) - f.bias - f.man_bits);
  }
  return negative ? -magnitude : magnitude;
}

uint32_t code_of(const Format& fmt, double v) {
  if (fmt.is_int()) {
    const auto iv = static_cast<int64_t>(v);
    return static_cast<uint32_t>(uint64_t(iv) & fmt.code_mask());
  }
  const FloatFormat& f = fmt.f;
  const uint32_t sign_bit = 1u << (f.bits() - 1);
  const uint32_t exp_all = (1u << f.exp_bits) - 1;
  if (std::isnan(v)) {
    switch (f.nonfinite) {
      case NonFinite::ieee: return (exp_all << f.man_bits) | (1u << (f.man_bits - 1));
      case NonFinite::fn: return (exp_all << f.man_bits) | ((1u << f.man_bits) - 1);
      case NonFinite::fnuz: return sign_bit;
    }
  }
  const uint32_t sign = std::signbit(v) ? sign_bit : 0;
  if (std::isinf(v)) return sign | (exp_all << f.man_bits);  // only reached for ieee formats
  if (v == 0.0) return f.has_negative_zero() ? sign : 0;
  if (f.emin() - f.man_bits >= -1000 && f.emax() <= 1000) {
    // On the bit pattern (the accumulators' raw_bits call this per MAC): a
    // normal value's code is its double exponent rebiased over its top
    // man_bits fraction bits; a subnormal's is |v| / 2^(emin - man_bits).
    uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    b &= ~(uint64_t{1} << 63);
    if (b >= uint64_t(f.emin() + 1023) << 52)
      return sign | uint32_t((b >> (52 - f.man_bits)) - (uint64_t(1023 - f.bias) << f.man_bits));
    const uint64_t scale_bits = uint64_t(1023 + f.man_bits - f.emin()) << 52;
    double scale;
    std::memcpy(&scale, &scale_bits, sizeof scale);
    return sign | static_cast<uint32_t>(std::fabs(v) * scale);
  }
  int e2;
  const double frac = std::frexp(std::fabs(v), &e2);  // |v| = frac * 2^e2, frac in [0.5, 1)
  const int E = e2 - 1;                               // |v| = 1.xxx * 2^E
  if (E < f.emin()) {
    const auto m = static_cast<uint32_t>(std::ldexp(std::fabs(v), f.man_bits - f.emin()));
    return sign | m;
  }
  const auto m = static_cast<uint32_t>(std::ldexp(frac * 2.0 - 1.0, f.man_bits));
  return sign | (uint32_t(E + f.bias) << f.man_bits) | m;
}

uint32_t encode(const Format& fmt, double x, Rounding mode, Overflow overflow, std::mt19937_64* rng) {
  if (mode == Rounding::stochastic && rng == nullptr)
    throw FormatError("stochastic rounding needs a seeded random generator");
  const uint64_t random_bits = mode == Rounding::stochastic ? (*rng)() : 0;
  if (fmt.is_int()) {
    if (std::isnan(x)) throw FormatError("cannot encode NaN in integer format " + fmt.name);
    const IntFormat& i = fmt.i;
    double r = x;
    if (std::isinf(x)) {
      r = x;
    } else {
      const double fl = std::floor(x);
      const double diff = x - fl;  // exact: fl and x share a binade or fl == 0
      switch (mode) {
        case Rounding::rne: r = diff > 0.5 || (diff == 0.5 && std::fmod(fl, 2.0) != 0) ? fl + 1 : fl; break;
        case Rounding::rtz: r = std::trunc(x); break;
        case Rounding::stochastic:
          r = std::ldexp(double(random_bits >> 11), -53) < diff ? fl + 1 : fl;
          break;
      }
    }
    // Integers have no inf/NaN: out of range always clips.
    r = std::fmin(std::fmax(r, double(i.min_value())), double(i.max_value()));
    return code_of(fmt, r);
  }
  const double v = round_to_format(x, 0.0, fmt.f, mode, overflow, nullptr, random_bits);
  return code_of(fmt, v);
}

std::vector<double> decode_table(const Format& fmt) {
  if (fmt.bits() > 16) return {};
  std::vector<double> t(size_t{1} << fmt.bits());
  for (uint32_t c = 0; c < t.size(); ++c) t[c] = decode(fmt, c);
  return t;
}

Encoder::Encoder(const Format& fmt, Rounding mode, Overflow overflow) : fmt_(fmt), mode_(mode), overflow_(overflow) {
  if (mode == Rounding::stochastic) return;  // needs a generator: encode() itself
  Consts& c = c_;
  c.rne = mode == Rounding::rne;
  c.bits = fmt.bits();
  if (fmt.is_int()) {
    c.path = Path::integer;
    c.lo = double(fmt.i.min_value());
    c.hi = double(fmt.i.max_value());
    c.mask = fmt.code_mask();
    return;
  }
  const FloatFormat& f = fmt.f;
  // The bit tricks need a mantissa bit, and every value and rounding boundary
  // of the format (and 2^(man_bits - emin)) inside double's normal range.
  if (f.man_bits < 1 || f.man_bits > 23 || f.emin() - f.man_bits < -1000 || f.emax() > 1000) return;
  c.path = Path::floating;
  c.shift = 52 - f.man_bits;
  c.half = uint64_t{1} << (c.shift - 1);
  c.normal_min_bits = uint64_t(f.emin() + 1023) << 52;
  c.exp_offset = uint64_t(1023 - f.bias) << f.man_bits;
  c.sub_scale = std::ldexp(1.0, f.man_bits - f.emin());
  const uint32_t sign_bit = 1u << (c.bits - 1);
  c.max_mag = code_of(fmt, f.max_finite()) & ~sign_bit;
  c.nan_code = code_of(fmt, std::numeric_limits<double>::quiet_NaN());
  for (uint32_t s = 0; s < 2; ++s) {
    const uint32_t sb = s ? sign_bit : 0;
    const uint32_t max_code = sb | uint32_t(c.max_mag);
    const uint32_t inf = f.has_inf() ? code_of(fmt, s ? -HUGE_VAL : HUGE_VAL) : c.nan_code;
    // round_to_format: an infinite input saturates or stays infinite (NaN without
    // infinities) in every rounding mode; a finite overflow under RTZ is +-max.
    c.inf_code[s] = overflow == Overflow::saturate ? max_code : inf;
    c.over_code[s] = overflow == Overflow::saturate || mode == Rounding::rtz ? max_code : inf;
    c.zero_code[s] = f.has_negative_zero() ? sb : 0;
  }
}

template <class DivisorAt>
void Encoder::encode_loop(const double* x, DivisorAt divisor, uint32_t* out, size_t n) const {
  const Consts c = c_;
  switch (c.path) {
    case Path::floating:
      for (size_t i = 0; i < n; ++i) out[i] = floating(c, x[i] / divisor(i));
      return;
    case Path::integer:
      for (size_t i = 0; i < n; ++i) {
        const double v = x[i] / divisor(i);
        out[i] = v == v ? integer(c, v) : encode(fmt_, v, mode_, overflow_);
      }
      return;
    case Path::generic:
      for (size_t i = 0; i < n; ++i) out[i] = encode(fmt_, x[i] / divisor(i), mode_, overflow_);
      return;
  }
}

void Encoder::encode_divided(const double* x, double divisor, uint32_t* out, size_t n) const {
  encode_loop(x, [divisor](size_t) { return divisor; }, out, n);
}

void Encoder::encode_divided(const double* x, const double* divisors, uint32_t* out, size_t n) const {
  encode_loop(x, [divisors](size_t i) { return divisors[i]; }, out, n);
}

}  // namespace qmac::num
