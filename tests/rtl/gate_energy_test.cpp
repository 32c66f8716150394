// Gate-level switching energy (sim/rtl/gate_energy.cpp): the synthesised
// netlist simulated on an operand stream. Zeros switch nothing; per block,
// the accumulator register's (and an integer pipeline register's) flip-flops
// toggle exactly as often as the model's bits (an independent check that cells
// are attributed to the right block and that the model sees the netlist's stream).
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>

#include "models/cost/gates.hpp"
#include "sim/config/config.hpp"
#include "sim/cost_files.hpp"
#include "sim/rtl/cosim.hpp"
#include "sim/rtl/gate_energy.hpp"

namespace {

namespace fs = std::filesystem;

qmac::rtl::SwitchedGe measure(const std::vector<std::string>& sets, const std::string& data, bool per_block) {
  const auto cfg = qmac::config::load_default(sets);
  const auto g = qmac::load_gate_library("yosys");
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/gate_energy_" + data + (per_block ? "_blocks" : "");
  fs::remove_all(dir);
  fs::create_directories(dir);
  return qmac::rtl::switched_ge(cfg, qmac::rtl::data_stream(cfg, data, 4, 32, 2), g, dir, per_block);
}

const qmac::rtl::BlockSwitching& block(const qmac::rtl::SwitchedGe& e, const std::string& name) {
  for (const auto& b : e.blocks)
    if (b.block == name) return b;
  throw std::runtime_error("no block " + name);
}

// The stream is an output-stationary PE's: every output starts from zero, so
// after each output's last step the accumulator holds that output's own dot
// product (plain integer arithmetic as the oracle), not a running sum.
TEST(GateEnergy, TheStreamRestartsTheAccumulatorAtEveryOutput) {
  const auto cfg = qmac::config::load_default({"mac.a=int8", "mac.b=int8"});
  const int m = 2, k = 8, n = 3;
  const auto stream = qmac::rtl::data_stream(cfg, "normal", m, k, n);
  ASSERT_EQ(stream.size(), size_t(m * k * n));
  for (size_t i = 0; i < stream.size(); ++i) {
    EXPECT_EQ(stream[i].load, i % k == 0) << i;
    EXPECT_TRUE(stream[i].acc == 0) << i;
  }
  const auto acc = qmac::rtl::reference_run(qmac::config::mac_spec(cfg), 1, stream);
  int nonzero = 0;
  for (size_t out = 0; out < size_t(m * n); ++out) {
    int64_t dot = 0;
    for (size_t x = 0; x < size_t(k); ++x) {
      const auto& s = stream[out * size_t(k) + x];
      dot += int64_t(int8_t(s.a)) * int64_t(int8_t(s.b));
    }
    nonzero += dot != 0;
    EXPECT_EQ(uint64_t(acc[out * size_t(k) + size_t(k) - 1]), uint64_t(dot) & 0xffffffffu) << "output " << out;
  }
  EXPECT_GT(nonzero, 0);
  for (const auto& s : qmac::rtl::data_stream(cfg, "zeros", m, k, n)) EXPECT_EQ(s.a | s.b, 0u);
}

// A float accumulator that overflows holds inf until its output restarts:
// hand-built E4M3 -> FP16 stream, two outputs of 4 steps; the first starts
// with 448 x 448 = 200704 > 65504 (inf at once), the second adds 1 x 1 four
// times. Half the MACs leave the accumulator inf, with one pipeline stage or
// two (the restart moves with the product to the accumulator: 3/8 if it did
// not), none into FP32; the netlist's accumulator equals num::Mac's after
// every step (switched_ge checks it).
TEST(GateEnergy, CountsTheMacsAfterWhichAFloatAccumulatorIsInf) {
  const uint32_t max = 0x7e, one = 0x38;  // E4M3 (fn): 448, 1.0
  std::vector<qmac::rtl::Step> stream;
  for (uint32_t a : {max, one, one, one, one, one, one, one}) stream.push_back(qmac::rtl::Step{a, a, false, 0});
  stream[0].load = stream[4].load = true;
  const auto g = qmac::load_gate_library("yosys");
  struct Case {
    const char* format;
    int stages;
    double inf;
  };
  // FP32 holds 200704 (the same stream, never inf): the count is of overflow,
  // not of large values.
  for (const Case c : {Case{"fp16", 1, 0.5}, Case{"fp16", 2, 0.5}, Case{"fp32", 1, 0.0}}) {
    SCOPED_TRACE(std::string(c.format) + " " + std::to_string(c.stages));
    const auto cfg = qmac::config::load_default({"mac.a=fp8_e4m3", "mac.b=fp8_e4m3", "mac.accumulator.type=float",
                                                 std::string("mac.accumulator.format=") + c.format,
                                                 "mac.pipeline_stages=" + std::to_string(c.stages)});
    const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/gate_energy_inf_" + c.format + std::to_string(c.stages);
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto e = qmac::rtl::switched_ge(cfg, stream, g, dir, false);
    EXPECT_EQ(e.macs, 8u);
    ASSERT_TRUE(e.acc_nonfinite.has_value());
    EXPECT_DOUBLE_EQ(*e.acc_nonfinite, c.inf);
  }
  // Integer accumulators have no inf/NaN: no fraction at all, not a zero.
  const auto i = measure({"mac.a=int8", "mac.b=int8"}, "zeros", false);
  EXPECT_FALSE(i.acc_nonfinite.has_value());
}

TEST(GateEnergy, ZerosSwitchNothingInTheNetlistOrTheModel) {
  const auto z = measure({"mac.a=int8", "mac.b=int8"}, "zeros", false);
  EXPECT_EQ(z.macs, 256u);
  EXPECT_EQ(z.settled, 0.0);
  EXPECT_EQ(z.model, 0.0);
  const auto n = measure({"mac.a=int8", "mac.b=int8"}, "normal", false);
  EXPECT_GT(n.settled, 50.0);
  EXPECT_GE(n.glitches, n.settled);  // every settled change is also a transition
  EXPECT_GT(n.model, 50.0);
}

TEST(GateEnergy, PerBlockRegisterSwitchingEqualsTheModelsAndBlocksCoverTheNetlist) {
  for (const auto& sets : std::vector<std::vector<std::string>>{
           {"mac.a=int8", "mac.b=int8"},
           {"mac.a=fp8_e4m3", "mac.b=fp8_e4m3", "mac.accumulator.type=float", "mac.accumulator.format=fp32"}}) {
    const auto e = measure(sets, "normal", true);
    SCOPED_TRACE(sets[0]);
    const auto& reg = block(e, "accumulator_register");
    EXPECT_GT(reg.netlist, 1.0);
    EXPECT_NEAR(reg.netlist, reg.model, 1e-6 * reg.model);  // both: accumulator bit toggles x FF
    double total = 0, ge = 0;
    for (const auto& b : e.blocks) {
      total += b.netlist;
      ge += b.netlist_ge;
      if (b.block != "(top)") {
        EXPECT_GT(b.netlist_ge, 0.0) << b.block;
      }
    }
    // The hierarchical netlist keeps block boundaries (larger than the
    // flattened one) but switches on the same stream: the same order.
    EXPECT_GT(total, 0.8 * e.settled);
    EXPECT_LT(total, 1.5 * e.settled);
    EXPECT_GT(block(e, "significand_multiplier").netlist, 0.0);
  }
  // INT8 with 2 stages: the pipeline register holds the integer product, the
  // bits the engines count for it (fwd_reg_toggles): equal as well.
  const auto p = measure({"mac.a=int8", "mac.b=int8", "mac.pipeline_stages=2"}, "normal", true);
  const auto& pipe = block(p, "pipeline_registers");
  EXPECT_GT(pipe.netlist, 1.0);
  EXPECT_NEAR(pipe.netlist, pipe.model, 1e-6 * pipe.model);
  // ... and the accumulator register, whose toggles depend on when each
  // output's restart meets its first product (latency - 1 after its operands).
  const auto& acc = block(p, "accumulator_register");
  EXPECT_GT(acc.netlist, 1.0);
  EXPECT_NEAR(acc.netlist, acc.model, 1e-6 * acc.model);
}

}  // namespace
