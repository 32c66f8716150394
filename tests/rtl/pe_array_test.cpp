// Verification by waveform, at array level: `qmac run --engine pe --vcd` of a
// small array (every PE traced) records the array's edge inputs (each row's x
// feeder and row enable, each column's y feeder and column enable, load, swap)
// and every PE's partial-sum register and valid-MAC bit per cycle. The same edge inputs drive a
// systolic array of the reference RTL's PE (qmac_pe: forwarding registers,
// stationary / shadow registers, valid bits, the MAC) in Icarus Verilog; every
// PE's partial-sum register must hold the pe engine's value in every cycle, and
// its multiplier see a valid MAC in the same cycles --
// which holds only if operands, valid bits and partial sums move through the
// RTL's registers exactly as through the pe engine's.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "../cli/run_qmac.hpp"
#include "models/rtl/rtl.hpp"
#include "sim/config/config.hpp"
#include "sim/rtl/design_io.hpp"
#include "sim/rtl/tools.hpp"
#include "vcd_reader.hpp"

namespace {

using qmac::test::Vcd;

struct Case {
  const char* name;
  std::vector<std::string> sets;  // --set overrides: MAC, dataflow, options
};

class PeArrayRtl : public ::testing::TestWithParam<Case> {};

// The value of `name` at `ps` picoseconds (0 before its first change).
uint64_t at_ps(const Vcd& v, const std::string& name, uint64_t ps) {
  const auto& c = v.changes.at(name);
  auto it = c.upper_bound(ps);
  return it == c.begin() ? 0 : std::prev(it)->second;
}

TEST_P(PeArrayRtl, EveryPartialSumMatchesThePeEngineEveryCycle) {
  const int R = 2, C = 3;  // not square: a transposed wire would show
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/pe_array_" + GetParam().name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<std::string> sets = GetParam().sets;
  // k = 5 on 2 rows (WS: three k-folds, the last with row 1 outside the tile),
  // n = 4 on 3 columns (a fold with columns 1, 2 disabled), m = 5 rows of A.
  sets.insert(sets.end(), {"array.rows=2", "array.cols=3", "workload.gemm.m=5", "workload.gemm.k=5",
                           "workload.gemm.n=4", "trace.pes=[[0,0],[0,1],[0,2],[1,0],[1,1],[1,2]]"});
  std::string args = "run --engine pe --json - --vcd '" + dir + "/qmac.vcd'";
  for (const auto& s : sets) args += " --set '" + s + "'";
  const auto run = run_qmac(args);
  ASSERT_EQ(run.code, 0) << run.err;
  const uint64_t cycles = nlohmann::json::parse(run.out)["cycles"].get<uint64_t>() + 1;  // clocked
  const Vcd q = qmac::test::read_vcd(dir + "/qmac.vcd", /*skip_unknown=*/false);

  // Edge inputs of cycle c: the values the feeders and the controller drive
  // during cycle c (written at edge c), which the PEs latch at edge c + 1.
  const auto cfg = qmac::config::load_default(sets);
  const bool db = cfg.array.double_buffer;
  std::string stim;
  for (uint64_t c = 0; c < cycles; ++c) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%llx %llx", (unsigned long long)q.at_or("load", c, 0),
                  (unsigned long long)(db ? q.at_or("swap", c, 0) : 0));
    stim += buf;
    for (int i = 0; i < R; ++i) {
      const std::string x = "x_feed_" + std::to_string(i);
      std::snprintf(buf, sizeof buf, " %llx %llx %x %llx", (unsigned long long)q.at_or(x + ".code", c, 0),
                    (unsigned long long)q.at_or(x + ".valid", c, 0), q.at_or(x + ".tag", c, 0) == 0 ? 1u : 0u,
                    (unsigned long long)q.at_or("row_en_" + std::to_string(i), c, 0));
      stim += buf;
    }
    for (int j = 0; j < C; ++j) {
      const std::string y = "y_feed_" + std::to_string(j);
      std::snprintf(buf, sizeof buf, " %llx %llx %llx", (unsigned long long)q.at_or(y + ".code", c, 0),
                    (unsigned long long)q.at_or(y + ".valid", c, 0),
                    (unsigned long long)q.at_or("col_en_" + std::to_string(j), c, 0));
      stim += buf;
    }
    stim += "\n";
  }
  qmac::rtl::write_text(dir + "/stim.txt", stim);

  const auto spec = qmac::config::mac_spec(cfg);
  const auto df = cfg.array.dataflow;
  const auto pdf = df == qmac::array::Dataflow::ws   ? qmac::rtl::PeDataflow::ws
                   : df == qmac::array::Dataflow::os ? qmac::rtl::PeDataflow::os
                                                     : qmac::rtl::PeDataflow::is;
  const auto mac = qmac::rtl::generate_mac(spec, cfg.mac.pipeline_stages);
  const auto pe = qmac::rtl::generate_pe(spec, cfg.mac.pipeline_stages, pdf, db);
  qmac::rtl::write_design(mac, dir);
  qmac::rtl::write_text(dir + "/qmac_pe.v", pe.file.text);
  qmac::rtl::write_text(dir + "/qmac_patb.v", qmac::rtl::pe_array_testbench(pe, R, C, "stim.txt", "rtl.vcd"));
  ASSERT_NO_THROW(qmac::rtl::simulate_icarus(dir, "qmac_patb", {"qmac_patb.v", "qmac_pe.v", "qmac_mac.v"}, "the PE array"));
  const Vcd r = qmac::test::read_vcd(dir + "/rtl.vcd", /*skip_unknown=*/true);

  int changes = 0, shifted_differs = 0;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      const std::string n = std::to_string(i) + "_" + std::to_string(j);
      ASSERT_TRUE(r.has("pe_" + n + "_psum") && q.has("pe_" + n + ".acc")) << n;
      for (uint64_t c = 0; c < cycles; ++c) {
        const uint64_t want = q.at_or("pe_" + n + ".acc", c + 1, 0), got = r.at_or("pe_" + n + "_psum", c + 1, 0);
        ASSERT_EQ(got, want) << "PE " << n << " after cycle " << c << " (" << GetParam().name << ")";
        // The RTL's valid MAC is combinational: cycle c's inputs hold from
        // c + 0.5 ns (the testbench's stimulus) to the edge at c + 1 ns.
        ASSERT_EQ(at_ps(r, "pe_" + n + "_mac", c * 1000 + 750), q.at_or("pe_" + n + ".valid", c + 1, 0))
            << "valid MAC of PE " << n << " in cycle " << c;
        changes += c > 0 && want != q.at_or("pe_" + n + ".acc", c, 0);
        shifted_differs += r.at_or("pe_" + n + "_psum", c + 2, 0) != want;
      }
    }
  EXPECT_GT(changes, 3 * R * C) << "the partial sums must actually move";
  EXPECT_GT(shifted_differs, 0) << "a waveform one cycle late must not match: the comparison could not fail";
}

