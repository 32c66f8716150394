// The energy equation of models/cost/energy.hpp on activities small enough to
// evaluate by hand; zero data costs less than random data; deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>

#include "../mac_specs.hpp"
#include "models/cost/energy.hpp"

namespace {

using namespace qmac::cost;
namespace num = qmac::num;

using qmac::test::int8_int32;

Technology unit_tech() {
  Technology t;
  t.name = "unit";
  t.um2_per_ge = 2;
  t.pj_per_ge_toggle = 1;  // energies in GE toggles
  t.ff_clock_ge_toggles = 0;
  t.leakage_nw_per_ge = 0;
  t.clock_ghz = 1;
  return t;
}

TEST(Energy_Equation, MultiplierInputTogglesByHand) {
  const auto s = int8_int32();
  const GateLibrary g = paper_library();
  const MacCost c = mac_cost(s, 1, g);
  num::Activity a;
  a.cycles = a.pe_cycles = a.macs = 1;
  // Operand A goes 0x00 -> 0xff while B holds 0xff: every AND of the plane
  // goes 0 -> 1 (d = pa*rb + pb*ra - ra*rb/2 = 0 + 1*1 - 0 = 1); nothing else moves.
  a.mult_a_toggles = 8;
  a.mult_a_ones = 8;
  a.mult_b_ones = 8;
  const CostReport r = cost_report(s, c, 0, 32, 1, 1, g, unit_tech(), a, 1, true);
  EXPECT_DOUBLE_EQ(r.energy_pj, 428);  // the multiplier's 428 GE, all switched
  EXPECT_DOUBLE_EQ(r.pj_per_mac, 428);
  EXPECT_DOUBLE_EQ(r.tops_per_w, 2.0 / 428);  // 2 ops per MAC, ops per pJ = TOPS/W
  // B held at 0x00 instead: the plane's outputs stay 0.
  a.mult_b_ones = 0;
  EXPECT_DOUBLE_EQ(cost_report(s, c, 0, 32, 1, 1, g, unit_tech(), a, 1, true).energy_pj, 0);
  EXPECT_DOUBLE_EQ(r.area_um2, 2 * c.pe_gates());
}

TEST(Energy_Equation, RegisterClockAndLeakageByHand) {
  const auto s = int8_int32();
  const GateLibrary g = paper_library();
  const MacCost c = mac_cost(s, 1, g);
  Technology t = unit_tech();
  t.ff_clock_ge_toggles = 2;
  t.leakage_nw_per_ge = 1000;  // 1 uW per GE
  num::Activity a;
  a.cycles = 10;
  a.pe_cycles = 10;
  a.fwd_reg_toggles = 3;  // three flip-flop flips
  const CostReport r = cost_report(s, c, 0, 32, 1, 1, g, t, a, 0, true);
  // 3 FF toggles x 6 GE; clock: 10 cycles x flip-flops x 2; leakage: gates x 1000 nW x 10 ns.
  const double expected = 3 * 6 + 10.0 * c.flip_flops * 2 + c.pe_gates() * 1000 * 10 * 1e-6;
  EXPECT_NEAR(r.energy_pj, expected, 1e-9 * expected);
  EXPECT_EQ(c.flip_flops, 32 + 17);  // accumulator + operands and valid bit
}

TEST(Energy_Activity, ZeroTogglesCostLessThanRandomAndRepeat) {
  const auto s = int8_int32();
  const GateLibrary g = paper_library();
  const MacCost c = mac_cost(s, 1, g);
  const Technology t = unit_tech();
  const num::Activity random = static_activity(c, 4, 4, 1000);  // half the bits toggle per MAC
  num::Activity zeros = random;  // same cycles, nothing toggles
  zeros.mult_a_toggles = zeros.mult_b_toggles = zeros.product_toggles = zeros.acc_toggles = zeros.fwd_reg_toggles = 0;
  const CostReport r1 = cost_report(s, c, 0, 32, 4, 4, g, t, random, 1000, false);
  const CostReport r2 = cost_report(s, c, 0, 32, 4, 4, g, t, random, 1000, false);
  const CostReport rz = cost_report(s, c, 0, 32, 4, 4, g, t, zeros, 1000, true);
  EXPECT_EQ(r1.energy_pj, r2.energy_pj);
  EXPECT_GT(r1.energy_pj, 0);
  EXPECT_EQ(rz.energy_pj, 0);  // no clock or leakage in this technology: nothing switches
  EXPECT_EQ(r1.energy_basis, "static");
  EXPECT_EQ(rz.energy_basis, "activity");
}

// A float accumulator at inf/NaN holds its code, but the normalise group
// still normalises every product's sum with it: each MAC meeting a non-finite
// accumulator adds the product node's rate per MAC to the group's rate; the
// other groups and the register do not move.
TEST(Energy_Activity, NonFiniteAccumulatorMacsSwitchTheNormaliseGroupAtTheProductsRate) {
  const num::MacSpec s = qmac::test::float_mac("fp8_e4m3", "fp16");
  const GateLibrary g = paper_library();
  const MacCost c = mac_cost(s, 1, g);
  num::Activity a;
  a.cycles = a.pe_cycles = a.macs = 10;
  a.product_toggles = 60;
  a.acc_toggles = 32;
  const int prod_bits = product_node_bits(s);
  ASSERT_GT(prod_bits, 0);
  auto by_name = [](const std::vector<Switching>& v) {
    std::map<std::string, double> m;
    for (const auto& x : v) m[x.component] = x.toggles;
    return m;
  };
  const auto finite = by_name(mac_switching(s, c, g, a));
  a.acc_nonfinite_macs = 4;  // 4 of the 10 MACs: 4/10 of the product's 60/prod_bits full-width toggles
  const auto held = by_name(mac_switching(s, c, g, a));
  int norm = 0;
  for (const auto& comp : c.mac) {
    SCOPED_TRACE(comp.name);
    if (!comp.is_register() && comp.group == std::string(kNormalizeAccumulate)) {
      ++norm;
      EXPECT_NEAR(finite.at(comp.name), comp.gates * 32.0 / c.acc_bits, 1e-9 * comp.gates);
      EXPECT_NEAR(held.at(comp.name), comp.gates * (32.0 / c.acc_bits + 4.0 / 10 * 60.0 / prod_bits),
                  1e-9 * comp.gates);
    } else if (finite.count(comp.name)) {
      EXPECT_EQ(held.at(comp.name), finite.at(comp.name));
    }
  }
  EXPECT_GE(norm, 3);
}

// The AND gate's switching probability against an independent oracle: two
// bits simulated as stationary two-state Markov chains with a given ones
// fraction p and toggle rate r (0 -> 1 with probability r / (2 (1 - p)),
// 1 -> 0 with r / (2 p)), many pairs from a stationary start, their AND's
// changes counted.
TEST(Energy_AndPlane, DensityByHandAndAgainstSimulatedBits) {
  EXPECT_DOUBLE_EQ(and_plane_density(0.5, 0.5, 0.5, 0.5), 0.375);  // 2q(1-q) at q = 1/4
  EXPECT_DOUBLE_EQ(and_plane_density(0.5, 0.4, 0.5, 0), 0.2);       // b held: its ones pass a's toggles
  EXPECT_DOUBLE_EQ(and_plane_density(0.5, 0.4, 0.25, 0), 0.1);
  EXPECT_DOUBLE_EQ(and_plane_density(0.5, 0, 0.5, 0), 0);
  EXPECT_DOUBLE_EQ(and_plane_density(0, 0, 0.5, 0.5), 0);           // a always 0
  // Toggles without one bits: no bit stream does that; an error, not a zero.
  EXPECT_THROW(and_plane_density(0, 0.5, 0, 0.5), std::invalid_argument);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  struct Bit { double p, r; };
  const std::vector<std::pair<Bit, Bit>> cases = {
      {{0.5, 0.5}, {0.5, 0.5}}, {{0.5, 0.2}, {0.5, 0.45}}, {{0.2, 0.3}, {0.5, 0.5}}, {{0.1, 0.15}, {0.3, 0.1}},
      {{0.5, 0.3}, {0.6, 0}}};
  for (const auto& [A, B] : cases) {
    auto step = [&](bool x, const Bit& s) {
      const double flip = x ? s.r / (2 * s.p) : s.r / (2 * (1 - s.p));
      return u(rng) < flip ? !x : x;
    };
    const int pairs = 20000, clocks = 20, n = pairs * clocks;
    int toggles = 0;
    for (int k = 0; k < pairs; ++k) {
      bool a = u(rng) < A.p, b = u(rng) < B.p;
      bool out = a && b;
      for (int i = 0; i < clocks; ++i) {
        a = step(a, A);
        b = step(b, B);
        toggles += (a && b) != out;
        out = a && b;
      }
    }
    EXPECT_NEAR(double(toggles) / n, and_plane_density(A.p, A.r, B.p, B.r), 0.004) << A.p << " " << A.r << " "
                                                                                     << B.p << " " << B.r;
  }
}

// Over a whole AND plane of two independent operand streams, the density of
// the streams' mean ones fraction and toggle rate per bit is the plane's
// (d is bilinear): checked against the partial products counted cell by cell
// on int8 codes -- symmetric data, and non-negative (ReLU-like) data whose
// bits are mostly 0, where a density that assumed p = 1/2 is 2x high.
TEST(Energy_AndPlane, MeanStatisticsGiveTheExactAndPlaneOfIndependentStreams) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0, 30);
  auto code = [](int v) { return uint32_t(std::clamp(v, -128, 127)) & 0xffu; };
  for (const bool relu : {false, true}) {
    const int n = 20000;
    std::vector<uint32_t> a(n), b(n);
    for (int t = 0; t < n; ++t) {
      const int x = int(std::lround(normal(rng))), w = int(std::lround(normal(rng)));
      a[size_t(t)] = code(relu ? std::max(x, 0) : x);
      b[size_t(t)] = code(w);
    }
    uint64_t cells = 0, ones_a = 0, ones_b = 0, tog_a = 0, tog_b = 0;
    for (int t = 0; t < n; ++t) {
      ones_a += uint64_t(__builtin_popcount(a[size_t(t)]));
      ones_b += uint64_t(__builtin_popcount(b[size_t(t)]));
      if (t == 0) continue;
      tog_a += uint64_t(__builtin_popcount(a[size_t(t)] ^ a[size_t(t) - 1]));
      tog_b += uint64_t(__builtin_popcount(b[size_t(t)] ^ b[size_t(t) - 1]));
      for (int i = 0; i < 8; ++i)
        for (int j = 0; j < 8; ++j) {
          const bool now = (a[size_t(t)] >> i & 1) && (b[size_t(t)] >> j & 1);
          const bool before = (a[size_t(t) - 1] >> i & 1) && (b[size_t(t) - 1] >> j & 1);
          cells += now != before;
        }
    }
    const double bits = 8.0 * n;
    const double exact = double(cells) / (64.0 * (n - 1));
    const double d = and_plane_density(ones_a / bits, tog_a / bits, ones_b / bits, tog_b / bits);
    EXPECT_NEAR(d / exact, 1.0, 0.02) << (relu ? "relu" : "normal") << ": " << d << " vs " << exact;
    if (relu) {
      EXPECT_GT(and_plane_density(0.5, tog_a / bits, 0.5, tog_b / bits) / exact, 1.5);
    }
  }
}

