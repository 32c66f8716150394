// Accumulators and MACs against independent oracles:
//   FP32 fused: std::fma on floats (one rounding of a*b + acc).
//   FP16: the exact sum in double, converted by the compiler to _Float16 (double
//         rounding is innocuous: 53 >= 2*11 + 2, design.md).
//   BF16: the exact sum in double, rounded to 8 significant bits with
//         frexp/nearbyint (not the bit manipulation under test).
//   Integer and Kulisch: 64-bit / exact integer arithmetic with wrap/saturate
//         written from the definition.
#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "models/numerics/accumulator.hpp"

namespace {

using namespace qmac::num;

MacSpec float_mac(const char* a, const char* b, const char* acc, bool fused = true,
                  Overflow ov = Overflow::nonsat) {
  MacSpec s;
  s.a = parse_format(a);
  s.b = parse_format(b);
  s.acc.kind = AccKind::floating;
  s.acc.format = parse_format(acc);
  s.acc.float_overflow = ov;
  s.fused = fused;
  return s;
}

MacSpec int_mac(const char* a, const char* b, int width, IntOverflow ov) {
  MacSpec s;
  s.a = parse_format(a);
  s.b = parse_format(b);
  s.acc.kind = AccKind::integer;
  s.acc.width = width;
  s.acc.int_overflow = ov;
  return s;
}

// Random finite codes of an 8-bit format.
uint32_t finite_code(const Format& f, std::mt19937_64& rng) {
  for (;;) {
    const auto c = static_cast<uint32_t>(rng() & 0xff);
    if (std::isfinite(decode(f, c))) return c;
  }
}

float as_float(double v) { return static_cast<float>(v); }

class Fp32Fused : public ::testing::TestWithParam<const char*> {};

// >= 10^6 random fused MACs per operand format, in running chains so the
// accumulator takes every magnitude; both the native path (nonsat) and the
// generic double-double path (saturate, which forces it) must equal std::fma.
TEST_P(Fp32Fused, MatchesStdFma) {
  const char* fmt = GetParam();
  for (Overflow ov : {Overflow::nonsat, Overflow::saturate}) {
    Mac mac(float_mac(fmt, fmt, "fp32", true, ov));
    const Format& f = mac.spec().a;
    std::mt19937_64 rng(11);
    MacStats stats;
    AccValue acc;
    float ref = 0.0f;
    for (int i = 0; i < 1000000; ++i) {
      if (i % 1000 == 0) {  // restart chains from a random float of any magnitude
        uint32_t bits = static_cast<uint32_t>(rng()) & 0x7fffffffu;
        bits = std::min(bits, 0x7f7fffffu) | (static_cast<uint32_t>(rng()) & 0x80000000u);
        std::memcpy(&ref, &bits, 4);
        if (i % 2000 == 0) ref = 0;
        acc.f = ref;
      }
      const uint32_t a = finite_code(f, rng), b = finite_code(f, rng);
      ref = std::fma(as_float(decode(f, a)), as_float(decode(f, b)), ref);
      mac.mac(acc, a, b, stats);
      ASSERT_EQ(as_float(acc.f), ref) << fmt << " step " << i;
      ASSERT_EQ(std::signbit(acc.f), std::signbit(ref)) << fmt << " step " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fp8Operands, Fp32Fused,
                         ::testing::Values("fp8_e4m3", "fp8_e5m2", "fp8_e3m4", "fp8_e2m5", "fp8_e4m3fnuz"));

_Float16 to_half(double x) { return static_cast<_Float16>(x); }

class Fp16Acc : public ::testing::TestWithParam<const char*> {};

TEST_P(Fp16Acc, FusedMatchesExactSumRoundedToFloat16) {
  const char* fmt = GetParam();
  Mac mac(float_mac(fmt, fmt, "fp16", true));
  const Format& f = mac.spec().a;
  std::mt19937_64 rng(12);
  MacStats stats;
  AccValue acc;
  _Float16 ref = 0;
  for (int i = 0; i < 1000000; ++i) {
    if (i % 500 == 0) {
      const uint16_t bits = static_cast<uint16_t>(rng() % 0x7c00) | static_cast<uint16_t>(rng() & 0x8000);
      std::memcpy(&ref, &bits, 2);
      acc.f = double(ref);
    }
    const uint32_t a = finite_code(f, rng), b = finite_code(f, rng);
    const double sum = double(ref) + decode(f, a) * decode(f, b);
    ref = to_half(sum);
    mac.mac(acc, a, b, stats);
    if (std::isnan(double(ref))) {
      ASSERT_TRUE(std::isnan(acc.f));
    } else {
      ASSERT_EQ(acc.f, double(ref)) << fmt << " step " << i;
      ASSERT_EQ(std::signbit(acc.f), std::signbit(double(ref))) << fmt << " step " << i;
    }
  }
}

TEST_P(Fp16Acc, NonFusedRoundsProductFirst) {
  const char* fmt = GetParam();
  Mac mac(float_mac(fmt, fmt, "fp16", false));
  const Format& f = mac.spec().a;
  std::mt19937_64 rng(13);
  MacStats stats;
  AccValue acc;
  _Float16 ref = 0;
  int differs_from_fused = 0;
  for (int i = 0; i < 1000000; ++i) {
    if (i % 500 == 0) {
      ref = 0;
      acc.f = 0;
    }
    const uint32_t a = finite_code(f, rng), b = finite_code(f, rng);
    const double p = decode(f, a) * decode(f, b);
    const _Float16 p16 = to_half(p);
    const _Float16 fused = to_half(double(ref) + p);
    ref = to_half(double(ref) + double(p16));  // two fp16 values: their sum is exact in double
    differs_from_fused += !(fused == ref);
    mac.mac(acc, a, b, stats);
    if (std::isnan(double(ref))) {
      ASSERT_TRUE(std::isnan(acc.f));
    } else {
      ASSERT_EQ(acc.f, double(ref)) << fmt << " step " << i;
    }
  }
  // The test must be able to tell fused from non-fused (products below fp16's
  // subnormal grid round differently).
  if (std::string(fmt) == "fp8_e5m2") {
    EXPECT_GT(differs_from_fused, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Fp8Operands, Fp16Acc, ::testing::Values("fp8_e4m3", "fp8_e5m2", "fp8_e3m4", "fp8_e2m5"));

// Round to 8 significant bits (bfloat16), RNE, from the definition.
double bf16_oracle(double x) {
  if (x == 0 || !std::isfinite(x)) return x;
  int e;
  const double m = std::frexp(x, &e);  // x = m * 2^e, 0.5 <= |m| < 1
  std::fesetround(FE_TONEAREST);
  const double r = std::nearbyint(std::ldexp(m, 8));
  return std::ldexp(r, e - 8);
}

TEST(Bf16Acc, FusedMatchesIndependentRounding) {
  Mac mac(float_mac("fp8_e4m3", "fp8_e4m3", "bf16", true));
  const Format& f = mac.spec().a;
  std::mt19937_64 rng(14);
  MacStats stats;
  AccValue acc;
  double ref = 0;
  for (int i = 0; i < 1000000; ++i) {
    if (i % 4096 == 0) ref = acc.f = 0;
    const uint32_t a = finite_code(f, rng), b = finite_code(f, rng);
    ref = bf16_oracle(ref + decode(f, a) * decode(f, b));  // |ref| < 2^24, products >= 2^-18: exact sum
    mac.mac(acc, a, b, stats);
    ASSERT_EQ(acc.f, ref) << "step " << i;
  }
}

TEST(FloatAcc, OverflowToInfOrSaturateIsCounted) {
  // fp16 max 65504; E4M3 448 * 448 = 200704 overflows at once.
  const Format e4 = parse_format("fp8_e4m3");
  const uint32_t c448 = encode(e4, 448.0);
  {
    Mac mac(float_mac("fp8_e4m3", "fp8_e4m3", "fp16", true, Overflow::nonsat));
    MacStats st;
    AccValue acc;
    mac.mac(acc, c448, c448, st);
    EXPECT_EQ(acc.f, INFINITY);
    EXPECT_EQ(st.overflows, 1u);
    mac.mac(acc, c448, c448, st);  // inf stays inf, no new event
    EXPECT_EQ(acc.f, INFINITY);
    EXPECT_EQ(st.overflows, 1u);
  }
  {
    Mac mac(float_mac("fp8_e4m3", "fp8_e4m3", "fp16", true, Overflow::saturate));
    MacStats st;
    AccValue acc;
    mac.mac(acc, c448, c448, st);
    EXPECT_EQ(acc.f, 65504.0);
    EXPECT_EQ(st.overflows, 1u);
  }
  {
    Mac mac(float_mac("fp8_e4m3", "fp8_e4m3", "fp32", true));  // native path
    MacStats st;
    AccValue acc;
    acc.f = 3.4e38;
    mac.mac(acc, c448, c448, st);
    EXPECT_EQ(acc.f, 3.4e38f + 200704.0f);  // absorbed, no overflow
    acc.f = double(std::numeric_limits<float>::max());
    for (int i = 0; i < 1; ++i) mac.mac(acc, c448, c448, st);
    EXPECT_EQ(st.overflows, 0u);  // 200704 is far below half an ulp of FLT_MAX
  }
}

TEST(FloatAcc, TiesAndSubnormalsHandWorked) {
  // fp16: 2048 + 1 is a tie between 2048 and 2050 -> 2048 (even); 2050 + 1 -> 2052.
  Accumulator acc16([] {
    AccumulatorSpec s;
    s.kind = AccKind::floating;
    s.format = parse_format("fp16");
    return s;
  }());
  MacStats st;
  AccValue v;
  v.f = 2048;
  acc16.add_float(v, 1.0, st);
  EXPECT_EQ(v.f, 2048.0);
  v.f = 2050;
  acc16.add_float(v, 1.0, st);
  EXPECT_EQ(v.f, 2052.0);
  // A tie decided by a tiny addend far below double precision: 2048 + (1 + 2^-60).
  v.f = 2048;
  acc16.add_float(v, 1.0 + 0x1p-52, st);
  EXPECT_EQ(v.f, 2050.0);
  // Subnormal sums are exact: 2^-24 + 2^-24 = 2^-23.
  v.f = 0x1p-24;
  acc16.add_float(v, 0x1p-24, st);
  EXPECT_EQ(v.f, 0x1p-23);
  // Half the smallest subnormal ties to zero; a hair more goes up.
  v.f = 0;
  acc16.add_float(v, 0x1p-25, st);
  EXPECT_EQ(v.f, 0.0);
  acc16.add_float(v, 0x1p-25 + 0x1p-40, st);
  EXPECT_EQ(v.f, 0x1p-24);
  // Exact cancellation gives +0 under RNE.
  v.f = 1.5;
  acc16.add_float(v, -1.5, st);
  EXPECT_EQ(v.f, 0.0);
  EXPECT_FALSE(std::signbit(v.f));
  EXPECT_EQ(st.overflows, 0u);
}

TEST(FloatAcc, RoundTowardZeroWithResidual) {
  AccumulatorSpec s;
  s.kind = AccKind::floating;
  s.format = parse_format("fp16");
  s.rounding = Rounding::rtz;
  Accumulator acc(s);
  MacStats st;
  AccValue v;
  // 1 - 2^-60 truncates to the largest fp16 below 1: 1 - 2^-11.
  v.f = 1.0;
  acc.add_float(v, -0x1p-60, st);
  EXPECT_EQ(v.f, 1.0 - 0x1p-11);
  // 2049.9 truncates to 2048.
  v.f = 2048;
  acc.add_float(v, 1.9, st);
  EXPECT_EQ(v.f, 2048.0);
  // At emin the binade below is subnormal with the same quantum: 2^-14 - tiny
  // truncates to the largest subnormal 2^-14 - 2^-24; the smallest subnormal to 0.
  v.f = 0x1p-14;
  acc.add_float(v, -0x1p-70, st);
  EXPECT_EQ(v.f, 0x1p-14 - 0x1p-24);
  v.f = 0x1p-24;
  acc.add_float(v, -0x1p-70, st);
  EXPECT_EQ(v.f, 0.0);
  // -1 - tiny truncates toward zero to -1.
  v.f = -1.0;
  acc.add_float(v, -0x1p-60, st);
  EXPECT_EQ(v.f, -1.0);
}

// ---------------------------------------------------------------- integers

int64_t wrap_ref(int64_t x, int w) {  // w < 63: the cases that can wrap here
  const int64_t m = int64_t{1} << w;
  int64_t r = ((x + (m >> 1)) % m + m) % m - (m >> 1);
  return r;
}

struct IntCase {
  int width;
  IntOverflow ov;
};

class IntAcc : public ::testing::TestWithParam<IntCase> {};

TEST_P(IntAcc, MatchesSixtyFourBitReference) {
  const auto [width, ov] = GetParam();
  Mac mac(int_mac("int8", "int8", width, ov));
  std::mt19937_64 rng(21);
  MacStats st;
  AccValue acc;
  int64_t ref = 0;
  uint64_t ref_events = 0;
  // The register's range, from the definition (width 64: int64's own range).
  const int64_t hi = width == 64 ? std::numeric_limits<int64_t>::max() : (int64_t{1} << (width - 1)) - 1;
  const int64_t lo = -hi - 1;
  for (int i = 0; i < 200000; ++i) {
    const uint32_t a = rng() & 0xff, b = rng() & 0xff;
    const int64_t pa = static_cast<int8_t>(a), pb = static_cast<int8_t>(b);
    const int64_t s = ref + pa * pb;
    if (s < lo || s > hi) {
      ++ref_events;
      ref = ov == IntOverflow::saturate ? std::clamp(s, lo, hi) : wrap_ref(s, width);
    } else {
      ref = s;
    }
    mac.mac(acc, a, b, st);
    ASSERT_EQ(int64_t(acc.i), ref) << "width " << width << " step " << i;
  }
  EXPECT_EQ(st.overflows, ref_events);
  if (width <= 20) {
    EXPECT_GT(ref_events, 0u);  // the case must exercise overflow
  }
}

INSTANTIATE_TEST_SUITE_P(Widths, IntAcc,
                         ::testing::Values(IntCase{16, IntOverflow::wrap}, IntCase{16, IntOverflow::saturate},
                                           IntCase{18, IntOverflow::wrap}, IntCase{20, IntOverflow::saturate},
                                           IntCase{24, IntOverflow::wrap}, IntCase{32, IntOverflow::wrap},
                                           IntCase{64, IntOverflow::saturate}));

TEST(IntAcc_Boundary, ExactOverflowEdge) {
  // 16-bit accumulator: max 32767. 127*127 = 16129; 16129*2 = 32258; + 509 = 32767.
  Mac mac(int_mac("int8", "int8", 16, IntOverflow::wrap));
  Mac sat(int_mac("int8", "int8", 16, IntOverflow::saturate));
  MacStats st, st2;
  AccValue acc, acc2;
  acc.i = acc2.i = 32766;
  mac.mac(acc, 1, 1, st);  // 32767: fits
  sat.mac(acc2, 1, 1, st2);
  EXPECT_EQ(int64_t(acc.i), 32767);
  EXPECT_EQ(st.overflows, 0u);
  mac.mac(acc, 1, 1, st);  // 32768 wraps to -32768
  sat.mac(acc2, 1, 1, st2);
  EXPECT_EQ(int64_t(acc.i), -32768);
  EXPECT_EQ(int64_t(acc2.i), 32767);
  EXPECT_EQ(st.overflows, 1u);
  EXPECT_EQ(st2.overflows, 1u);
  // (-128) * (-128) = 16384 is a product that needs 16 bits.
  acc.i = 0;
  mac.mac(acc, 0x80, 0x80, st);
  EXPECT_EQ(int64_t(acc.i), 16384);
}

TEST(IntAcc_Validation, NarrowerThanProductIsRejectedWithReason) {
  try {
    Mac mac(int_mac("int8", "int8", 15, IntOverflow::wrap));
    FAIL() << "expected SpecError";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("at least 16"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Mac(int_mac("fp8_e4m3", "int8", 32, IntOverflow::wrap)), SpecError);
  EXPECT_NO_THROW(Mac(int_mac("int8", "int8", 16, IntOverflow::wrap)));
  // 255^2 = 65025 needs 16 magnitude bits; the register is two's complement
  // (int16 holds at most 32767), so it needs a 17th, sign bit.
  try {
    Mac mac(int_mac("uint8", "uint8", 16, IntOverflow::wrap));
    FAIL() << "expected SpecError";
  } catch (const SpecError& e) {
    EXPECT_NE(std::string(e.what()).find("at least 17"), std::string::npos) << e.what();
  }
  {
    const Mac mac(int_mac("uint8", "uint8", 17, IntOverflow::saturate));
    AccValue v{};
    MacStats st;
    mac.mac(v, 255, 255, st);
    EXPECT_EQ(int64_t(v.i), 65025);
    EXPECT_EQ(st.overflows, 0u);
  }
  EXPECT_EQ(kulisch_for(parse_format("uint8"), parse_format("uint8"), 12).width, 16 + 1 + 12);
  EXPECT_NO_THROW(Mac(int_mac("uint8", "int8", 16, IntOverflow::wrap)));  // 255*-128 = -32640 fits 16 bits
  EXPECT_THROW(Mac(int_mac("uint8", "int8", 15, IntOverflow::wrap)), SpecError);
}

// ---------------------------------------------------------------- Kulisch

TEST(Kulisch, PaperSizingAndExactSums) {
  const Format e4 = parse_format("fp8_e4m3");
  const AccumulatorSpec k = kulisch_for(e4, e4);
  // E4M3 values are multiples of 2^-9 up to 448 < 2^9: products are multiples
  // of 2^-18 below 2^18 -> 36 magnitude bits + sign = 37, + 12 carry bits.
  EXPECT_EQ(k.frac_bits, 18);
  EXPECT_EQ(k.width, 37 + 12);
  const AccumulatorSpec ki = kulisch_for(parse_format("int8"), parse_format("int8"));
  EXPECT_EQ(ki.frac_bits, 0);
  EXPECT_EQ(ki.width, 16 + 12);

  MacSpec s;
  s.a = s.b = e4;
  s.acc = k;
  Mac mac(s);
  std::mt19937_64 rng(31);
  MacStats st;
  AccValue acc;
  int64_t ref = 0;  // in units of 2^-18
  for (int i = 0; i < 100000; ++i) {
    const uint32_t a = finite_code(e4, rng), b = finite_code(e4, rng);
    ref += static_cast<int64_t>(std::ldexp(decode(e4, a), 9)) * static_cast<int64_t>(std::ldexp(decode(e4, b), 9));
    mac.mac(acc, a, b, st);
    ASSERT_EQ(int64_t(acc.i), ref) << i;
  }
  EXPECT_EQ(st.overflows, 0u);
  EXPECT_EQ(st.invalid, 0u);
  EXPECT_EQ(mac.accumulator().value(acc), std::ldexp(double(ref), -18));
  // A NaN operand adds nothing and is counted.
  const AccValue before = acc;
  mac.mac(acc, 0x7f, encode(e4, 1.0), st);
  EXPECT_TRUE(acc == before);
  EXPECT_EQ(st.invalid, 1u);
}

TEST(Kulisch, WrapsAtWidth) {
  MacSpec s;
  s.a = s.b = parse_format("fp8_e4m3");
  s.acc = kulisch_for(s.a, s.b, 0);  // no carry bits: the second max product overflows
  Mac mac(s);
  MacStats st;
  AccValue acc;
  const uint32_t c448 = encode(s.a, 448.0);
  mac.mac(acc, c448, c448, st);
  EXPECT_EQ(st.overflows, 0u);
  mac.mac(acc, c448, c448, st);
  EXPECT_EQ(st.overflows, 1u);
  // 2 * 200704 * 2^18 wraps modulo 2^37 into the negative range.
  const __int128 twice = __int128{200704} * 2 << 18;
  const __int128 m = __int128{1} << 37;
  EXPECT_EQ(acc.i, twice - m);
}

TEST(Kulisch, TooNarrowIsRejected) {
  MacSpec s;
  s.a = s.b = parse_format("fp8_e4m3");
  s.acc = kulisch_for(s.a, s.b);
  s.acc.width = 30;
  EXPECT_THROW(validate(s), SpecError);
  s.acc = kulisch_for(parse_format("bf16"), parse_format("bf16"));
  s.a = s.b = parse_format("bf16");
  EXPECT_THROW(validate(s), SpecError);  // hundreds of bits: beyond 126
}

// ---------------------------------------------------------------- mixed

TEST(MixedMac, Int8TimesFp16IntoFp32MatchesFma) {
  MacSpec s = float_mac("fp16", "int8", "fp32");
  Mac mac(s);
  std::mt19937_64 rng(41);
  MacStats st;
  AccValue acc;
  float ref = 0;
  for (int i = 0; i < 200000; ++i) {
    uint32_t a;
    do a = rng() & 0xffff; while (!std::isfinite(decode(s.a, a)));
    const uint32_t b = rng() & 0xff;
    // int8 x fp16 has 8 + 11 = 19 significant bits: exact in float, so fma is the oracle.
    ref = std::fma(float(decode(s.a, a)), float(static_cast<int8_t>(b)), ref);
    mac.mac(acc, a, b, st);
    if (std::isinf(ref)) break;
    ASSERT_EQ(float(acc.f), ref) << i;
  }
}

TEST(MacDot, EqualsRepeatedMac) {
  for (MacSpec s : {float_mac("fp8_e4m3", "fp8_e5m2", "fp16"), int_mac("int8", "int8", 20, IntOverflow::wrap),
                    float_mac("fp8_e4m3", "fp8_e4m3", "fp32")}) {
    Mac mac(s);
    std::mt19937_64 rng(5);
    std::vector<uint32_t> a(1000), b(3000);
    for (auto& x : a) x = rng() & 0xff;
    for (auto& x : b) x = rng() & 0xff;
    MacStats st1, st2;
    AccValue one, many;
    for (size_t k = 0; k < a.size(); ++k) mac.mac(one, a[k], b[3 * k], st1);
    mac.dot(many, a.data(), 1, b.data(), 3, a.size(), st2);
    EXPECT_TRUE(one == many);
    EXPECT_EQ(st1.overflows, st2.overflows);
  }
}

}  // namespace