const std::vector<std::string> kInt8 = {"mac.a=int8", "mac.b=int8"};
std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
const std::vector<std::string> kE4m3Fp16 = {"mac.a=fp8_e4m3", "mac.b=fp8_e4m3", "mac.accumulator.type=float",
                                            "mac.accumulator.format=fp16"};
const std::vector<std::string> kW8a16 = {"mac.a=fp16", "mac.b=int8", "mac.accumulator.type=float",
                                         "mac.accumulator.format=fp32"};

INSTANTIATE_TEST_SUITE_P(
    Dataflows, PeArrayRtl,
    ::testing::Values(
        Case{"ws_int8", with(kInt8, {"array.dataflow=ws"})}, Case{"os_int8", with(kInt8, {"array.dataflow=os"})},
        Case{"is_int8", with(kInt8, {"array.dataflow=is"})},
        Case{"ws_int8_double_buffer_p3", with(kInt8, {"array.dataflow=ws", "array.double_buffer=true",
                                                      "mac.pipeline_stages=3"})},
        Case{"is_e4m3_fp16_double_buffer", with(kE4m3Fp16, {"array.dataflow=is", "array.double_buffer=true"})},
        Case{"os_e4m3_fp16_p2", with(kE4m3Fp16, {"array.dataflow=os", "mac.pipeline_stages=2"})},
        Case{"ws_w8a16", with(kW8a16, {"array.dataflow=ws"})}, Case{"is_w8a16_p2", with(kW8a16, {"array.dataflow=is",
                                                                                                  "mac.pipeline_stages=2"})}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(PeRtl, FollowsThePeEnginesOptionsAndRefusesWhatItModelsOtherwise) {
  qmac::num::MacSpec s;
  s.a = s.b = qmac::num::parse_format("int8");
  s.acc.kind = qmac::num::AccKind::integer;
  s.acc.width = 32;
  // Double buffering shadows WS/IS's stationary operand; OS has none (array.double_buffer: no effect).
  EXPECT_FALSE(qmac::rtl::generate_pe(s, 1, qmac::rtl::PeDataflow::os, true).double_buffer);
  const auto ws = qmac::rtl::generate_pe(s, 1, qmac::rtl::PeDataflow::ws, true);
  EXPECT_TRUE(ws.double_buffer);
  EXPECT_NE(ws.file.text.find("input  swap"), std::string::npos);
  // FP8 into a Kulisch accumulator: the MAC's RTL registers the aligned product
  // once more than mac.pipeline_stages says (docs/rtl.md).
  qmac::num::MacSpec k;
  k.a = k.b = qmac::num::parse_format("fp8_e4m3");
  k.acc = qmac::num::kulisch_for(k.a, k.b);
  EXPECT_THROW(qmac::rtl::generate_pe(k, 1, qmac::rtl::PeDataflow::ws, false), qmac::rtl::RtlError);
}

}  // namespace
