// Decode: every code of every 8-bit float format against the textbook definition
// (oracle.hpp), plus the OCP table's named values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "models/numerics/codec.hpp"
#include "oracle.hpp"

namespace {

using qmac::num::decode;
using qmac::num::parse_format;

struct Case {
  const char* name;  // qmac name
  oracle::Fp8Def def;
};

const Case kFormats[] = {
    {"fp8_e4m3", {"e4m3", 4, 3, 7, oracle::Conv::fn}},
    {"float8_e4m3fn", {"e4m3", 4, 3, 7, oracle::Conv::fn}},
    {"fp8_e5m2", {"e5m2", 5, 2, 15, oracle::Conv::ieee}},
    {"fp8_e4m3fnuz", {"e4m3fnuz", 4, 3, 8, oracle::Conv::fnuz}},
    {"fp8_e5m2fnuz", {"e5m2fnuz", 5, 2, 16, oracle::Conv::fnuz}},
    {"fp8_e3m4", {"e3m4", 3, 4, 3, oracle::Conv::ieee}},
    {"fp8_e2m5", {"e2m5", 2, 5, 1, oracle::Conv::fnuz}},
    {"e4m3_b11_fnuz", {"e4m3_b11_fnuz", 4, 3, 11, oracle::Conv::fnuz}},
    {"e3m4_fn", {"e3m4_fn", 3, 4, 3, oracle::Conv::fn}},
    {"e5m2_b10", {"e5m2_b10", 5, 2, 10, oracle::Conv::ieee}},
    {"e6m1_fn", {"e6m1_fn", 6, 1, 31, oracle::Conv::fn}},
    {"e1m6_fnuz", {"e1m6_fnuz", 1, 6, 0, oracle::Conv::fnuz}},
    {"e2m5_ieee", {"e2m5_ieee", 2, 5, 1, oracle::Conv::ieee}},
    {"e4m3_b-2_fn", {"e4m3_b-2_fn", 4, 3, -2, oracle::Conv::fn}},
    // No mantissa bits (powers of two only, like OCP MX's E8M0): ties go to the
    // even code, i.e. the even biased exponent.
    {"e7m0_fn", {"e7m0_fn", 7, 0, 63, oracle::Conv::fn}},
    {"e7m0_b60_fnuz", {"e7m0_b60_fnuz", 7, 0, 60, oracle::Conv::fnuz}},
};

class Decode8 : public ::testing::TestWithParam<Case> {};

TEST_P(Decode8, EveryCodeMatchesDefinition) {
  const auto& c = GetParam();
  const auto fmt = parse_format(c.name);
  ASSERT_EQ(fmt.bits(), 8);
  for (uint32_t code = 0; code < 256; ++code) {
    const double want = oracle::value(c.def, code);
    const double got = decode(fmt, code);
    if (std::isnan(want)) {
      EXPECT_TRUE(std::isnan(got)) << c.name << " code " << code;
      EXPECT_TRUE(qmac::num::is_nan_code(fmt, code)) << c.name << " code " << code;
    } else {
      EXPECT_EQ(got, want) << c.name << " code " << code;
      EXPECT_EQ(std::signbit(got), std::signbit(want)) << c.name << " code " << code;
      EXPECT_FALSE(qmac::num::is_nan_code(fmt, code)) << c.name << " code " << code;
    }
  }
}

TEST_P(Decode8, RangeQueriesMatchDefinition) {
  const auto& c = GetParam();
  const auto fmt = parse_format(c.name);
  const auto vals = oracle::finite_sorted(c.def);
  EXPECT_EQ(fmt.f.max_finite(), vals.back().v) << c.name;
  double min_pos = INFINITY;
  for (const auto& v : vals)
    if (v.v > 0) min_pos = std::min(min_pos, v.v);
  EXPECT_EQ(fmt.f.min_subnormal(), min_pos) << c.name;
  EXPECT_EQ(fmt.f.min_normal(), std::pow(2.0, 1 - c.def.bias)) << c.name;
}

INSTANTIATE_TEST_SUITE_P(AllFormats, Decode8, ::testing::ValuesIn(kFormats),
                         [](const auto& info) {
                           std::string n = info.param.name;
                           std::replace(n.begin(), n.end(), '-', 'm');
                           return n;
                         });

// OCP OFP8 rev 1.0, table 1 and 2 (../shared/reference/published-numbers.md section 2).
TEST(Decode_Ocp, E4M3NamedValues) {
  const auto f = parse_format("fp8_e4m3");
  EXPECT_EQ(decode(f, 0x7e), 448.0);                         // S.1111.110 max normal
  EXPECT_EQ(decode(f, 0xfe), -448.0);
  EXPECT_TRUE(std::isnan(decode(f, 0x7f)));                  // S.1111.111 NaN
  EXPECT_TRUE(std::isnan(decode(f, 0xff)));
  EXPECT_EQ(decode(f, 0x08), std::ldexp(1.0, -6));           // min normal
  EXPECT_EQ(decode(f, 0x07), 0.875 * std::ldexp(1.0, -6));   // max subnormal
  EXPECT_EQ(decode(f, 0x01), std::ldexp(1.0, -9));           // min subnormal
  EXPECT_EQ(decode(f, 0x00), 0.0);
  EXPECT_TRUE(std::signbit(decode(f, 0x80)));                // -0
  EXPECT_EQ(decode(f, 0x78), 256.0);                         // S.1111.000 is finite (no inf)
}

TEST(Decode_Ocp, E5M2NamedValues) {
  const auto f = parse_format("fp8_e5m2");
  EXPECT_EQ(decode(f, 0x7b), 57344.0);                       // S.11110.11 max normal
  EXPECT_EQ(decode(f, 0x7c), INFINITY);                      // S.11111.00
  EXPECT_EQ(decode(f, 0xfc), -INFINITY);
  for (uint32_t c : {0x7du, 0x7eu, 0x7fu, 0xfdu, 0xfeu, 0xffu}) EXPECT_TRUE(std::isnan(decode(f, c))) << c;
  EXPECT_EQ(decode(f, 0x04), std::ldexp(1.0, -14));          // min normal
  EXPECT_EQ(decode(f, 0x03), 0.75 * std::ldexp(1.0, -14));   // max subnormal
  EXPECT_EQ(decode(f, 0x01), std::ldexp(1.0, -16));          // min subnormal
}

TEST(Decode_Fnuz, SingleNanNoNegativeZero) {
  for (const char* n : {"fp8_e4m3fnuz", "fp8_e5m2fnuz", "fp8_e2m5"}) {
    const auto f = parse_format(n);
    int nans = 0;
    for (uint32_t c = 0; c < 256; ++c) {
      const double v = decode(f, c);
      nans += std::isnan(v);
      if (v == 0) {
        EXPECT_EQ(c, 0u) << n;
      }
    }
    EXPECT_EQ(nans, 1) << n;
    EXPECT_TRUE(std::isnan(decode(f, 0x80))) << n;
  }
  EXPECT_EQ(decode(parse_format("fp8_e4m3fnuz"), 0x7f), 240.0);
  EXPECT_EQ(decode(parse_format("fp8_e5m2fnuz"), 0x7f), 57344.0);
  EXPECT_EQ(decode(parse_format("fp8_e2m5"), 0x7f), 7.875);
}

TEST(Decode_Int, TwosComplementAndUnsigned) {
  const auto i8 = parse_format("int8"), u8 = parse_format("uint8"), i4 = parse_format("int4");
  for (uint32_t c = 0; c < 256; ++c) {
    EXPECT_EQ(decode(i8, c), double(static_cast<int8_t>(c))) << c;
    EXPECT_EQ(decode(u8, c), double(c)) << c;
  }
  for (uint32_t c = 0; c < 16; ++c) EXPECT_EQ(decode(i4, c), c < 8 ? double(c) : double(int(c) - 16)) << c;
  const auto i16 = parse_format("int16");
  EXPECT_EQ(decode(i16, 0x8000), -32768.0);
  EXPECT_EQ(decode(i16, 0x7fff), 32767.0);
}

// IEEE binary16 / binary32 / bfloat16 against the compiler's own types.
TEST(Decode_Ieee, Fp16EveryCodeMatchesFloat16) {
  const auto f = parse_format("fp16");
  for (uint32_t c = 0; c < 65536; ++c) {
    const uint16_t bits = static_cast<uint16_t>(c);
    _Float16 h;
    std::memcpy(&h, &bits, 2);
    const double want = double(h);
    const double got = decode(f, c);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(got)) << c;
    } else {
      ASSERT_EQ(got, want) << c;
      ASSERT_EQ(std::signbit(got), std::signbit(want)) << c;
    }
  }
}

TEST(Decode_Ieee, Bf16EveryCodeMatchesFloatUpperHalf) {
  const auto f = parse_format("bf16");
  for (uint32_t c = 0; c < 65536; ++c) {
    const uint32_t bits = c << 16;  // bfloat16 is the upper half of binary32
    float x;
    std::memcpy(&x, &bits, 4);
    const double got = decode(f, c);
    if (std::isnan(x)) {
      ASSERT_TRUE(std::isnan(got)) << c;
    } else {
      ASSERT_EQ(got, double(x)) << c;
    }
  }
}

TEST(Decode_Ieee, Fp32SampledCodesMatchFloat) {
  const auto f = parse_format("fp32");
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) {
    const uint32_t bits = rng();
    float x;
    std::memcpy(&x, &bits, 4);
    const double got = decode(f, bits);
    if (std::isnan(x)) {
      ASSERT_TRUE(std::isnan(got)) << bits;
    } else {
      ASSERT_EQ(got, double(x)) << bits;
    }
  }
}

}  // namespace
