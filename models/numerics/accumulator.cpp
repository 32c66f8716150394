#include "models/numerics/accumulator.hpp"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace qmac::num {

std::string_view acc_kind_name(AccKind k) {
  switch (k) {
    case AccKind::integer: return "int";
    case AccKind::fixed: return "fixed";
    case AccKind::floating: return "float";
  }
  return "?";
}

std::string_view int_overflow_name(IntOverflow o) { return o == IntOverflow::wrap ? "wrap" : "saturate"; }

namespace {

// Largest magnitude of a finite value of the format.
double max_magnitude(const Format& f) {
  if (f.is_float()) return f.f.max_finite();
  return double(std::max(-f.i.min_value(), f.i.max_value()));
}

// Significant bits of the largest magnitude (integer: -2^(n-1) needs n bits).
int magnitude_precision(const Format& f) {
  if (f.is_float()) return f.f.precision();
  return f.i.is_signed ? f.i.bits : f.i.bits;
}

bool is_signed(const Format& f) { return f.is_float() || f.i.is_signed; }

__int128 pow2_128(int n) { return __int128{1} << n; }

std::string to_string_bits(int n) { return std::to_string(n) + (n == 1 ? " bit" : " bits"); }

}  // namespace

int ProductRange::register_width() const { return fixed_width() + (is_signed ? 0 : 1); }

int ProductRange::fixed_width() const {
  if (max_magnitude == 0) return 1;
  const int top = std::ilogb(max_magnitude);  // exponent of the highest set bit
  return (top - lsb_exponent + 1) + (is_signed ? 1 : 0);
}

ProductRange product_range(const Format& a, const Format& b) {
  ProductRange r;
  r.lsb_exponent = a.lsb_exponent() + b.lsb_exponent();
  r.max_magnitude = max_magnitude(a) * max_magnitude(b);
  r.is_signed = is_signed(a) || is_signed(b);
  r.precision = magnitude_precision(a) + magnitude_precision(b);
  return r;
}

std::string AccumulatorSpec::describe() const {
  switch (kind) {
    case AccKind::integer:
      return "int" + std::to_string(width) + " (" + std::string(int_overflow_name(int_overflow)) + ")";
    case AccKind::fixed:
      return "fixed" + std::to_string(width) + " (frac " + std::to_string(frac_bits) + ", " +
             std::string(int_overflow_name(int_overflow)) + ")";
    case AccKind::floating:
      return format.name + " (" + std::string(rounding_name(rounding)) + ", " +
             std::string(overflow_name(float_overflow)) + ")";
  }
  return "?";
}

AccumulatorSpec kulisch_for(const Format& a, const Format& b, int carry_bits) {
  const ProductRange r = product_range(a, b);
  AccumulatorSpec s;
  s.kind = AccKind::fixed;
  s.frac_bits = -r.lsb_exponent;
  s.width = r.register_width() + carry_bits;
  s.int_overflow = IntOverflow::wrap;
  return s;
}

