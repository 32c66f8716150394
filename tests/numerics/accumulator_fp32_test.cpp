// The binary32 accumulator's shortcuts (num::Accumulator: raw_bits as the
// float's bit pattern, add_float as the hardware's float addition for RNE,
// nonsat) against the general code: code_of for the raw bits, and for the sum
// the exact two_sum rounded by round_to_format (bit manipulation on doubles,
// not float arithmetic). Operands: random bit patterns (every binade,
// subnormals, infinities, NaNs), signed zeros, the largest finite values,
// cancellations and sums that round to a tie.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "models/numerics/accumulator.hpp"
#include "models/numerics/codec.hpp"
#include "models/numerics/round.hpp"

namespace {

using namespace qmac::num;

float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

uint64_t bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

AccumulatorSpec fp32_spec(Rounding r = Rounding::rne, Overflow o = Overflow::nonsat) {
  AccumulatorSpec s;
  s.kind = AccKind::floating;
  s.format = parse_format("fp32");
  s.rounding = r;
  s.float_overflow = o;
  return s;
}

// Binary32 values worth a look beside random bit patterns.
std::vector<float> specials() {
  const float mx = std::numeric_limits<float>::max(), dn = std::numeric_limits<float>::denorm_min();
  return {0.0f, -0.0f, 1.0f, -1.0f, mx, -mx, std::nextafter(mx, 0.0f), dn, -dn, std::numeric_limits<float>::min(),
          std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
          std::numeric_limits<float>::quiet_NaN(), 1.0f + 0x1p-23f, 0x1p-24f, 0x1p-25f, 3.0f * 0x1p-25f, 0x1p127f};
}

TEST(AccumulatorFp32_RawBits, EqualsCodeOf) {
  const Accumulator acc(fp32_spec());
  const Format f = parse_format("fp32");
  std::mt19937 rng(7);
  std::vector<float> vs = specials();
  for (int i = 0; i < 200000; ++i) vs.push_back(float_of(uint32_t(rng())));
  for (const float v : vs) {
    AccValue a;
    a.f = double(v);
    ASSERT_EQ(acc.raw_bits(a), uint64_t(code_of(f, double(v)))) << "value " << v;
  }
}

// acc (+) x for binary32 acc and x: the result's bits and the overflow count
// equal the general rounding's.
TEST(AccumulatorFp32_AddFloat, EqualsGeneralRounding) {
  const AccumulatorSpec spec = fp32_spec();
  const Accumulator acc(spec);
  const FloatLimits lim(spec.format.f);
  std::mt19937 rng(11);
  std::vector<std::pair<float, float>> pairs;
  const std::vector<float> sp = specials();
  for (const float a : sp)
    for (const float b : sp) pairs.push_back({a, b});
  for (int i = 0; i < 300000; ++i) {
    const float a = float_of(uint32_t(rng()));
    float b = float_of(uint32_t(rng()));
    switch (i % 4) {
      case 1: b = -a; break;                                               // cancellation
      case 2: b = std::ldexp(a, -int(rng() % 30)) * ((rng() & 1) ? 1 : -1); break;  // near binades: ties, carries
      case 3: b = std::nextafter(a, 0.0f); break;
      default: break;
    }
    pairs.push_back({a, b});
  }
  uint64_t sums = 0, overflows = 0;
  for (const auto& [a, b] : pairs) {
    AccValue v;
    v.f = double(a);
    MacStats st;
    acc.add_float(v, double(b), st);
    double hi, lo;
    two_sum(double(a), double(b), hi, lo);
    bool ovf = false;
    const double want = round_to_format(hi, lo, lim, Rounding::rne, Overflow::nonsat, &ovf);
    if (std::isnan(want)) {
      ASSERT_TRUE(std::isnan(v.f)) << a << " + " << b;
      ASSERT_EQ(bits(v.f), bits(want)) << a << " + " << b << ": the canonical NaN";
    } else {
      ASSERT_EQ(bits(v.f), bits(want)) << a << " + " << b << " = " << v.f << ", want " << want;
    }
    ASSERT_EQ(st.overflows, uint64_t(ovf)) << a << " + " << b;
    ++sums;
    overflows += ovf;
  }
  EXPECT_GT(overflows, 10u);  // the overflow rule was exercised
  EXPECT_GT(sums, 300000u);
}

// Other binary32 accumulators (saturating, round toward zero) keep the general
// rounding: an overflow saturates, a truncated sum is not the float sum.
TEST(AccumulatorFp32_AddFloat, SaturatingAndRtzKeepTheirRules) {
  const float mx = std::numeric_limits<float>::max();
  const Accumulator sat(fp32_spec(Rounding::rne, Overflow::saturate));
  AccValue v;
  v.f = double(mx);
  MacStats st;
  sat.add_float(v, double(mx), st);
  EXPECT_EQ(v.f, double(mx));
  EXPECT_EQ(st.overflows, 1u);
  const Accumulator rtz(fp32_spec(Rounding::rtz));
  AccValue w;
  w.f = 1.0;
  rtz.add_float(w, double(0x1.8p-24f), st);  // 1 + 3/4 ulp: RNE rounds up, RTZ keeps 1
  EXPECT_EQ(w.f, 1.0);
}

}  // namespace
