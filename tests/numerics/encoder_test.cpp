// num::Encoder (the bit-driven encode of the quantiser) against num::encode,
// the tested definition: every code's value, every midpoint between
// neighbouring values and the doubles next to both, specials, and random
// doubles over the whole exponent range, for every 8-bit float format (each
// split of exponent and mantissa bits, each non-finite convention, custom
// biases), FP16, BF16, FP32 and integer formats, in both rounding modes and
// both overflow rules. Also code_of's bit path: every code of every format of
// at most 16 bits round-trips through decode.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "models/numerics/codec.hpp"

namespace {

using namespace qmac::num;

std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (int e = 1; e <= 6; ++e) {
    const int m = 7 - e;
    for (const char* conv : {"_ieee", "_fn", "_fnuz"}) {
      if (e == 1 && std::string(conv) == "_ieee") continue;  // no finite normal exponent left
      names.push_back("e" + std::to_string(e) + "m" + std::to_string(m) + conv);
    }
  }
  for (const char* n : {"fp8_e4m3", "fp8_e5m2", "fp8_e4m3fnuz", "fp8_e5m2fnuz", "fp8_e3m4", "fp8_e2m5", "e4m3_b11_fnuz",
                        "e5m2_b3", "e3m4_b0_fn", "fp16", "bf16", "e5m10_b20", "int8", "uint8", "int4", "int16",
                        "uint16", "int32", "uint32"})
    names.push_back(n);
  return names;
}

class EncoderMatches : public ::testing::TestWithParam<std::string> {
 protected:
  Format fmt = parse_format(GetParam());

  // Encoder == encode for x and -x in every mode; NaN into an integer throws in both.
  void check(double x) {
    for (double v : {x, -x})
      for (Rounding mode : {Rounding::rne, Rounding::rtz})
        for (Overflow ov : {Overflow::saturate, Overflow::nonsat}) {
          const Encoder enc(fmt, mode, ov);
          if (fmt.is_int() && std::isnan(v)) {
            EXPECT_THROW(enc(v), FormatError);
            continue;
          }
          const uint32_t want = encode(fmt, v, mode, ov);
          const uint32_t got = enc(v);
          ASSERT_EQ(got, want) << fmt.name << " x=" << std::hexfloat << v << " mode=" << rounding_name(mode)
                               << " overflow=" << overflow_name(ov);
        }
  }

  // The finite values of the format in increasing order (positive and zero).
  std::vector<double> values() const {
    std::vector<double> v;
    if (fmt.bits() <= 16) {
      for (uint32_t c = 0; c < (1u << fmt.bits()); ++c) {
        const double d = decode(fmt, c);
        if (std::isfinite(d) && d >= 0) v.push_back(d);
      }
    } else {  // 32-bit formats: a spread of values (binades' ends and random codes)
      std::mt19937_64 rng(7);
      for (int i = 0; i < 20000; ++i) {
        const double d = decode(fmt, uint32_t(rng()) & fmt.code_mask());
        if (std::isfinite(d)) v.push_back(std::fabs(d));
      }
      v.push_back(0);
      v.push_back(fmt.max_finite());
    }
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
  }
};

TEST_P(EncoderMatches, EveryValueMidpointAndNeighbour) {
  const std::vector<double> v = values();
  const double inf = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < v.size(); ++i) {
    check(v[i]);
    check(std::nextafter(v[i], inf));
    check(std::nextafter(v[i], -inf));
    if (i + 1 < v.size()) {
      const double mid = v[i] + (v[i + 1] - v[i]) / 2;  // exact: both are short binary fractions
      check(mid);
      check(std::nextafter(mid, inf));
      check(std::nextafter(mid, -inf));
      check(v[i] + (v[i + 1] - v[i]) / 4);
    }
  }
  // Beyond the largest finite: the first rounding boundary above it and far out.
  const double top = v.back();
  const double ulp = v.size() > 1 ? top - v[v.size() - 2] : 1.0;
  for (double x : {top + ulp / 2, std::nextafter(top + ulp / 2, inf), std::nextafter(top + ulp / 2, -inf), top + ulp,
                   2 * top, 1e300, std::numeric_limits<double>::max()})
    check(x);
}

