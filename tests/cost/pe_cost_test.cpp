// The PE around the MAC (cost::add_pe): what the reference RTL's PE builds
// beyond the MAC (models/rtl/pe_rtl.cpp), hand-counted with the paper's cells
// (MUX2 3, AND2 1, FF 6), under the rtl datapath; the paper's datapath keeps
// its accounting (plain operand registers; a shadow when double-buffered).
#include <gtest/gtest.h>

#include "../mac_specs.hpp"
#include "models/cost/gates.hpp"
#include "models/cost/mac_cost.hpp"

namespace {

using namespace qmac::cost;
namespace num = qmac::num;

using qmac::test::int8_int32;

double pe_extra(const MacCost& c) { return c.pe_gates() - c.mac_gates(); }

TEST(PeCost_RtlDatapath, WeightStationaryHoldPassLoadEnableAndValidBits) {
  GateLibrary g = paper_library();
  g.datapath = Datapath::rtl;
  MacCost c = mac_cost(int8_int32(), 1, g);
  const int ffs = c.flip_flops;
  add_pe(c, 1, PeShape{false, false, 8}, g);
  // operand registers reg(8 + 8 + 1) = 102; partial-sum hold and pass-through:
  // 32 x 2 MUX2 = 192; stationary load enable 8 MUX2 = 24; valid = x_v & col_en,
  // mac = valid & row_en: 2 AND2; the partial-sum valid bit: 1 FF.
  EXPECT_DOUBLE_EQ(pe_extra(c), 102 + 192 + 24 + 2 + 6);
  EXPECT_EQ(c.flip_flops, ffs + 1);
  // Double-buffered with 3 stages: + the shadow reg(8), the swap's load enable
  // and bypass 2 x 8 MUX2, and (valid, mac) through 2 pipeline registers: 4 FF.
  MacCost d = mac_cost(int8_int32(), 3, g);
  add_pe(d, 3, PeShape{false, true, 8}, g);
  EXPECT_DOUBLE_EQ(pe_extra(d), 102 + 48 + 192 + 24 + 48 + 2 + 6 * (1 + 4));
}

TEST(PeCost_RtlDatapath, OutputStationaryHoldRestartAndForwardedFlags) {
  GateLibrary g = paper_library();
  g.datapath = Datapath::rtl;
  g.inv = 1;
  MacCost c = mac_cost(int8_int32(), 2, g);
  const int ffs = c.flip_flops;
  add_pe(c, 2, PeShape{true, true, 8}, g);  // double buffering has no effect on OS
  // reg(17) = 102; hold mux + restart AND per accumulator bit 32 x (3 + 1) = 128,
  // one inverter (~first); valid = x_v & y_v: 1 AND2; y's valid and x's first
  // flag forwarded: reg(2) = 12; partial-sum valid + (valid, first) through one
  // pipeline register: reg(3) = 18.
  EXPECT_DOUBLE_EQ(pe_extra(c), 102 + 128 + 1 + 1 + 12 + 18);
  EXPECT_EQ(c.flip_flops, ffs + 2 + 3);
}

TEST(PeCost_PaperDatapath, KeepsThePapersAccountingPlusTheShadow) {
  const GateLibrary g = paper_library();
  MacCost c = mac_cost(int8_int32(), 1, g);
  const double before = c.pe_gates();
  add_pe(c, 1, PeShape{false, false, 8}, g);
  EXPECT_DOUBLE_EQ(c.pe_gates(), before);
  add_pe(c, 1, PeShape{false, true, 8}, g);
  EXPECT_DOUBLE_EQ(c.pe_gates(), before + 48);  // reg(8)
  MacCost o = mac_cost(int8_int32(), 1, g);
  add_pe(o, 1, PeShape{true, true, 8}, g);
  EXPECT_DOUBLE_EQ(o.pe_gates(), before);
}

}  // namespace
