// MAC components counted by hand from the cells of the paper's library
// (AND2 = OR2 = 1, AO21 = 2, MUX2 = XOR2 = HA = 3, FA = 7, FF = 6): each
// expected number below is written out from the component list in
// models/cost/mac_cost.cpp's comments, not computed by the code under test.
#include <gtest/gtest.h>

#include "models/cost/gates.hpp"
#include "models/cost/mac_cost.hpp"

namespace {

using namespace qmac::cost;
namespace num = qmac::num;

double component(const MacCost& c, const std::string& name) {
  double g = 0;
  for (const auto& comp : c.mac) if (comp.name == name) g += comp.gates;
  return g;
}

num::MacSpec float_acc(const char* in_a, const char* in_b, const char* acc, bool fused = true) {
  num::MacSpec s;
  s.a = num::parse_format(in_a);
  s.b = num::parse_format(in_b);
  s.acc.kind = num::AccKind::floating;
  s.acc.format = num::parse_format(acc);
  s.fused = fused;
  return s;
}

TEST(Gates_Paper, IncDecAndLeadingZeroCounterByHand) {
  const GateLibrary g = paper_library();
  EXPECT_EQ(inc_dec(g, 3), 3 * (3 + 3));  // HA + XOR2 per bit
  // LZC of 8 bits: level 1: 4 x OR2; level 2: 2 x (OR2 + MUX2); level 3: 1 x (OR2 + 2 MUX2).
  EXPECT_EQ(leading_zero_counter(g, 8), 4 * 1 + 2 * (1 + 3) + 1 * (1 + 6));
  EXPECT_EQ(leading_zero_counter(g, 5), leading_zero_counter(g, 8));
  EXPECT_EQ(leading_zero_counter(g, 2), 1);  // one OR2; the count bit is an inverter
  EXPECT_EQ(multiplier(g, 1, 5), 5);         // 1 x m: AND2 only
  EXPECT_EQ(multiplier(g, 3, 3), 9 + 4 * 7 + 2 * 3);
  EXPECT_EQ(shifter(g, 5, 0), 0);            // no shift, no MUX
  EXPECT_EQ(placing_shifter(g, 9, 37, 28), (10 + 12 + 16 + 24 + 37) * 3);
}

TEST(MacCost_Fp8E4, Fp16AccumulatorByHand) {
  const MacCost c = mac_cost(float_acc("e4m3_fnuz", "e4m3_fnuz", "fp16"), 1, paper_library());
  // multiplier: 4x4 array 16 + 9 FA + 3 HA = 88; sign XOR2 3; hidden bits 2 x 3 OR2 = 6;
  // exponent sum over x = 5 bits: 5 FA + adder(6) = 35 + 38.
  EXPECT_EQ(component(c, "significand_multiplier"), 88);
  EXPECT_EQ(component(c, "exponent_adder"), 35 + 38);
  EXPECT_EQ(c.groups().at(kMultiplier), 88 + 3 + 6 + 73);
  // align+add, datapath p + 3 = 14 bits, exponent difference max(5, 6) + 1 = 7 bits:
  // adder(7) 45; swap (2*14 + 5) MUX2 = 99; shifter 14 x 4 stages x 3 = 168;
  // sticky 14 OR2; 14 XOR2 + adder(15) = 42 + 101.
  EXPECT_EQ(component(c, "exponent_difference"), 45);
  EXPECT_EQ(component(c, "alignment_shifter"), 168);
  EXPECT_EQ(c.groups().at(kAlignAdd), 45 + 99 + 168 + 14 + 143);
  // normalise+accumulate: negation 15 x (XOR2 + HA) = 90; LZC(16) = 8 + 4*4 + 2*7 + 10 = 48;
  // shifter 15 x 4 x 3 = 180; exponent adjust adder(6) = 38; rounder 4 AO21 + 11 HA = 41;
  // overflow (5 + 16) AND2 = 21; register 16 FF = 96.
  EXPECT_EQ(component(c, "leading_zero_counter"), 48);
  EXPECT_EQ(c.groups().at(kNormalizeAccumulate), 90 + 48 + 180 + 38 + 41 + 21 + 96);
  EXPECT_EQ(c.mac_gates(), 170 + 469 + 514);
  EXPECT_EQ(c.acc_bits, 16);
}

TEST(MacCost_Fp8E4, KulischAccumulatorByHand) {
  num::MacSpec s;
  s.a = s.b = num::parse_format("e4m3_fnuz");
  s.acc = num::kulisch_for(s.a, s.b, 0);  // the exact product range: 37 bits
  ASSERT_EQ(s.acc.width, 37);
  const MacCost c = mac_cost(s, 1, paper_library());
  // To two's complement: 9 XOR2 + 9 HA = 54; product pipe register 1 + 8 + 6 = 15 FF = 90;
  // placing shifter 9 -> 37 bits over 28 positions: (10 + 12 + 16 + 24 + 37) MUX2 = 297;
  // adder(37) = 36 FA + HA = 255; register 37 FF = 222.
  EXPECT_EQ(component(c, "product_twos_complement"), 54);
  EXPECT_EQ(component(c, "product_pipe_register"), 90);
  EXPECT_EQ(component(c, "product_alignment_shifter"), 297);
  EXPECT_EQ(component(c, "accumulator_adder"), 255);
  EXPECT_EQ(c.mac_gates(), 170 + 54 + 90 + 297 + 255 + 222);
  // Twelve carry bits on top (the config default's sizing) add 12 inc/dec cells and 12 FF,
  // and widen nothing else.
  s.acc.width += 12;
  EXPECT_EQ(mac_cost(s, 1, paper_library()).mac_gates() - c.mac_gates(), 12 * 6 + 12 * 6);
}

TEST(MacCost_Mixed, W8A16Int8TimesFp16) {
  const MacCost c = mac_cost(float_acc("int8", "fp16", "fp32"), 1, paper_library());
  // 11 x 8 array: 88 AND2 + 10*7 FA + 7 HA = 88 + 490 + 21; sign 3; fp16 hidden bit 4 OR2;
  // no exponent adder (the integer has a fixed weight).
  EXPECT_EQ(component(c, "significand_multiplier"), 88 + 490 + 21);
  EXPECT_EQ(component(c, "exponent_adder"), 0);
  EXPECT_EQ(c.groups().at(kMultiplier), 599 + 3 + 4);
  // Exponent difference over max(8, 5) + 1 = 9 bits: adder(9) = 59.
  EXPECT_EQ(component(c, "exponent_difference"), 59);
  EXPECT_EQ(c.acc_bits, 32);
}

TEST(MacCost_Fused, NonFusedRoundsTheProductFirst) {
  // fp16 x fp16 products have 22 significand bits, the fp16 accumulator 11: a
  // non-fused MAC rounds the product first: incrementer(11) + 11 OR2 (sticky of
  // the dropped bits) = 33 + 11.
  const double fused = mac_cost(float_acc("fp16", "fp16", "fp16", true), 1, paper_library()).mac_gates();
  const double unfused = mac_cost(float_acc("fp16", "fp16", "fp16", false), 1, paper_library()).mac_gates();
  EXPECT_EQ(unfused - fused, 33 + 11);
  // Products that already fit the accumulator need no product rounding.
  EXPECT_EQ(mac_cost(float_acc("e4m3_fnuz", "e4m3_fnuz", "fp16", false), 1, paper_library()).mac_gates(),
            mac_cost(float_acc("e4m3_fnuz", "e4m3_fnuz", "fp16", true), 1, paper_library()).mac_gates());
}

TEST(MacCost_RtlDatapath, NonFusedProductRounderPricesOnlyWhatTheProductRangeNeeds) {
  // The reference-RTL decomposition with the paper's cells. E4M3 x E4M3 -> FP16,
  // non-fused: 8-bit products (q = 8 <= p = 11: nothing to round), exponent sum
  // 2..30 (5 bits), top-bit exponent 2 - 20 + 7 = -11 .. 17: never below FP16's
  // emin = -14 (no right shift), but after normalising by up to 7 it can be
  // (-18: the stop at emin), and it can reach emax = 15 (overflow compare).
  // Exponent width ew = 7 (the largest value the datapath forms is 33).
  //   LZC(8), no padding: 4 OR2 + 2 (OR2 + MUX2) + (OR2 + 2 MUX2), and the
  //     count gated by the root's any-one flag (3 AND2)             = 4 + 8 + 7 + 3 = 22
  //   left shift (8, by 0..7): 7 MUX2 + 1 AND2, 6 + 2, 4 + 4          = 22 + 20 + 16 = 58
  //   exponent - lz: adder(5) = 4 FA + HA                            = 31
  //   stop at emin: OR over 2 bits (1 OR2) + a 4-bit comparator (3 x (AND2 + OR2
  //     + AO21) + AND2: a carry chain, no sums) + (4 + 7) MUX2       = 1 + 13 + 33 = 47
  //   pack: 7 AND2 (exponent field) + the overflow compare packed > 0x7bff: its
  //     low 10 bits are all ones, so only the 7 bits above count (7 gates)
  //     + 16 (AND2 + OR2)                                           = 7 + 7 + 32 = 46
  qmac::cost::GateLibrary g = paper_library();
  g.datapath = Datapath::rtl;
  const MacCost c = mac_cost(float_acc("fp8_e4m3", "fp8_e4m3", "fp16", false), 1, g);
  EXPECT_EQ(component(c, "product_rounder"), 22 + 58 + 31 + 47 + 46);
  // INT8 x INT8 -> FP16: products of magnitudes <= 128 are <= 2^14, 15 bits
  // (the top bit of 8 x 8 is never set), so they need the round increment
  // (sticky OR, 2 AO21, incrementer over exponent and mantissa) the E4M3 product
  // does not, but neither the stop at emin nor the overflow compare (the top-bit
  // exponent is the constant 14, below FP16's emax = 15).
  const MacCost i = mac_cost(float_acc("int8", "int8", "fp16", false), 1, g);
  const int ew = float_adder_widths(float_acc("int8", "int8", "fp16", false)).ew;
  EXPECT_EQ(float_adder_widths(float_acc("int8", "int8", "fp16", false)).q, 15);
  //   LZC(15), padded with one 1 to 16 (gates.cpp): level 1 7 OR2 (the node with
  //   the padding bit: a constant flag, its count ~x), level 2 3 (OR2 + MUX2) + 1
  //   MUX2, level 3 (OR2 + 2 MUX2) + 2 MUX2, the padded root 3 MUX2 = 7 + 15 + 13 + 9 = 44; left shift (15, by 0..14): 14*3+1, 13*3+2, 11*3+4, 7*3+8 = 43+41+37+29
  //   exponent: no exponent sum, the constant 14 + 15 - lz: a carry chain through
  //   lz's 4 bits, 4 HA = 12; round: OR over 6 bits (5) + 2 AO21 (4) + (ew + 10) HA
  //   pack: ew AND2 + 16 * 2
  EXPECT_EQ(component(i, "product_rounder"),
            44 + (43 + 41 + 37 + 29) + 12 + (5 + 4 + 3 * (ew + 10)) + (ew + 32));
}

TEST(MacCost_RtlDatapath, AdderExponentsCarryTheWidthsOfTheirValues) {
  // The float adder works in the accumulator's biased exponents (emin = 1) at the
  // widths their values need. E4M3 x E4M3 -> BF16, fused: the product's top-bit
  // exponent is esum + (lsb0 + q - 1 + bias) - lz = esum + (-20 + 7 + 127) - lz,
  // esum 2..30, lz 0..8: 108 .. 144, 8 bits unsigned; the accumulator's field
  // 1 .. 255; their difference -147 .. 143 (9-bit two's complement); the larger
  // <= 255 (8 bits); the result exponent 8 bits: no finite sum rounds above
  // BF16's largest finite value (OverflowCompareOnly... below), so no field of
  // 255 and no carry out of it (an inf/NaN accumulator's code wins).
  const auto expect_widths = [](const char* acc, int y_lo, int y_hi, bool y_signed, int yw, int dw, int aw, int xw) {
    const FloatAdderWidths w = float_adder_widths(float_acc("fp8_e4m3", "fp8_e4m3", acc));
    SCOPED_TRACE(acc);
    EXPECT_EQ(w.y_lo, y_lo);
    EXPECT_EQ(w.y_hi, y_hi);
    EXPECT_EQ(w.y_signed, y_signed);
    EXPECT_EQ(w.yw, yw);
    EXPECT_EQ(w.dw, dw);
    EXPECT_EQ(w.aw, aw);
    EXPECT_EQ(w.xw, xw);
  };
  expect_widths("bf16", 108, 144, false, 8, 9, 8, 8);
  EXPECT_EQ(float_adder_widths(float_acc("fp8_e4m3", "fp8_e4m3", "bf16")).cw, 8);
  // Into FP16 (bias 15) the product can lie below the biased range: -4 .. 32,
  // 7-bit two's complement; difference -35 .. 31 (7 bits); larger <= 32 (6 bits);
  // a sum can overflow FP16: the result exponent keeps room for the carry (6 bits).
  expect_widths("fp16", -4, 32, true, 7, 7, 6, 6);
  // Non-fused: the rounded product's exponent field 1 .. 31 like the accumulator's.
  const FloatAdderWidths n = float_adder_widths(float_acc("fp8_e4m3", "fp8_e4m3", "fp16", false));
  EXPECT_EQ(n.yw, 5);
  EXPECT_EQ(n.dw, 6);
  EXPECT_EQ(n.aw, 5);
  // exponent_adjust of E4M3 -> BF16 with the paper's cells: e_align + 1 - sh, a
  // 4-bit subtractor (3 FA + HA) and 4 inc/dec cells (HA + XOR2) up to xw = 8.
  qmac::cost::GateLibrary g = paper_library();
  g.datapath = Datapath::rtl;
  const MacCost c = mac_cost(float_acc("fp8_e4m3", "fp8_e4m3", "bf16"), 1, g);
  EXPECT_EQ(component(c, "exponent_adjust"), 24 + 4 * 6);
}

TEST(MacCost_RtlDatapath, ExponentDifferenceFormsOnlyTheShiftAmountsBitsOfTheMagnitude) {
  // The alignment shift is |ey - ec| clamped at N - 1 < 2^sw: the RTL negates
  // only d's low sw bits and tells from d's upper bits whether |d| reaches 2^sw.
  // E4M3 x E4M3 -> BF16 with the paper's cells (N = 11, sw = 4, d 9 bits):
  //   d = ey - ec, both 8 bits unsigned: 7 FA + HA (bit 8 is the borrow)  = 52
  //   d > 0: OR over 9 bits + 2 AND2 (sign, y_zero)                      = 10
  //   |d| mod 16: (d ^ sign) + sign over 4 bits, bit 0 d's own: 3 XOR2 + 3 HA = 18
  //   |d| >= 16: OR and AND over d[7:4] (3 + 3), OR over d[3:0] (3), their
  //     OR2, MUX2 by the sign                                             = 10 + 3
  //   |d| > 10: 3 gates below the top bit, OR2 with the above            = 4
  //   the clamp to the constant 10: 4 AND2/OR2; e_align: 8 MUX2           = 4 + 24
  qmac::cost::GateLibrary g = paper_library();
  g.datapath = Datapath::rtl;
  EXPECT_EQ(component(mac_cost(float_acc("fp8_e4m3", "fp8_e4m3", "bf16"), 1, g), "exponent_difference"),
            52 + 10 + 18 + 13 + 4 + 4 + 24);
  // Into FP16 (N = 14): ey 7 bits signed, ec 5 unsigned, d 7 bits: 4 FA + HA
  // where both have bits, 2 HA of the borrow over ey's bits 5..6 (37); d > 0: 6
  // OR2 + 2 AND2; |d| mod 16 as above (18); |d| >= 16: OR and AND over d[5:4]
  // (1 + 1), OR over d[3:0] (3), OR2, MUX2 (6 + 3); |d| > 13: 3 gates + OR2;
  // clamp 4; e_align 6 MUX2 (18).
  EXPECT_EQ(component(mac_cost(float_acc("fp8_e4m3", "fp8_e4m3", "fp16"), 1, g), "exponent_difference"),
            37 + 8 + 18 + 9 + 4 + 4 + 18);
}

TEST(MacCost_RtlDatapath, BlocksHaveNoCellsOverConstantBits) {
  // Cells whose inputs the RTL fixes are constants after synthesis; each block
  // formula leaves them out (paper cells, E4M3 x E4M3 -> BF16, N = 11).
  qmac::cost::GateLibrary g = paper_library();
  g.datapath = Datapath::rtl;
  const MacCost c = mac_cost(float_acc("fp8_e4m3", "fp8_e4m3", "bf16"), 1, g);
  // alignment_shifter: the 10-bit input {other, 2'b00} shifted right by 1, 2, 4,
  // 8. Shift 1: bit 0 sees two zeros (nothing), bit 1 one (AND2), bits 2..8
  // MUX2, bit 9 the zero fill (AND2); no sticky (only a zero is shifted out).
  // Shift 2: bit 0 AND2, bits 1..7 MUX2, 8..9 AND2; sticky: one live bit, AND2
  // with the select, starting the running sticky (no OR2). Shift 4: 6 MUX2 + 4
  // AND2, sticky 3 OR2 + AND2 + OR2. Shift 8: 2 MUX2 + 8 AND2, sticky 7 + 1 + 1.
  EXPECT_EQ(component(c, "alignment_shifter"), (7 * 3 + 2) + (7 * 3 + 3 + 1) + (6 * 3 + 4 + 5) + (2 * 3 + 8 + 9));
  // result_negation: (r ^ s) + s over 12 bits; bit 0 is r's own: 11 XOR2 + 11 HA.
  EXPECT_EQ(component(c, "result_negation"), 11 * 3 + 11 * 3);
  // leading_zero_counter(12), padded with four 1s to 16: level 1 6 OR2; level 2
  // 3 (OR2 + MUX2); level 3 the full node OR2 + 2 MUX2, the node over bits 8..11
  // and padding a constant flag and 2 AND2 (its right half is padding); the padded
  // root 3 MUX2 and no flag.
  EXPECT_EQ(component(c, "leading_zero_counter"), 6 + 12 + (7 + 2) + 9);
  // normalization_shifter: the 12-bit left shift (11 MUX2 + 1 AND2, 10 + 2, 8 + 4,
  // 4 + 8), lz <= e_align: an OR over the limit's 4 bits above the count (3) and
  // a 4-bit comparator (3 x (AND2 + OR2 + AO21) + AND2 = 13), 4 MUX2.
  EXPECT_EQ(component(c, "normalization_shifter"), (34 + 32 + 28 + 20) + 3 + 13 + 12);
  // An INT8 operand's magnitude (v ^ sign) + sign, the sign v[7]: bit 0 is v's
  // own, bit 7 is v[7] ^ v[7] = 0 plus the carry out (AND2): 6 XOR2 + 6 HA + AND2.
  EXPECT_EQ(component(mac_cost(float_acc("int8", "int8", "fp32"), 1, g), "operand_magnitude_a"), 18 + 18 + 1);
}

TEST(MacCost_RtlDatapath, OverflowCompareOnlyWhereAFiniteSumCanRoundAboveTheLargestFinite) {
  // A finite sum rounds above the largest finite M only if the product reaches
  // half an ulp of M, 2^(emax - m - 1). E4M3 products are below 2^18 (top-bit
  // exponent <= 17): BF16's half ulp at M is 2^119, FP32's 2^103 -- no compare;
  // FP16's is 2^4 -- compared. INT8 x INT8 (< 2^15) into FP32: none.
  EXPECT_FALSE(float_adder_widths(float_acc("fp8_e4m3", "fp8_e4m3", "bf16")).can_overflow);
  EXPECT_FALSE(float_adder_widths(float_acc("fp8_e4m3", "fp8_e4m3", "fp32")).can_overflow);
  EXPECT_TRUE(float_adder_widths(float_acc("fp8_e4m3", "fp8_e4m3", "fp16")).can_overflow);
  EXPECT_TRUE(float_adder_widths(float_acc("fp8_e4m3", "fp8_e4m3", "fp16", false)).can_overflow);
  EXPECT_FALSE(float_adder_widths(float_acc("int8", "int8", "fp32")).can_overflow);
  EXPECT_TRUE(float_adder_widths(float_acc("int8", "int8", "fp16")).can_overflow);
  // overflow_logic with the paper's cells: 16 code bits x (AND2 + OR2) + 6 OR2
  // (NaN/inf combination), plus for FP16 the compare of the xw + m = 6 + 10 bit
  // packed result with 0x7bff, whose 10 low bits are all ones: a gate per bit
  // above them (6).
  qmac::cost::GateLibrary g = paper_library();
  g.datapath = Datapath::rtl;
  EXPECT_EQ(component(mac_cost(float_acc("fp8_e4m3", "fp8_e4m3", "bf16"), 1, g), "overflow_logic"), 32 + 6);
  EXPECT_EQ(component(mac_cost(float_acc("fp8_e4m3", "fp8_e4m3", "fp16"), 1, g), "overflow_logic"), 6 + 32 + 6);
}

// Every accumulator kind builds, with the accumulator register at its width and
// the MAC's three groups summing to mac_gates.
struct Variant {
  const char* a;
  const char* b;
  num::AccKind kind;
  int width;
  const char* format;
};
class MacCost_Variants : public ::testing::TestWithParam<Variant> {};

num::MacSpec spec_of(const Variant& v) {
  num::MacSpec s;
  s.a = num::parse_format(v.a);
  s.b = num::parse_format(v.b);
  if (v.kind == num::AccKind::fixed) {
    s.acc = num::kulisch_for(s.a, s.b);
  } else {
    s.acc.kind = v.kind;
    s.acc.width = v.width;
    if (v.kind == num::AccKind::floating) s.acc.format = num::parse_format(v.format);
  }
  return s;
}

TEST_P(MacCost_Variants, GroupsSumAndRegisterWidth) {
  const Variant v = GetParam();
  const num::MacSpec s = spec_of(v);
  const MacCost c = mac_cost(s, 1, paper_library());
  const auto groups = c.groups();
  double sum = 0;
  for (const char* g : {kMultiplier, kAlignAdd, kNormalizeAccumulate})
    sum += groups.count(g) ? groups.at(g) : 0;
  EXPECT_DOUBLE_EQ(sum, c.mac_gates());
  const int reg_bits = v.kind == num::AccKind::floating ? s.acc.format.bits() : s.acc.width;
  EXPECT_EQ(component(c, "accumulator_register"), 6.0 * reg_bits);
  EXPECT_GT(c.pe_gates(), c.mac_gates());
}

// The energy model and the flip-flop count tell registers from logic by
// Component::part: every component priced as flip-flops (formula "reg(...)")
// is a register part and nothing else is, in both decompositions, pipelined or
// not, with every PE shape; flip_flops is their gates over one flip-flop's.
TEST_P(MacCost_Variants, RegistersAreExactlyTheFlipFlopComponents) {
  const Variant v = GetParam();
  const num::MacSpec s = spec_of(v);
  for (const Datapath d : {Datapath::paper, Datapath::rtl})
    for (const int stages : {1, 3})
      for (const PeShape shape : {PeShape{false, false, s.b.bits()}, PeShape{false, true, s.b.bits()},
                                  PeShape{true, false, s.b.bits()}}) {
        GateLibrary g = paper_library();
        g.datapath = d;
        MacCost c = mac_cost(s, stages, g);
        add_pe(c, stages, shape, g);
        double ff_gates = 0;
        int accumulators = 0;
        for (const auto* part : {&c.mac, &c.pe_extra})
          for (const Component& comp : *part) {
            EXPECT_EQ(comp.is_register(), comp.formula.find("reg(") != std::string::npos)
                << comp.name << " (" << comp.formula << ")";
            if (comp.is_register()) ff_gates += comp.gates;
            if (comp.part == Part::accumulator_register) ++accumulators;
            if (comp.part == Part::pipeline_registers) {
              EXPECT_GT(stages, 1) << comp.name;
            }
          }
        EXPECT_EQ(accumulators, 1);
        EXPECT_DOUBLE_EQ(c.flip_flops * g.ff, ff_gates) << "datapath " << int(d) << ", " << stages << " stages";
      }
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, MacCost_Variants,
    ::testing::Values(Variant{"int8", "int8", num::AccKind::integer, 32, ""},
                      Variant{"int4", "int8", num::AccKind::integer, 20, ""},
                      Variant{"uint8", "int8", num::AccKind::integer, 24, ""},
                      Variant{"int8", "int8", num::AccKind::fixed, 0, ""},
                      Variant{"fp8_e4m3", "fp8_e4m3", num::AccKind::fixed, 0, ""},
                      Variant{"int8", "fp16", num::AccKind::fixed, 0, ""},
                      Variant{"fp8_e5m2", "fp8_e4m3", num::AccKind::floating, 0, "bf16"},
                      Variant{"int8", "int8", num::AccKind::floating, 0, "fp32"},
                      Variant{"int8", "fp16", num::AccKind::floating, 0, "fp16"},
                      Variant{"fp8_e4m3", "fp8_e4m3", num::AccKind::floating, 0, "e6m9"}));

}  // namespace