TEST_P(EncoderMatches, SpecialsAndTinyDoubles) {
  const double inf = std::numeric_limits<double>::infinity();
  for (double x : {0.0, inf, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min(),
                   std::numeric_limits<double>::min(), 1e-300, 0.5, 1.0, 1.5, 2.5})
    check(x);
}

TEST_P(EncoderMatches, RandomDoublesOverTheExponentRange) {
  std::mt19937_64 rng(11);
  const int e_lo = fmt.lsb_exponent() - 4, e_hi = std::ilogb(fmt.max_finite()) + 3;
  std::uniform_int_distribution<int> e(e_lo, e_hi);
  std::uniform_real_distribution<double> m(1.0, 2.0);
  for (int i = 0; i < 20000; ++i) check(std::ldexp(m(rng), e(rng)));
}

INSTANTIATE_TEST_SUITE_P(Formats, EncoderMatches, ::testing::ValuesIn(format_names()),
                         [](const auto& info) { return info.param; });

TEST(Encoder_Stochastic, FallsBackToEncodeWithItsGenerator) {
  // Stochastic rounding needs a generator: the encoder defers to encode(),
  // which refuses to round stochastically without one.
  const Encoder enc(parse_format("fp8_e4m3"), Rounding::stochastic, Overflow::saturate);
  EXPECT_THROW(enc(1.3), FormatError);
}

TEST(CodeOf_BitPath, EveryCodeRoundTripsThroughDecode) {
  for (const std::string& name : format_names()) {
    const Format f = parse_format(name);
    if (f.bits() > 16) continue;
    for (uint32_t c = 0; c < (1u << f.bits()); ++c) {
      const double v = decode(f, c);
      if (std::isnan(v)) continue;
      ASSERT_EQ(code_of(f, v), c) << name << " code " << c;
    }
  }
}

TEST(DecodeTable, EqualsDecodeForEveryCodeAndIsEmptyAbove16Bits) {
  for (const char* name : {"fp8_e4m3", "int8", "fp16", "uint4"}) {
    const Format f = parse_format(name);
    const std::vector<double> t = decode_table(f);
    ASSERT_EQ(t.size(), size_t{1} << f.bits());
    for (uint32_t c = 0; c < t.size(); ++c) {
      const double d = decode(f, c);
      if (std::isnan(d))
        EXPECT_TRUE(std::isnan(t[c]));
      else
        EXPECT_TRUE(t[c] == d && std::signbit(t[c]) == std::signbit(d)) << name << " code " << c;
    }
  }
  EXPECT_TRUE(decode_table(parse_format("fp32")).empty());
}

}  // namespace

namespace {

TEST(Encoder_Bulk, EncodeDividedEqualsEncodeOfTheQuotient) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> nd(0, 3);
  std::vector<double> x(5000), d(5000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = nd(rng) * std::exp(nd(rng)), d[i] = 0.01 + std::fabs(nd(rng));
  x[7] = std::numeric_limits<double>::infinity();
  x[8] = -0.0;
  for (const char* name : {"fp8_e4m3", "fp8_e5m2", "e2m5_fnuz", "int8", "uint4", "fp16", "bf16", "e5m0_fn"})
    for (Rounding mode : {Rounding::rne, Rounding::rtz}) {
      const Format f = parse_format(name);
      const Encoder enc(f, mode, Overflow::saturate);
      std::vector<uint32_t> one(x.size()), each(x.size());
      enc.encode_divided(x.data(), 0.37, one.data(), x.size());
      enc.encode_divided(x.data(), d.data(), each.data(), x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        ASSERT_EQ(one[i], encode(f, x[i] / 0.37, mode, Overflow::saturate)) << name << " " << x[i];
        ASSERT_EQ(each[i], encode(f, x[i] / d[i], mode, Overflow::saturate)) << name << " " << x[i] << " / " << d[i];
      }
    }
}

}  // namespace
