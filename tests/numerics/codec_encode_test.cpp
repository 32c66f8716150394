// Encode: midpoints, one ulp either side, overflow/underflow/NaN/inf in both
// overflow modes, and random values, against a brute-force nearest-value oracle
// built from the textbook definition (oracle.hpp); FP16/FP32/BF16 against the
// compiler's conversions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "models/numerics/codec.hpp"
#include "oracle.hpp"

namespace {

using qmac::num::decode;
using qmac::num::encode;
using qmac::num::Overflow;
using qmac::num::parse_format;
using qmac::num::Rounding;

struct Case {
  const char* name;
  oracle::Fp8Def def;
};

const Case kFormats[] = {
    {"fp8_e4m3", {"e4m3", 4, 3, 7, oracle::Conv::fn}},
    {"fp8_e5m2", {"e5m2", 5, 2, 15, oracle::Conv::ieee}},
    {"fp8_e4m3fnuz", {"e4m3fnuz", 4, 3, 8, oracle::Conv::fnuz}},
    {"fp8_e5m2fnuz", {"e5m2fnuz", 5, 2, 16, oracle::Conv::fnuz}},
    {"fp8_e3m4", {"e3m4", 3, 4, 3, oracle::Conv::ieee}},
    {"fp8_e2m5", {"e2m5", 2, 5, 1, oracle::Conv::fnuz}},
    {"e3m4_fn", {"e3m4_fn", 3, 4, 3, oracle::Conv::fn}},
    {"e6m1_fn", {"e6m1_fn", 6, 1, 31, oracle::Conv::fn}},
    // No mantissa bits (powers of two only, like OCP MX's E8M0): ties go to the
    // even code, i.e. the even biased exponent.
    {"e7m0_fn", {"e7m0_fn", 7, 0, 63, oracle::Conv::fn}},
    {"e7m0_b60_fnuz", {"e7m0_b60_fnuz", 7, 0, 60, oracle::Conv::fnuz}},
};

class Encode8 : public ::testing::TestWithParam<Case> {
 protected:
  qmac::num::Format fmt = parse_format(GetParam().name);
  std::vector<oracle::CodeValue> vals = oracle::finite_sorted(GetParam().def);
  bool has_inf = GetParam().def.conv == oracle::Conv::ieee;
  bool has_neg_zero = GetParam().def.conv != oracle::Conv::fnuz;

  // Checks encode(x) in RNE against the oracle, both overflow modes.
  void check_rne(double x) {
    uint32_t want;
    const bool finite = oracle::nearest_even(vals, x, want, GetParam().def.m);
    for (Overflow ov : {Overflow::nonsat, Overflow::saturate}) {
      const uint32_t got = encode(fmt, x, Rounding::rne, ov);
      const double gv = decode(fmt, got);
      if (!finite) {
        if (ov == Overflow::saturate) {
          EXPECT_EQ(gv, std::copysign(vals.back().v, x)) << fmt.name << " x=" << x;
        } else if (has_inf) {
          EXPECT_EQ(gv, std::copysign(INFINITY, x)) << fmt.name << " x=" << x;
        } else {
          EXPECT_TRUE(std::isnan(gv)) << fmt.name << " x=" << x;
        }
        continue;
      }
      const double wv = oracle::value(GetParam().def, want);
      EXPECT_EQ(gv, wv) << fmt.name << " x=" << x;
      if (wv == 0) {
        EXPECT_EQ(std::signbit(gv), has_neg_zero && std::signbit(x)) << fmt.name << " x=" << x;
      }
    }
  }
};

TEST_P(Encode8, EveryCodeRoundTrips) {
  for (uint32_t c = 0; c < 256; ++c) {
    const double v = decode(fmt, c);
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(decode(fmt, encode(fmt, v)))) << c;
      continue;
    }
    for (Rounding r : {Rounding::rne, Rounding::rtz}) {
      EXPECT_EQ(encode(fmt, v, r, Overflow::nonsat), c) << fmt.name << " code " << c;
      if (std::isinf(v)) {  // saturating mode maps +-inf to +-max (OCP 4.5)
        EXPECT_EQ(decode(fmt, encode(fmt, v, r, Overflow::saturate)), std::copysign(vals.back().v, v));
      } else {
        EXPECT_EQ(encode(fmt, v, r, Overflow::saturate), c) << fmt.name << " code " << c;
      }
    }
  }
}

TEST_P(Encode8, MidpointsTieToEvenAndUlpNeighboursGoNearest) {
  for (size_t i = 0; i + 1 < vals.size(); ++i) {
    const double lo = vals[i].v, hi = vals[i + 1].v;
    const double mid = (lo + hi) / 2;  // exact in double
    check_rne(mid);
    check_rne(std::nextafter(mid, -INFINITY));
    check_rne(std::nextafter(mid, INFINITY));
    // The even neighbour wins the tie.
    const uint32_t even = (vals[i].code & 1) == 0 ? vals[i].code : vals[i + 1].code;
    if (mid != 0) {
      EXPECT_EQ(decode(fmt, encode(fmt, mid)), oracle::value(GetParam().def, even)) << fmt.name << " mid " << mid;
    }
    // Round toward zero keeps the smaller magnitude.
    const double toward_zero = std::fabs(lo) < std::fabs(hi) ? lo : hi;
    EXPECT_EQ(decode(fmt, encode(fmt, mid, Rounding::rtz)), toward_zero) << fmt.name << " mid " << mid;
  }
}