void validate(const MacSpec& spec) {
  const ProductRange r = product_range(spec.a, spec.b);
  const std::string operands = spec.a.name + " x " + spec.b.name;
  const AccumulatorSpec& acc = spec.acc;
  auto exact_products = [&] {
    if (r.precision > 53)
      throw SpecError(SpecPart::operands, "products of " + operands + " have " + std::to_string(r.precision) +
                                              " significant bits; expected operands whose products have at most 53 "
                                              "(qmac models exact products in double)");
  };
  switch (acc.kind) {
    case AccKind::integer: {
      if (!spec.a.is_int() || !spec.b.is_int())
        throw SpecError(SpecPart::acc_kind, "an integer accumulator cannot add the products of " + operands +
                                                "; expected a float or fixed accumulator for floating-point operands");
      if (acc.width < 2 || acc.width > 64)
        throw SpecError(SpecPart::acc_width,
                        "integer accumulator width " + std::to_string(acc.width) + " is out of range; expected 2..64");
      // The one rule for integer registers: two's complement, wide enough for one
      // product (ProductRange::register_width: an unsigned product needs a sign bit above it).
      if (acc.width < r.register_width())
        throw SpecError(SpecPart::acc_width,
                        "an integer accumulator of " + to_string_bits(acc.width) + " is narrower than one product of " +
                            operands + (r.is_signed ? "" : " (two's complement: a sign bit above the unsigned product)") +
                            "; expected a width of at least " + std::to_string(r.register_width()));
      break;
    }
    case AccKind::fixed: {
      exact_products();
      if (acc.frac_bits < -r.lsb_exponent)
        throw SpecError(SpecPart::acc_frac_bits, std::to_string(acc.frac_bits) +
                                                     " fraction bits cannot hold the products of " + operands +
                                                     " exactly; expected at least " + std::to_string(-r.lsb_exponent));
      const int needed = r.register_width() + (acc.frac_bits + r.lsb_exponent);
      if (needed > 126)
        throw SpecError(SpecPart::acc_frac_bits, "a fixed accumulator for " + operands + " with " +
                                                     std::to_string(acc.frac_bits) + " fraction bits needs " +
                                                     to_string_bits(needed) +
                                                     " to hold one product; expected at most 126 (qmac's limit)");
      if (acc.width < 2 || acc.width > 126)
        throw SpecError(SpecPart::acc_width,
                        "fixed accumulator width " + std::to_string(acc.width) + " is out of range; expected 2..126");
      if (acc.width < needed)
        throw SpecError(SpecPart::acc_width,
                        "a fixed accumulator of " + to_string_bits(acc.width) + " is narrower than one product of " +
                            operands + "; expected a width of at least " + std::to_string(needed) +
                            " (the paper's sizing adds " + std::to_string(kPaperCarryBits) + " carry bits: " +
                            std::to_string(needed + kPaperCarryBits) + ")");
      break;
    }
    case AccKind::floating: {
      if (!acc.format.is_float())
        throw SpecError(SpecPart::acc_format, "a float accumulator needs a floating-point format, got '" +
                                                  acc.format.name + "'; expected e.g. fp16, bf16, fp32 or eXmY");
      if (acc.rounding == Rounding::stochastic)
        throw SpecError(SpecPart::acc_rounding,
                        "stochastic accumulation is not modelled; expected rounding rne or rtz");
      exact_products();
      break;
    }
  }
}

// ---------------------------------------------------------------- Accumulator

Accumulator::Accumulator(const AccumulatorSpec& spec) : spec_(spec) {
  if (spec.kind == AccKind::floating) {
    limits_ = FloatLimits(spec.format.f);
    fp32_ = spec.format.is_float() && spec.format.f == FloatFormat{8, 23, 127, NonFinite::ieee};
    fp32_native_add_ = fp32_ && spec.rounding == Rounding::rne && spec.float_overflow == Overflow::nonsat;
  } else {
    min_ = -pow2_128(spec.width - 1);
    max_ = pow2_128(spec.width - 1) - 1;
  }
}

double Accumulator::value(const AccValue& v) const {
  switch (spec_.kind) {
    case AccKind::integer: return double(v.i);
    case AccKind::fixed: return std::ldexp(double(v.i), -spec_.frac_bits);
    case AccKind::floating: return v.f;
  }
  return 0;
}

uint64_t Accumulator::raw_bits(const AccValue& v) const {
  if (spec_.kind == AccKind::floating) {
    if (fp32_) {  // a binary32 value (not NaN: NaN != NaN) is its own code
      const float f = float(v.f);
      if (double(f) == v.f) {
        uint32_t u;
        std::memcpy(&u, &f, sizeof u);
        return u;
      }
    }
    return code_of(spec_.format, v.f);
  }
  const uint64_t low = static_cast<uint64_t>(static_cast<unsigned __int128>(v.i));
  return spec_.width >= 64 ? low : low & ((uint64_t{1} << spec_.width) - 1);
}

