// The energy equation of models/cost/energy.hpp on activities small enough to
// evaluate by hand; zero data costs less than random data; deterministic.
#include <gtest/gtest.h>

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

}  // namespace