TEST_P(Encode8, OverflowAndSpecialsInBothModes) {
  const double maxv = vals.back().v;
  const double ulp = oracle::top_ulp(vals, GetParam().def.m);
  for (double x : {maxv, maxv + ulp / 4, maxv + ulp / 2, maxv + ulp, 2 * maxv, 1e30, -maxv - ulp, -1e30}) check_rne(x);
  // inf inputs: nonsat -> inf (ieee) or NaN; saturate -> +-max (OCP 4.5).
  for (double x : {INFINITY, -INFINITY}) {
    const double sat = decode(fmt, encode(fmt, x, Rounding::rne, Overflow::saturate));
    EXPECT_EQ(sat, std::copysign(maxv, x)) << fmt.name;
    const double ns = decode(fmt, encode(fmt, x, Rounding::rne, Overflow::nonsat));
    if (has_inf) {
      EXPECT_EQ(ns, x) << fmt.name;
    } else {
      EXPECT_TRUE(std::isnan(ns)) << fmt.name;
    }
  }
  EXPECT_TRUE(std::isnan(decode(fmt, encode(fmt, NAN, Rounding::rne, Overflow::saturate)))) << fmt.name;
  EXPECT_TRUE(std::isnan(decode(fmt, encode(fmt, NAN, Rounding::rne, Overflow::nonsat)))) << fmt.name;
  // Round toward zero never overflows a finite input (IEEE 754 7.4).
  EXPECT_EQ(decode(fmt, encode(fmt, 1e30, Rounding::rtz, Overflow::nonsat)), maxv) << fmt.name;
}

TEST_P(Encode8, UnderflowToSignedZero) {
  const double min_sub = vals[vals.size() / 2 + 1].v;  // smallest positive (vals has one zero)
  ASSERT_GT(min_sub, 0);
  for (double x : {min_sub / 2, std::nextafter(min_sub / 2, 0.0), std::nextafter(min_sub / 2, 1.0), min_sub / 4,
                   1e-300, 5e-324, -min_sub / 2, -1e-300, 0.0, -0.0})
    check_rne(x);
  EXPECT_EQ(decode(fmt, encode(fmt, std::nextafter(min_sub / 2, 1.0))), min_sub);
  EXPECT_EQ(decode(fmt, encode(fmt, min_sub / 2)), 0.0);  // tie to even (zero)
}

TEST_P(Encode8, RandomValuesMatchBruteForce) {
  std::mt19937_64 rng(42);
  const double maxv = vals.back().v;
  std::uniform_real_distribution<double> expo(std::log2(vals[vals.size() / 2 + 1].v) - 3, std::log2(maxv) + 1);
  for (int i = 0; i < 20000; ++i) {
    const double x = std::exp2(expo(rng)) * ((rng() & 1) ? -1 : 1);
    check_rne(x);
  }
}

TEST_P(Encode8, StochasticRoundingIsUnbiasedAndSeeded) {
  // Between two neighbours lo < x < hi, P(hi) = (x - lo) / (hi - lo).
  const size_t i = vals.size() * 3 / 4;
  const double lo = vals[i].v, hi = vals[i + 1].v;
  const double x = lo + 0.3 * (hi - lo);
  std::mt19937_64 rng(1);
  int ups = 0;
  const int n = 20000;
  for (int k = 0; k < n; ++k) {
    const double q = decode(fmt, encode(fmt, x, Rounding::stochastic, Overflow::nonsat, &rng));
    ASSERT_TRUE(q == lo || q == hi) << q;
    ups += q == hi;
  }
  // Binomial(20000, 0.3): sd = 64.8; 5 sd.
  EXPECT_NEAR(ups, 0.3 * n, 5 * std::sqrt(n * 0.3 * 0.7)) << fmt.name;
  std::mt19937_64 a(9), b(9);
  for (int k = 0; k < 100; ++k)
    EXPECT_EQ(encode(fmt, x, Rounding::stochastic, Overflow::nonsat, &a),
              encode(fmt, x, Rounding::stochastic, Overflow::nonsat, &b));
  EXPECT_THROW(encode(fmt, x, Rounding::stochastic), qmac::num::FormatError);
}

INSTANTIATE_TEST_SUITE_P(AllFormats, Encode8, ::testing::ValuesIn(kFormats),
                         [](const auto& info) { return std::string(info.param.name); });