// The integer multiplier (an AND plane of two data operands) switches at the
// density of its operands' per-MAC, per-bit statistics; an FP8 significand
// multiplier (hidden bits: a row and a column that follow the other
// operand) and an INT x FP one keep the operands' mean rate.
TEST(Energy_AndPlane, IntegerMultipliersOnlyAtPerMacAndPerBitStatistics) {
  const GateLibrary g = paper_library();
  auto multiplier = [&](const num::MacSpec& s, const num::Activity& a) {
    const MacCost c = mac_cost(s, 1, g);
    double gates = 0, toggles = -1;
    for (const auto& comp : c.mac)
      if (comp.name == "significand_multiplier") gates = comp.gates;
    for (const auto& sw : mac_switching(s, c, g, a))
      if (sw.component == "significand_multiplier") toggles = sw.toggles;
    return std::pair{gates, toggles};
  };
  auto activity = [](uint64_t macs, int a_bits, double pa, double ra, int b_bits, double pb, double rb) {
    num::Activity a;
    a.macs = macs;
    a.mult_a_ones = uint64_t(std::lround(double(macs) * a_bits * pa));
    a.mult_a_toggles = uint64_t(std::lround(double(macs) * a_bits * ra));
    a.mult_b_ones = uint64_t(std::lround(double(macs) * b_bits * pb));
    a.mult_b_toggles = uint64_t(std::lround(double(macs) * b_bits * rb));
    return a;
  };
  const auto i8 = int8_int32();
  const auto [gi, ti] = multiplier(i8, activity(1000, 8, 0.5, 0.5, 8, 0.25, 0.2));
  EXPECT_GT(gi, 0);
  EXPECT_NEAR(ti, gi * 1000 * (0.5 * 0.2 + 0.25 * 0.5 - 0.5 * 0.2 / 2), 1e-9 * ti);
  // The same counts over twice the MACs: half the rates per MAC, not the same energy.
  num::Activity twice = activity(1000, 8, 0.5, 0.5, 8, 0.25, 0.2);
  twice.macs = 2000;
  EXPECT_NEAR(multiplier(i8, twice).second, gi * 2000 * (0.25 * 0.1 + 0.125 * 0.25 - 0.25 * 0.1 / 2), 1e-9 * ti);
  // Unequal widths: each operand's rates per its own bits (int4 x int8).
  num::MacSpec i48 = i8;
  i48.a = num::parse_format("int4");
  const auto [g48, t48] = multiplier(i48, activity(1000, 4, 0.5, 0.25, 8, 0.5, 0.5));
  EXPECT_NEAR(t48, g48 * 1000 * (0.5 * 0.5 + 0.5 * 0.25 - 0.25 * 0.5 / 2), 1e-9 * t48);
  // int8 x uint4: a 9 x 5 array whose zero-extension row (the unsigned
  // operand's) never switches: 4/5 of it live.
  num::MacSpec u4 = i8;
  u4.b = num::parse_format("uint4");
  const auto [gu, tu] = multiplier(u4, activity(1000, 8, 0.5, 0.5, 4, 0.25, 0.2));
  EXPECT_NEAR(tu, gu * 1000 * (0.5 * 0.2 + 0.25 * 0.5 - 0.5 * 0.2 / 2) * 4 / 5, 1e-9 * tu);
  // No MAC counted: the operands' rate (no division by zero).
  num::Activity none;
  none.mult_a_toggles = 16;
  EXPECT_NEAR(multiplier(i8, none).second, gi * 16 / 16.0, 1e-9 * gi);
  // Float and mixed multipliers: the mean rate of both operands' bits.
  const num::MacSpec fp = qmac::test::float_mac("fp8_e4m3", "fp16");
  const auto [gf, tf] = multiplier(fp, activity(1000, 8, 0.5, 0.5, 8, 0.25, 0.2));
  EXPECT_GT(gf, 0);
  EXPECT_NEAR(tf, gf * 1000 * (8 * 0.5 + 8 * 0.2) / 16.0, 1e-9 * tf);
  num::MacSpec w8a16 = fp;
  w8a16.a = num::parse_format("fp16");
  w8a16.b = num::parse_format("int8");
  w8a16.acc.format = num::parse_format("fp32");
  const auto [gw, tw] = multiplier(w8a16, activity(1000, 16, 0.5, 0.5, 8, 0.25, 0.2));
  EXPECT_GT(gw, 0);
  EXPECT_NEAR(tw, gw * 1000 * (16 * 0.5 + 8 * 0.2) / 24.0, 1e-9 * tw);
}

}  // namespace
