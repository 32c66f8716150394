// Accumulators and the arithmetic of a multiply-accumulate unit (no SystemC).
//
//   integer: two's complement of `width` bits (2..64); on overflow `wrap` (modular)
//            or `saturate` (clamp); every overflow event is counted.
//   fixed:   a Kulisch-style fixed-point register of `width` bits (2..126) whose
//            least significant bit weighs 2^-frac_bits; frac_bits is chosen so every
//            product of the operand formats is held exactly. Wrap or saturate.
//   float:   any FloatFormat, round-to-nearest-even (or toward zero), with the
//            format's overflow rule (nonsat: inf/NaN; saturate: +-max).
//
// A fused MAC rounds once: acc' = round(acc + a*b). A non-fused MAC rounds the
// product to the accumulator format first: acc' = round(acc + round(a*b)).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/numerics/codec.hpp"
#include "models/numerics/format.hpp"

namespace qmac::num {

enum class AccKind { integer, fixed, floating };
enum class IntOverflow { wrap, saturate };

std::string_view acc_kind_name(AccKind k);
std::string_view int_overflow_name(IntOverflow o);

// The exact range of the products of two formats, as a fixed-point number:
// every product is an integer multiple of 2^lsb_exponent with magnitude at most
// max_magnitude.
struct ProductRange {
  int lsb_exponent = 0;       // weight of the least significant product bit
  double max_magnitude = 0;   // largest |a*b| over finite operands
  bool is_signed = false;     // some product is negative
  int precision = 0;          // significant bits of one product (significand product width)
  // Bits of a two's complement (or unsigned) fixed-point register that holds
  // every product exactly: magnitude bits from lsb_exponent up to the top of
  // max_magnitude, plus a sign bit when is_signed.
  int fixed_width() const;
  // Bits of a two's complement accumulator register that holds every product:
  // fixed_width(), plus a sign bit when the products are unsigned.
  int register_width() const;
};
ProductRange product_range(const Format& a, const Format& b);

// Carry bits the Qualcomm paper adds above the product width of a Kulisch
// accumulator: 2^12 = 4096 worst-case products without overflow
// (arXiv 2303.17951, section 3.3).
constexpr int kPaperCarryBits = 12;

struct AccumulatorSpec {
  AccKind kind = AccKind::integer;
  int width = 32;                            // integer and fixed
  int frac_bits = 0;                         // fixed: LSB weight 2^-frac_bits
  IntOverflow int_overflow = IntOverflow::wrap;  // integer and fixed
  Format format;                             // floating
  Rounding rounding = Rounding::rne;         // floating: rne or rtz
  Overflow float_overflow = Overflow::nonsat;    // floating
  std::string describe() const;
};

struct MacSpec {
  Format a;                  // operand A (activations / inputs)
  Format b;                  // operand B (weights)
  AccumulatorSpec acc;
  bool fused = true;
};

// Checks that the MAC can be built; throws SpecError saying why not (integer
// accumulator with float operands, accumulator narrower than the product, ...).
void validate(const MacSpec& spec);

// A fixed accumulator sized the paper's way for these operands: fraction bits
// that hold every product exactly, width = product width + carry_bits.
AccumulatorSpec kulisch_for(const Format& a, const Format& b, int carry_bits = kPaperCarryBits);

// The state of one accumulator register. Integer and fixed kinds use `i`
// (the register's two's complement value, in LSB units); floating uses `f`
// (always a value of the accumulator format, or inf/NaN).
struct AccValue {
  __int128 i = 0;
  double f = 0.0;
  bool operator==(const AccValue& o) const {
    return i == o.i && (f == o.f || (f != f && o.f != o.f)) && std::signbit(f) == std::signbit(o.f);
  }
  bool operator!=(const AccValue& o) const { return !(*this == o); }
};

// Activity and exception counters of a run.
struct MacStats {
  uint64_t overflows = 0;  // events where a result wrapped, saturated or became non-finite
  uint64_t invalid = 0;    // NaN/inf operands into an integer/fixed accumulator (their product adds 0)
};

class Accumulator {
 public:
  explicit Accumulator(const AccumulatorSpec& spec);
  const AccumulatorSpec& spec() const { return spec_; }
  AccValue zero() const { return AccValue{}; }
  // Exact value of the register (for fixed accumulators wider than 53 bits this
  // rounds to the nearest double).
  double value(const AccValue& v) const;
  // Raw register bits (two's complement truncated to width, or the float code),
  // low 64 bits; for tracing.
  uint64_t raw_bits(const AccValue& v) const;
  // acc = acc (+) x for an exact double x, with this accumulator's rounding and
  // overflow rule. For integer/fixed kinds x must be a multiple of the LSB
  // (throws std::logic_error otherwise: it would be a modelling bug).
  void add_value(AccValue& acc, double x, MacStats& stats) const;
  // acc = acc (+) other, both registers of this accumulator (e.g. an output buffer
  // that adds partial sums of the same kind).
  void add_same(AccValue& acc, const AccValue& other, MacStats& stats) const;
  // Integer/fixed: add an exact integer count of LSBs with wrap/saturate.
  void add_lsbs(AccValue& acc, __int128 lsbs, MacStats& stats) const;
  // Integer/fixed register range in LSB units.
  __int128 min_lsbs() const { return min_; }
  __int128 max_lsbs() const { return max_; }
  // Floating: acc = round(acc + x), one rounding of the exact sum.
  void add_float(AccValue& acc, double x, MacStats& stats) const;
  // Floating: round x to the accumulator format (non-fused MAC's product rounding).
  double round_float(double x, MacStats& stats) const;

