// The energy equation of models/cost/energy.hpp on activities small enough to
// evaluate by hand; zero data costs less than random data; deterministic.
#include <gtest/gtest.h>

#include <random>

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
  a.mult_a_toggles = 8;  // operand A flips all 8 bits once; nothing else moves
  const CostReport r = cost_report(s, c, 0, 32, 1, 1, g, unit_tech(), a, 1, true);
  // The multiplier's 428 GE follow their inputs' rate: 8 toggles / 16 input bits.
  EXPECT_DOUBLE_EQ(r.energy_pj, 428 * 0.5);
  EXPECT_DOUBLE_EQ(r.pj_per_mac, 214);
  EXPECT_DOUBLE_EQ(r.tops_per_w, 2.0 / 214);  // 2 ops per MAC, ops per pJ = TOPS/W
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

// The AND gate's transition density against an independent oracle: two bit
// streams simulated with the model's assumptions (each bit 1 with probability
// 1/2, toggling with probability ra / rb per clock, independently), their AND's
// toggles counted.
TEST(Energy_AndPlane, DensityByHandAndAgainstSimulatedBits) {
  EXPECT_DOUBLE_EQ(and_plane_density(0.5, 0.5), 0.375);  // 2p(1-p), p = 1/4
  EXPECT_DOUBLE_EQ(and_plane_density(0.4, 0), 0.2);      // one operand held: the mean rate
  EXPECT_DOUBLE_EQ(and_plane_density(0, 0), 0);
  EXPECT_DOUBLE_EQ(and_plane_density(1, 1), 0.5);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  for (const auto& [ra, rb] : std::vector<std::pair<double, double>>{{0.5, 0.5}, {0.2, 0.45}, {0.05, 0.5}, {0.3, 0}}) {
    // Many independent pairs, each from a random start: a held bit is 1 in half of them.
    const int pairs = 2000, clocks = 200, n = pairs * clocks;
    int toggles = 0;
    for (int k = 0; k < pairs; ++k) {
      bool a = u(rng) < 0.5, b = u(rng) < 0.5;
      bool out = a && b;
      for (int i = 0; i < clocks; ++i) {
        if (u(rng) < ra) a = !a;
        if (u(rng) < rb) b = !b;
        toggles += (a && b) != out;
        out = a && b;
      }
    }
    EXPECT_NEAR(double(toggles) / n, and_plane_density(ra, rb), 0.004) << ra << " " << rb;
  }
}

// The integer multiplier (an AND plane of two data operands) switches at the
// AND density of its operands' per-MAC rates; an FP8 significand multiplier,
// whose hidden bits are a row and a column that follow the other operand,
// keeps the operands' mean rate.
TEST(Energy_AndPlane, IntegerMultipliersOnlyAndPerMac) {
  const GateLibrary g = paper_library();
  num::Activity a;
  a.macs = 1000;
  a.mult_a_toggles = 1000 * 8 / 2;  // half of 8 bits per MAC
  a.mult_b_toggles = 1000 * 8 / 5;  // a fifth
  auto multiplier_toggles = [&](const num::MacSpec& s) {
    const MacCost c = mac_cost(s, 1, g);
    double gates = 0, toggles = 0;
    for (const auto& comp : c.mac)
      if (comp.name == "significand_multiplier") gates = comp.gates;
    for (const auto& sw : mac_switching(s, c, g, a))
      if (sw.component == "significand_multiplier") toggles = sw.toggles;
    return std::pair{gates, toggles};
  };
  const auto [gi, ti] = multiplier_toggles(int8_int32());
  EXPECT_GT(gi, 0);
  EXPECT_NEAR(ti, gi * 1000 * (0.5 + 0.2 - 0.5 * 0.2) / 2, 1e-9 * ti);
  // Twice the MACs with the same toggles: lower rates per MAC, not the same energy.
  a.macs = 2000;
  EXPECT_NEAR(multiplier_toggles(int8_int32()).second, gi * 2000 * (0.25 + 0.1 - 0.25 * 0.1) / 2, 1e-9 * ti);
  a.macs = 1000;
  num::MacSpec fp = int8_int32();
  fp.a = fp.b = num::parse_format("fp8_e4m3");
  fp.acc.kind = num::AccKind::floating;
  fp.acc.format = num::parse_format("fp16");
  const auto [gf, tf] = multiplier_toggles(fp);
  EXPECT_GT(gf, 0);
  EXPECT_NEAR(tf, gf * (1000 * 8 / 2 + 1000 * 8 / 5) / 16.0, 1e-9 * tf);
}

}  // namespace