void Accumulator::add_lsbs(AccValue& acc, __int128 lsbs, MacStats& stats) const {
  __int128 s = acc.i + lsbs;  // |acc|, |lsbs| < 2^125: no overflow of __int128
  if (s > max_ || s < min_) {
    ++stats.overflows;
    if (spec_.int_overflow == IntOverflow::saturate) {
      s = s > max_ ? max_ : min_;
    } else {
      // Keep the low `width` bits and sign-extend (two's complement wrap).
      const int drop = 128 - spec_.width;
      s = static_cast<__int128>(static_cast<unsigned __int128>(s) << drop) >> drop;
    }
  }
  acc.i = s;
}

void Accumulator::add_float(AccValue& acc, double x, MacStats& stats) const {
  if (fp32_native_add_) {
    const float a = float(acc.f), b = float(x);
    if (double(a) == acc.f && double(b) == x) {  // both binary32 values, neither NaN
      const float s = a + b;
      if (s == s) {  // a NaN result (inf - inf) takes the general path: its canonical NaN
        stats.overflows += std::isinf(s) && !std::isinf(a) && !std::isinf(b);
        acc.f = double(s);
        return;
      }
    }
  }
  double hi, lo;
  two_sum(acc.f, x, hi, lo);
  bool overflowed = false;
  acc.f = round_to_format(hi, lo, limits_, spec_.rounding, spec_.float_overflow, &overflowed);
  stats.overflows += overflowed;
}

double Accumulator::round_float(double x, MacStats& stats) const {
  bool overflowed = false;
  const double r = round_to_format(x, 0.0, limits_, spec_.rounding, spec_.float_overflow, &overflowed);
  stats.overflows += overflowed;
  return r;
}

void Accumulator::add_value(AccValue& acc, double x, MacStats& stats) const {
  if (spec_.kind == AccKind::floating) {
    add_float(acc, x, stats);
    return;
  }
  const double scaled = std::ldexp(x, spec_.frac_bits);
  if (!std::isfinite(scaled) || scaled != std::trunc(scaled) || std::fabs(scaled) >= std::ldexp(1.0, 125))
    throw std::logic_error("value is not a multiple of the accumulator's LSB: modelling bug");
  add_lsbs(acc, static_cast<__int128>(scaled), stats);
}

void Accumulator::add_same(AccValue& acc, const AccValue& other, MacStats& stats) const {
  if (spec_.kind == AccKind::floating)
    add_float(acc, other.f, stats);
  else
    add_lsbs(acc, other.i, stats);
}

// ------------------------------------------------------------------------ Mac

namespace {

bool is_fp32(const Format& f) {
  return f.is_float() && f.f == FloatFormat{8, 23, 127, NonFinite::ieee};
}

// Every product is exactly a float: few enough significant bits and inside
// float's exponent range (subnormals included).
bool products_fit_float(const ProductRange& r) {
  return r.precision <= 24 && r.lsb_exponent >= -149 && r.max_magnitude <= double(FLT_MAX);
}

}  // namespace