 private:
  AccumulatorSpec spec_;
  FloatLimits limits_;          // floating: the accumulator format's rounding data
  // Floating, IEEE binary32: raw_bits of a binary32 value is its bit pattern;
  // with RNE and nonsat, add_float of two binary32 values is the hardware's
  // float addition (IEEE 754's one correct rounding; tested against the
  // general rounding in tests/numerics/accumulator_fp32_test.cpp).
  bool fp32_ = false, fp32_native_add_ = false;
  __int128 min_ = 0, max_ = 0;  // integer/fixed register range
};

// The arithmetic of one MAC unit: exact products (table-driven for 8-bit
// operands), then the accumulator. Thread-compatible, const after construction.
class Mac {
 public:
  explicit Mac(const MacSpec& spec);  // validates; throws SpecError
  const MacSpec& spec() const { return spec_; }
  const Accumulator& accumulator() const { return acc_; }
  ProductRange products() const { return range_; }

  // The exact product of two codes.
  double product(uint32_t a_code, uint32_t b_code) const;
  // acc = acc + a*b with this MAC's rounding (fused or not). Inline: the array
  // engines call it once per PE per cycle. The common cases (table products into
  // an int64-sized register, FP32 by float addition, an in-range non-tie float
  // sum) finish here; everything else takes dot()'s exact paths.
  void mac(AccValue& acc, uint32_t a_code, uint32_t b_code, MacStats& stats) const {
    switch (path_) {
      case Path::int_table:
        if (int64_ok_) {
          // The product from the two operand value tables (same integer as
          // prod_i_'s entry; 2 x 2 KB in L1 instead of a line of 512 KB).
          const int64_t s = static_cast<int64_t>(acc.i) + a_ints_[a_code & a_mask_] * b_ints_[b_code & b_mask_];
          if (s >= lo64_ && s <= hi64_) {
            acc.i = s;
            return;
          }
        }
        break;
      case Path::float32_native: {
        const float sf = float(acc.f);
        const float next = sf + float(decoded_product(a_code, b_code));
        stats.overflows += std::isinf(next) && std::isfinite(sf);
        acc.f = double(next);
        return;
      }
      case Path::float_generic:
        if (float_fast_ && values_ok_) {
          const double p = decoded_product(a_code, b_code);
          double r;
          if (round_fast(acc.f, p, r)) {
            acc.f = r;
            return;
          }
        }
        break;
      default:
        break;
    }
    dot(acc, &a_code, 0, &b_code, 0, 1, stats);
  }
  // mac()'s inline integer path, for array engines that hoist the product lookup
  // out of their inner loops. When `products` is set (integer accumulator of at
  // most 62 bits, 8-bit operands): for a register value v in [min, max],
  // mac() gives v + products[table_index(a, b)] exactly when that sum is in
  // [min, max]; any other case must go through mac() (wrap/saturate, counting).
  struct Int64Path {
    const int64_t* products = nullptr;
    int64_t min = 0, max = 0;
  };
  Int64Path int64_path() const {
    return path_ == Path::int_table && int64_ok_ ? Int64Path{prod_i_.data(), lo64_, hi64_} : Int64Path{};
  }
  // Index of the operand pair in the product tables: (a << bits of B) | b.
  size_t table_index(uint32_t a, uint32_t b) const { return (size_t(a & a_mask_) << b_bits_) | (b & b_mask_); }
  // The exact product from the two decode tables (operands up to 16 bits): the
  // same double product() returns. mac() uses it rather than the 8-bit x 8-bit
  // product table because one step touches two small tables (2 x 2 KB for FP8,
  // in L1) instead of a random line of a 512 KB one.
  double decoded_product(uint32_t a, uint32_t b) const {
    return values_ok_ ? a_values_[a & a_mask_] * b_values_[b & b_mask_] : product(a, b);
  }
  // mac() adds natively in float: FP32 accumulator (RNE, nonsat) whose every
  // product is exact in float (the array engines' float lanes rely on it).
  bool native_fp32() const { return path_ == Path::float32_native; }
  // acc = fold of mac over n operand pairs a[i*sa], b[i*sb], in order. Same result
  // as n calls of mac(), faster.
  void dot(AccValue& acc, const uint32_t* a, size_t sa, const uint32_t* b, size_t sb, size_t n,
           MacStats& stats) const;

