// Verification by waveform: `qmac run --engine pe --vcd` of a small weight-
// stationary array traces every PE's valid bit, operand codes and accumulator
// per cycle; the same operand streams drive a grid of the reference RTL's PE
// arithmetic (partial sums wired down the columns) in Icarus Verilog, whose VCD
// must carry the same accumulator value in every cycle for every PE.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "../cli/run_qmac.hpp"
#include "sim/config/config.hpp"
#include "sim/rtl/design_io.hpp"
#include "sim/rtl/tools.hpp"
#include "vcd_reader.hpp"

namespace {

using qmac::test::Vcd;

Vcd read_vcd(const std::string& path) { return qmac::test::read_vcd(path, /*skip_unknown=*/true); }

struct Case {
  const char* name;
  std::vector<std::string> mac;  // --set overrides of the MAC
};

class Waveform : public ::testing::TestWithParam<Case> {};

TEST_P(Waveform, RtlAccumulatorsMatchThePeEngineEveryCycle) {
  const int R = 2, C = 2;
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/waveform_" + GetParam().name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::vector<std::string> sets = GetParam().mac;
  sets.insert(sets.end(), {"array.rows=2", "array.cols=2", "array.dataflow=ws", "workload.gemm.m=5",
                           "workload.gemm.k=4", "workload.gemm.n=2", "trace.pes=[[0,0],[0,1],[1,0],[1,1]]"});
  std::string args = "run --engine pe --json - --vcd '" + dir + "/qmac.vcd'";
  for (const auto& s : sets) args += " --set '" + s + "'";
  const auto run = run_qmac(args);
  ASSERT_EQ(run.code, 0) << run.err;
  const uint64_t cycles = nlohmann::json::parse(run.out)["cycles"].get<uint64_t>() + 1;  // clocked
  const Vcd q = read_vcd(dir + "/qmac.vcd");

  // The streams each PE saw, from the pe engine's waveform.
  std::string stim;
  for (uint64_t c = 0; c < cycles; ++c) {
    for (int i = 0; i < R; ++i)
      for (int j = 0; j < C; ++j) {
        const std::string p = "pe_" + std::to_string(i) + "_" + std::to_string(j) + ".";
        char buf[64];
        std::snprintf(buf, sizeof buf, "%llx %llx %llx ", (unsigned long long)q.at_or(p + "valid", c + 1, 0),
                      (unsigned long long)q.at_or(p + "a_code", c + 1, 0), (unsigned long long)q.at_or(p + "b_code", c + 1, 0));
        stim += buf;
      }
    stim += "\n";
  }
  qmac::rtl::write_text(dir + "/stim.txt", stim);
  const auto cfg = qmac::config::load_default(sets);
  auto design = qmac::rtl::generate_mac(qmac::config::mac_spec(cfg), 1, qmac::rtl::MacPorts::pe);
  qmac::rtl::write_design(design, dir);
  qmac::rtl::write_text(dir + "/qmac_atb.v", qmac::rtl::array_testbench(design, R, C, "stim.txt", "rtl.vcd"));
  ASSERT_NO_THROW(qmac::rtl::simulate_icarus(dir, "qmac_atb", {"qmac_atb.v", "qmac_mac.v"}, "the MAC grid"));
  const Vcd r = read_vcd(dir + "/rtl.vcd");

  int nonzero = 0, shifted_differs = 0;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      const std::string n = std::to_string(i) + "_" + std::to_string(j);
      ASSERT_TRUE(r.has("pe_" + n + "_acc") && q.has("pe_" + n + ".acc")) << n;
      for (uint64_t c = 0; c < cycles; ++c) {
        const uint64_t want = q.at_or("pe_" + n + ".acc", c + 1, 0), got = r.at_or("pe_" + n + "_acc", c + 1, 0);
        EXPECT_EQ(got, want) << "PE " << n << " cycle " << c;
        nonzero += want != 0;
        shifted_differs += r.at_or("pe_" + n + "_acc", c + 2, 0) != want;
      }
    }
  EXPECT_GT(nonzero, 8) << "the accumulators must actually change";
  EXPECT_GT(shifted_differs, 0) << "a waveform one cycle late must not match: the comparison could not fail";
}

INSTANTIATE_TEST_SUITE_P(
    Macs, Waveform,
    ::testing::Values(Case{"int8_int32", {"mac.a=int8", "mac.b=int8"}},
                      Case{"fp8_e4m3_fp16", {"mac.a=fp8_e4m3", "mac.b=fp8_e4m3", "mac.accumulator.type=float",
                                             "mac.accumulator.format=fp16"}}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