Mac::Mac(const MacSpec& spec) : spec_(spec), acc_((validate(spec), spec.acc)), range_(product_range(spec.a, spec.b)) {
  a_mask_ = spec.a.code_mask();
  b_mask_ = spec.b.code_mask();
  b_bits_ = spec.b.bits();
  a_values_ = decode_table(spec.a);
  b_values_ = decode_table(spec.b);
  values_ok_ = !a_values_.empty() && !b_values_.empty();
  const bool small = spec.a.bits() <= 8 && spec.b.bits() <= 8;
  switch (spec.acc.kind) {
    case AccKind::integer:
      path_ = small ? Path::int_table : Path::int_generic;
      break;
    case AccKind::fixed:
      path_ = small && range_.fixed_width() + (spec.acc.frac_bits + range_.lsb_exponent) <= 63 ? Path::fixed_table
                                                                                              : Path::fixed_generic;
      break;
    case AccKind::floating: {
      const AccumulatorSpec& a = spec.acc;
      path_ = is_fp32(a.format) && a.rounding == Rounding::rne && a.float_overflow == Overflow::nonsat &&
                      products_fit_float(range_)
                  ? Path::float32_native
                  : Path::float_generic;
      break;
    }
  }
  if (spec.acc.kind == AccKind::integer && spec.acc.width <= 62) {
    int64_ok_ = true;
    lo64_ = static_cast<int64_t>(acc_.min_lsbs());
    hi64_ = static_cast<int64_t>(acc_.max_lsbs());
  }
  if (spec.acc.kind == AccKind::floating) {
    const FloatFormat& f = spec.acc.format.f;
    // (round_fast's tie rule reads the double's exponent parity when the
    // format has no mantissa bits; those take the exact path.)
    float_fast_ = spec.fused && spec.acc.rounding == Rounding::rne && f.man_bits > 0;
    shift_ = 52 - f.man_bits;
    low_mask_ = (uint64_t{1} << shift_) - 1;
    half_ = uint64_t{1} << (shift_ - 1);
    min_biased_ = uint64_t(f.emin() + detail::kDoubleBias);
    max_biased_ = uint64_t(f.emax() + detail::kDoubleBias);
    maxv_ = f.max_finite();
  }
  if (spec.acc.kind == AccKind::fixed) {
    // A fixed-point register cannot hold NaN/inf: such operands add nothing and
    // are counted (MacStats::invalid), never silently absorbed.
    auto nonfinite = [](const Format& f) {
      std::vector<uint8_t> t;
      if (f.is_float() && f.bits() <= 16) {
        t.resize(size_t{1} << f.bits());
        for (uint32_t c = 0; c < t.size(); ++c) t[c] = !std::isfinite(decode(f, c));
      }
      return t;
    };
    a_nonfinite_ = nonfinite(spec.a);
    b_nonfinite_ = nonfinite(spec.b);
  }
  if (small) {
    const size_t na = size_t{1} << spec.a.bits(), nb = size_t{1} << spec.b.bits();
    if (path_ == Path::int_table || path_ == Path::fixed_table) {
      prod_i_.resize(na * nb);
      for (uint32_t x = 0; x < na; ++x)
        for (uint32_t y = 0; y < nb; ++y) prod_i_[(size_t(x) << b_bits_) | y] = int64_t(product_lsbs(x, y));
      if (path_ == Path::int_table && int64_ok_) {
        // Integer operands into an integer register: product in LSBs = a * b.
        for (uint32_t x = 0; x < na; ++x) a_ints_.push_back(int64_t(a_values_[x]));
        for (uint32_t y = 0; y < nb; ++y) b_ints_.push_back(int64_t(b_values_[y]));
      }
    } else {
      prod_f_.resize(na * nb);
      for (uint32_t x = 0; x < na; ++x)
        for (uint32_t y = 0; y < nb; ++y) prod_f_[(size_t(x) << b_bits_) | y] = product(x, y);
    }
  }
}

double Mac::product(uint32_t a, uint32_t b) const {
  a &= a_mask_;
  b &= b_mask_;
  const double va = a_values_.empty() ? decode(spec_.a, a) : a_values_[a];
  const double vb = b_values_.empty() ? decode(spec_.b, b) : b_values_[b];
  return va * vb;  // exact: validate() bounds the product's significant bits by 53
}

__int128 Mac::product_lsbs(uint32_t a, uint32_t b) const {
  const double p = product(a, b);
  if (spec_.acc.kind == AccKind::integer) return static_cast<__int128>(p);
  if (!std::isfinite(p)) return 0;  // counted as MacStats::invalid by dot()
  return static_cast<__int128>(std::ldexp(p, spec_.acc.frac_bits));
}

