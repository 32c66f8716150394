// Building blocks on small widths, counted by hand from the cells (paper
// library: AND2 = OR2 = 1, AO21 = 2, MUX2 = XOR2 = HA = 3, FA = 7, FF = 6).
#include <gtest/gtest.h>

#include "models/cost/gates.hpp"
#include "models/cost/mac_cost.hpp"

namespace {

using namespace qmac::cost;

TEST(Gates_Paper, AdderMultiplierShifterByHand) {
  const GateLibrary g = paper_library();
  EXPECT_EQ(adder(g, 1), 3);            // a half adder
  EXPECT_EQ(adder(g, 4), 3 * 7 + 3);    // 3 FA + HA
  EXPECT_EQ(incrementer(g, 5), 15);     // 5 HA
  // 2x2: 4 AND2 partial products, one FA, one HA.
  EXPECT_EQ(multiplier(g, 2, 2), 4 + 7 + 3);
  // 8x8 (the paper's INT8 multiplier, ~420 in Fig. 3): 64 + 49*7 + 7*3 = 428.
  EXPECT_EQ(multiplier(g, 8, 8), 428);
  // 4x2: 8 AND2 + 1 row of 3 FA + 1 HA.
  EXPECT_EQ(multiplier(g, 4, 2), 8 + 21 + 3);
  EXPECT_EQ(multiplier(g, 2, 4), multiplier(g, 4, 2));
  // 8 bits shifted by up to 7: 3 stages of 8 MUX2.
  EXPECT_EQ(shifter(g, 8, 7), 8 * 3 * 3);
  EXPECT_EQ(shifter(g, 8, 8), 8 * 4 * 3);  // 8 needs a fourth stage
  // A 4-bit value placed in a 16-bit window, shift up to 12: stages of 5, 7, 11, 16 MUX2.
  EXPECT_EQ(placing_shifter(g, 4, 16, 12), (5 + 7 + 11 + 16) * 3);
  // LZC of 4 bits: level 1: 2 nodes x OR2; level 2: 1 node x (OR2 + MUX2) = 2 + 4.
  EXPECT_EQ(leading_zero_counter(g, 4), 2 * 1 + 1 * (1 + 3));
  EXPECT_EQ(leading_zero_counter(g, 3), leading_zero_counter(g, 4));  // rounded up to a power of two
  EXPECT_EQ(reg(g, 10), 60);
}

TEST(MacCost_Int8, Int32AccumulatorByHand) {
  qmac::num::MacSpec s;
  s.a = s.b = qmac::num::parse_format("int8");
  s.acc.kind = qmac::num::AccKind::integer;
  s.acc.width = 32;
  const GateLibrary g = paper_library();
  const MacCost c = mac_cost(s, 1, g);
  // multiplier 428; adder: 16 product bits (15 FA + HA = 108) + 16 inc/dec cells
  // of HA + XOR2 (96); register 32 FF (192).
  EXPECT_EQ(c.mac_gates(), 428 + 108 + 96 + 192);
  // PE: operands 8 + 8 + valid = 17 FF.
  EXPECT_EQ(c.pe_gates() - c.mac_gates(), 17 * 6);
  EXPECT_EQ(c.groups().at(kMultiplier), 428);
  // Saturation adds a MUX2 per bit and overflow detection.
  s.acc.int_overflow = qmac::num::IntOverflow::saturate;
  EXPECT_EQ(mac_cost(s, 1, g).mac_gates(), 428 + 108 + 96 + 192 + 32 * 3 + 2 * 3);
  // A second pipeline stage registers the 16-bit product (+1 sign bit).
  s.acc.int_overflow = qmac::num::IntOverflow::wrap;
  EXPECT_EQ(mac_cost(s, 2, g).mac_gates() - mac_cost(s, 1, g).mac_gates(), 17 * 6);
}

TEST(MacCost_Library, SwitchingTheLibraryChangesEveryFigureConsistently) {
  qmac::num::MacSpec s;
  s.a = s.b = qmac::num::parse_format("fp8_e4m3");
  s.acc.kind = qmac::num::AccKind::floating;
  s.acc.format = qmac::num::parse_format("fp16");
  GateLibrary doubled = paper_library();
  for (double* cell : {&doubled.and2, &doubled.or2, &doubled.ao21, &doubled.oa21, &doubled.mux2, &doubled.xor2,
                       &doubled.ha, &doubled.fa, &doubled.ff})
    *cell *= 2;
  EXPECT_DOUBLE_EQ(mac_cost(s, 1, doubled).pe_gates(), 2 * mac_cost(s, 1, paper_library()).pe_gates());
  GateLibrary cheap_fa = paper_library();
  cheap_fa.fa = 5;
  EXPECT_LT(mac_cost(s, 1, cheap_fa).mac_gates(), mac_cost(s, 1, paper_library()).mac_gates());
}

}  // namespace
