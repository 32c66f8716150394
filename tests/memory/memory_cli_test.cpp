// memory.* through the command line: config errors, the requantised output,
// the pe engine's VCD of the memory timeline, the stdout block, and a sweep
// over memory keys end to end.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../cli/run_qmac.hpp"

namespace {

const std::string kSmall =
    "--set workload.gemm.m=24 --set workload.gemm.k=40 --set workload.gemm.n=20 --set array.rows=8 --set array.cols=8 ";

TEST(MemoryCli_Errors, BadMemoryKeysAreInputErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {"--set memory.model=sram", "memory.model"},
      {"--set memory.model=scratchpad --set memory.dram.bandwidth=calc", "needs memory.model: scalesim"},
      {"--set memory.sram_kib.a=0", "memory.sram_kib.a"},
      {"--set memory.dram.bandwidth=-1", "memory.dram.bandwidth"},
      {"--set memory.model=scalesim --set memory.dram.bandwidth=2.5", "whole number of words"},
      {"--set memory.dram.latency=x", "memory.dram.latency"},
      {"--set memory.output_format=int99", "memory.output_format"},
      {"--set memory.sram_kib.d=1", "unknown key"},
      {"--set memory.model=scalesim --set mac.pipeline_stages=2", "single-stage"},
  };
  for (const auto& [args, what] : cases) {
    const auto r = run_qmac("run " + kSmall + args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find(what), std::string::npos) << args << "\n" << r.err;
  }
}

// A memory model prices accesses from the technology's memory section: a
// technology without one is refused up front (ideal memory does not need it).
TEST(MemoryCli_Errors, TechnologyWithoutMemoryEnergies) {
  std::ifstream in(std::string(QMAC_SOURCE_DIR) + "/configs/tech/45nm.yaml");
  const std::string tech = std::string(QMAC_TEST_TMPDIR) + "/tech_nomem.yaml";
  std::system(("mkdir -p '" + std::string(QMAC_TEST_TMPDIR) + "'").c_str());
  {
    std::ofstream out(tech);
    std::string line;
    while (std::getline(in, line) && line.rfind("# The memory system", 0) != 0) out << line << "\n";
  }
  const auto bad = run_qmac("validate --set memory.model=scratchpad --set cost.technology=" + tech);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("memory energies"), std::string::npos) << bad.err;
  EXPECT_EQ(run_qmac("validate --set cost.technology=" + tech).code, 0);
}

TEST(MemoryCli_Run, RequantisedOutputsMoveFewerBytesAndCostAccuracy) {
  const auto plain = run_qmac("run " + kSmall + "--set memory.model=scratchpad --json -");
  const auto q = run_qmac("run " + kSmall + "--set memory.model=scratchpad --set memory.output_format=int8 --json -");
  ASSERT_EQ(plain.code, 0) << plain.err;
  ASSERT_EQ(q.code, 0) << q.err;
  const auto jp = nlohmann::json::parse(plain.out), jq = nlohmann::json::parse(q.out);
  EXPECT_FALSE(jp["accuracy"].contains("requantized_output"));
  EXPECT_EQ(jq["accuracy"]["requantized_output"]["format"], "int8");
  EXPECT_LT(jq["accuracy"]["requantized_output"]["sqnr_db"].get<double>(), jq["accuracy"]["sqnr_db"].get<double>());
  EXPECT_DOUBLE_EQ(jq["memory"]["bytes"]["dram_writes"]["c"].get<double>(), 24.0 * 20.0 * 1.0);
  EXPECT_DOUBLE_EQ(jp["memory"]["bytes"]["dram_writes"]["c"].get<double>(), 24.0 * 20.0 * 4.0);
}