 private:
  enum class Path { int_table, int_generic, fixed_table, fixed_generic, float32_native, float_generic };
  // RNE of v + p when the double sum lands in the format's normal range and is
  // not an inexact tie: the branch-free "add half-minus-one plus the kept LSB,
  // mask" on the bit pattern. Returns false when the exact path is needed.
  bool round_fast(double v, double p, double& r) const {
    const double sum = v + p;
    const uint64_t bits = detail::bits_of(sum);
    const uint64_t mag = bits & ~detail::kSignBit;
    const uint64_t biased = mag >> 52;
    if (biased < min_biased_ || biased > max_biased_) return false;
    if ((mag & low_mask_) == half_) {  // a tie of the double sum: right only if the sum is exact
      double s2, residual;
      two_sum(v, p, s2, residual);
      if (residual != 0.0) return false;
    }
    const uint64_t kept = (mag + (half_ - 1) + ((mag >> shift_) & 1)) & ~low_mask_;
    r = detail::double_of((bits & detail::kSignBit) | kept);
    return std::fabs(r) <= maxv_;
  }
  __int128 product_lsbs(uint32_t a, uint32_t b) const;
  template <class ProductAt>
  void accumulate_int64(AccValue& acc, size_t n, ProductAt product_at, MacStats& stats) const;
  MacSpec spec_;
  Accumulator acc_;
  ProductRange range_;
  Path path_;
  uint32_t a_mask_, b_mask_;
  int b_bits_;
  std::vector<double> a_values_, b_values_;  // decode tables (operands up to 16 bits)
  bool values_ok_ = false;                   // both decode tables exist
  std::vector<double> prod_f_;               // product table, 8-bit x 8-bit
  std::vector<int64_t> prod_i_;              // integer/fixed product table in LSB units
  std::vector<int64_t> a_ints_, b_ints_;     // int_table with int64_ok_: the operands' integer values
  std::vector<uint8_t> a_nonfinite_, b_nonfinite_;  // fixed accumulators: NaN/inf operand codes
  // Precomputed for the fast paths (see mac()).
  bool int64_ok_ = false;          // integer register <= 62 bits
  int64_t lo64_ = 0, hi64_ = 0;
  bool float_fast_ = false;        // float accumulator, fused, RNE
  int shift_ = 0;
  uint64_t low_mask_ = 0, half_ = 0, min_biased_ = 0, max_biased_ = 0;
  double maxv_ = 0;
};

}  // namespace qmac::num