// OCP OFP8 worked cases (section 4.5): E4M3 max 448, next would be 480.
TEST(Encode_Ocp, E4M3Boundaries) {
  const auto f = parse_format("fp8_e4m3");
  EXPECT_EQ(encode(f, 464.0), 0x7eu);                             // tie between 448 (even) and 480
  EXPECT_EQ(encode(f, 465.0), 0x7fu);                             // rounds to 480 > max: NaN (nonsat)
  EXPECT_EQ(encode(f, 465.0, Rounding::rne, Overflow::saturate), 0x7eu);
  EXPECT_EQ(encode(f, -465.0, Rounding::rne, Overflow::saturate), 0xfeu);
  EXPECT_EQ(encode(f, 0.0009765625), 0x00u);                      // 2^-10: tie, to even zero
  EXPECT_EQ(encode(f, -0.0009765625), 0x80u);                     // -0
}

TEST(Encode_Ocp, E5M2Boundaries) {
  const auto f = parse_format("fp8_e5m2");
  EXPECT_EQ(encode(f, 61440.0), 0x7cu);  // midpoint 57344|65536: max code 0x7b is odd, tie goes up -> inf
  EXPECT_EQ(encode(f, 61439.0), 0x7bu);
  EXPECT_EQ(encode(f, 61440.0, Rounding::rne, Overflow::saturate), 0x7bu);
  EXPECT_EQ(encode(f, -INFINITY), 0xfcu);
}

TEST(Encode_Int, RoundsHalfToEvenAndClips) {
  const auto i8 = parse_format("int8");
  const auto u8 = parse_format("uint8");
  EXPECT_EQ(decode(i8, encode(i8, 2.5)), 2.0);
  EXPECT_EQ(decode(i8, encode(i8, 3.5)), 4.0);
  EXPECT_EQ(decode(i8, encode(i8, -2.5)), -2.0);
  EXPECT_EQ(decode(i8, encode(i8, -3.5)), -4.0);
  EXPECT_EQ(decode(i8, encode(i8, 2.5000001)), 3.0);
  EXPECT_EQ(decode(i8, encode(i8, -2.7, Rounding::rtz)), -2.0);
  EXPECT_EQ(decode(i8, encode(i8, 1000.0)), 127.0);
  EXPECT_EQ(decode(i8, encode(i8, -1000.0)), -128.0);
  EXPECT_EQ(decode(i8, encode(i8, INFINITY)), 127.0);
  EXPECT_EQ(decode(u8, encode(u8, -3.0)), 0.0);
  EXPECT_EQ(decode(u8, encode(u8, 300.0)), 255.0);
  EXPECT_THROW(encode(i8, NAN), qmac::num::FormatError);
}

// binary16 against the compiler's double -> _Float16 conversion (one RNE rounding,
// IEEE overflow to inf).
TEST(Encode_Ieee, Fp16MatchesFloat16Conversion) {
  const auto f = parse_format("fp16");
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> expo(-28, 17);
  for (int i = 0; i < 1000000; ++i) {
    double x = std::exp2(expo(rng)) * ((rng() & 1) ? -1 : 1);
    if (i % 4 == 0) {
      // Exact fp16 midpoints are where ties happen: build some.
      const uint16_t c = static_cast<uint16_t>(rng() & 0x7bff);
      _Float16 h;
      std::memcpy(&h, &c, 2);
      uint16_t c2 = static_cast<uint16_t>(c + 1);
      _Float16 h2;
      std::memcpy(&h2, &c2, 2);
      x = (double(h) + double(h2)) / 2;
    }
    const _Float16 want = static_cast<_Float16>(x);
    uint16_t want_bits;
    std::memcpy(&want_bits, &want, 2);
    ASSERT_EQ(encode(f, x), want_bits) << "x=" << x;
  }
}

TEST(Encode_Ieee, Fp32MatchesFloatConversion) {
  const auto f = parse_format("fp32");
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> expo(-152, 129);
  for (int i = 0; i < 1000000; ++i) {
    const double x = std::exp2(expo(rng)) * ((rng() & 1) ? -1 : 1) * (1 + double(rng() >> 11) * 0x1p-53);
    const float want = static_cast<float>(x);
    uint32_t want_bits;
    std::memcpy(&want_bits, &want, 4);
    ASSERT_EQ(encode(f, x), want_bits) << "x=" << x;
  }
}

// bfloat16 from exact float inputs against the classic integer rounding of the
// float's bits (round half to even on the low 16 bits).
TEST(Encode_Ieee, Bf16MatchesIntegerRoundingOfFloatBits) {
  const auto f = parse_format("bf16");
  std::mt19937 rng(5);
  for (int i = 0; i < 1000000; ++i) {
    uint32_t bits = rng();
    float x;
    std::memcpy(&x, &bits, 4);
    if (std::isnan(x) || std::isinf(x)) continue;
    const uint32_t lsb = (bits >> 16) & 1;
    const uint32_t want = (bits + 0x7fffu + lsb) >> 16;  // carries into the exponent, to inf at the top
    ASSERT_EQ(encode(f, double(x)), want) << "bits=" << bits;
  }
}

}  // namespace