// Registers up to 62 bits accumulate in int64: products are narrower than the
// register (validate()), so the sum of two in-range values cannot overflow
// int64; the rare out-of-range sum takes Accumulator's exact wrap/saturate.
template <class ProductAt>
void Mac::accumulate_int64(AccValue& acc, size_t n, ProductAt product_at, MacStats& stats) const {
  const auto lo = static_cast<int64_t>(acc_.min_lsbs()), hi = static_cast<int64_t>(acc_.max_lsbs());
  auto v = static_cast<int64_t>(acc.i);
  for (size_t k = 0; k < n; ++k) {
    const int64_t p = product_at(k);
    const int64_t s = v + p;
    if (__builtin_expect(s < lo || s > hi, 0)) {
      AccValue t;
      t.i = v;
      acc_.add_lsbs(t, p, stats);
      v = static_cast<int64_t>(t.i);
    } else {
      v = s;
    }
  }
  acc.i = v;
}


void Mac::dot(AccValue& acc, const uint32_t* a, size_t sa, const uint32_t* b, size_t sb, size_t n,
              MacStats& stats) const {
  auto index = [&](size_t k) { return (size_t(a[k * sa] & a_mask_) << b_bits_) | (b[k * sb] & b_mask_); };
  switch (path_) {
    case Path::int_table:
      if (acc_.spec().width <= 62) {
        accumulate_int64(acc, n, [&](size_t k) { return prod_i_[index(k)]; }, stats);
      } else {
        for (size_t k = 0; k < n; ++k) acc_.add_lsbs(acc, prod_i_[index(k)], stats);
      }
      return;
    case Path::int_generic:
      for (size_t k = 0; k < n; ++k) acc_.add_lsbs(acc, product_lsbs(a[k * sa], b[k * sb]), stats);
      return;
    case Path::fixed_table:
    case Path::fixed_generic: {
      for (size_t k = 0; k < n; ++k) {
        const uint32_t ca = a[k * sa] & a_mask_, cb = b[k * sb] & b_mask_;
        const bool bad = (!a_nonfinite_.empty() && a_nonfinite_[ca]) || (!b_nonfinite_.empty() && b_nonfinite_[cb]) ||
                         ((a_nonfinite_.empty() || b_nonfinite_.empty()) && !std::isfinite(product(ca, cb)));
        stats.invalid += bad;
      }
      if (path_ == Path::fixed_table && acc_.spec().width <= 62) {
        accumulate_int64(acc, n, [&](size_t k) { return prod_i_[index(k)]; }, stats);
      } else {
        for (size_t k = 0; k < n; ++k) acc_.add_lsbs(acc, product_lsbs(a[k * sa], b[k * sb]), stats);
      }
      return;
    }
    case Path::float32_native: {
      // IEEE float addition of two floats is one correctly rounded (RNE) result of
      // the exact sum, which is exactly the fused MAC; products are exact floats.
      float s = float(acc.f);
      for (size_t k = 0; k < n; ++k) {
        const double p = prod_f_.empty() ? product(a[k * sa], b[k * sb]) : prod_f_[index(k)];
        const float next = s + float(p);
        stats.overflows += std::isinf(next) && std::isfinite(s);
        s = next;
      }
      acc.f = double(s);
      return;
    }
    case Path::float_generic: {
      // Fast path for the common case, same result as Accumulator::add_float:
      // RNE, the double sum s lands in the format's normal range, and s is not
      // a tie unless s is exact (an inexact tie needs the TwoSum residual). Then rounding is
      // the classic branch-free "add half-minus-one plus the kept LSB, mask".
      // Anything else (ties, subnormal or overflowing results, non-finite
      // values, rtz) goes through add_float. The shortcut keeps the serial
      // accumulate chain short: one add and a few integer operations.
      const bool fast = spec_.acc.rounding == Rounding::rne;
      double v = acc.f;
      for (size_t k = 0; k < n; ++k) {
        double p = prod_f_.empty() ? product(a[k * sa], b[k * sb]) : prod_f_[index(k)];
        if (!spec_.fused) p = acc_.round_float(p, stats);
        if (fast) {
          double r;
          if (round_fast(v, p, r)) {
            v = r;
            continue;
          }
        }
        AccValue t;
        t.f = v;
        acc_.add_float(t, p, stats);
        v = t.f;
      }
      acc.f = v;
      return;
    }
  }
}

}  // namespace qmac::num