TEST(MemoryCli_Run, StdoutHasTheMemoryBlock) {
  const auto r = run_qmac("run " + kSmall + "--set memory.model=scratchpad --set memory.dram.bandwidth=1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("memory (scratchpad):  stall cycles"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("DRAM reads"), std::string::npos);
  EXPECT_NE(r.out.find("memory_energy_pj"), std::string::npos);
}

// The pe engine's waveform shows the memory holding the array: `stall` rises
// while a fold waits, and a_ready / b_ready say which tile it waits for.
TEST(MemoryCli_Vcd, StallAndTileReadySignals) {
  const std::string vcd = std::string(QMAC_TEST_TMPDIR) + "/mem.vcd";
  const auto r = run_qmac("run " + kSmall + "--set memory.model=scratchpad --set memory.dram.bandwidth=1 "
                          "--set memory.dram.latency=20 --set 'trace.cycles=[0,1000000]' --vcd " + vcd + " --json -");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_GT(j["memory"]["stall_cycles"].get<uint64_t>(), 0u);
  std::ifstream in(vcd);
  std::string line, stall_id, a_id;
  bool stall_high = false, a_low = false, high = false;
  uint64_t now = 0, since = 0, high_time = 0;  // VCD time units (100 ps; a cycle is 10)
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string w, type, width, id, name;
    if (!line.empty() && line[0] == '#') {
      now = std::stoull(line.substr(1));
      continue;
    }
    if (!stall_id.empty() && (line == "1" + stall_id || line == "0" + stall_id)) {
      if (line[0] == '1' && !high) since = now;
      if (line[0] == '0' && high) high_time += now - since;
      high = line[0] == '1';
    }
    ss >> w;
    if (w == "$var") {
      ss >> type >> width >> id >> name;
      if (name == "stall") stall_id = id;
      if (name == "a_ready") a_id = id;
      continue;
    }
    if (!stall_id.empty() && line == "1" + stall_id) stall_high = true;
    if (!a_id.empty() && line == "0" + a_id) a_low = true;
  }
  EXPECT_FALSE(stall_id.empty());
  EXPECT_FALSE(a_id.empty());
  EXPECT_TRUE(stall_high);
  EXPECT_TRUE(a_low);
  EXPECT_FALSE(high);  // the run ends in a fold, not a stall
  // `stall` is high for exactly the stall cycles the run reports.
  EXPECT_EQ(high_time / 10, j["memory"]["stall_cycles"].get<uint64_t>());
}

TEST(MemoryCli_Sweep, EveryMemoryKeyVariesEndToEnd) {
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/memsweep";
  std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "'").c_str());
  {
    std::ofstream f(dir + "/s.yaml");
    f << "set:\n  workload.gemm.m: 24\n  workload.gemm.k: 40\n  workload.gemm.n: 20\n"
         "  array.rows: 8\n  array.cols: 8\n"
         "axes:\n"
         "  memory.model: [ideal, scratchpad, scalesim]\n"
         "  memory.sram_kib.a: [0.25, 8]\n"
         "  memory.sram_kib.c: [0.5, 8]\n"
         "  memory.double_buffered: [true]\n"
         "  memory.sram_kib.b: [2]\n"
         "  memory.dram.latency: [10]\n"
         "  memory.dram.bandwidth: [3]\n"
         "  memory.output_format: [none, fp8_e4m3]\n";
  }
  const auto r = run_qmac("sweep " + dir + "/s.yaml -o " + dir + "/out.csv -j 2");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream csv(dir + "/out.csv");
  std::string header;
  std::getline(csv, header);
  for (const char* col : {"memory.model", "memory.sram_kib.a", "memory.output_format", "memory.stall_cycles",
                          "memory.dram_reads.a", "memory.bytes.dram_writes.c", "memory.dram_bandwidth.avg"})
    EXPECT_NE(header.find(col), std::string::npos) << col << " in " << header;
  int rows = 0, ok = 0;
  std::string line;
  while (std::getline(csv, line)) {
    ++rows;
    if (line.size() >= 3 && line.compare(line.size() - 3, 3, ",ok") == 0) ++ok;
  }
  EXPECT_EQ(rows, 24);
  EXPECT_EQ(ok, 24);
}

}  // namespace
