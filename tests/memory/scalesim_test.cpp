// memory.model: scalesim against SCALE-Sim v2's own reports on the same GEMM
// layers, arrays, dataflows, SRAM sizes and bandwidth modes: every number in
// tests/memory/scalesim_reference.csv was produced by running SCALE-Sim (the
// file's header names the commit and scripts/scalesim_reference.sh the
// command); none is computed here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/memory/memory.hpp"

namespace qmac::memory {
namespace {

struct Row {
  std::vector<std::string> f;
  long long i(size_t k) const { return std::stoll(f.at(k)); }
  double d(size_t k) const { return std::stod(f.at(k)); }
};

std::vector<Row> reference_rows() {
  std::ifstream in(std::string(QMAC_SOURCE_DIR) + "/tests/memory/scalesim_reference.csv");
  std::vector<Row> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    Row r;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) r.f.push_back(cell);
    rows.push_back(r);
  }
  return rows;
}

TEST(ScaleSim_Reference, StallsAccessesAndBandwidthMatchScaleSimReports) {
  const auto rows = reference_rows();
  ASSERT_GE(rows.size(), 20u);
  for (const Row& x : rows) {
    const int m = int(x.i(0)), n = int(x.i(1)), k = int(x.i(2));
    array::ArrayOptions o;
    o.rows = int(x.i(3));
    o.cols = int(x.i(4));
    o.dataflow = array::parse_dataflow(x.f[5]);
    Config c;
    c.model = Model::scalesim;
    c.sram_kib_a = x.d(6);
    c.sram_kib_b = x.d(7);
    c.sram_kib_c = x.d(8);
    c.dram_bandwidth = x.f[9] == "CALC" ? 0 : x.d(10);
    SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + " on " + x.f[3] + "x" +
                 x.f[4] + " " + x.f[5] + " SRAM " + x.f[6] + "/" + x.f[7] + "/" + x.f[8] + " KB " + x.f[9] + " " +
                 x.f[10]);
    const array::Schedule s = array::make_schedule(o, m, k, n, 1);
    const Report r = simulate(c, s, WordBytes{1, 1, 1, 1});
    EXPECT_EQ(s.clocked - 1 + r.stall_cycles, uint64_t(x.i(11))) << "total cycles";
    EXPECT_EQ(r.stall_cycles, uint64_t(x.i(12)));
    EXPECT_EQ(r.words.sram_reads_a, uint64_t(x.i(13)));
    EXPECT_EQ(r.words.sram_reads_b, uint64_t(x.i(14)));
    EXPECT_EQ(r.words.sram_writes_c, uint64_t(x.i(15)));
    EXPECT_EQ(r.words.dram_reads_a, uint64_t(x.i(16)));
    EXPECT_EQ(r.words.dram_reads_b, uint64_t(x.i(17)));
    EXPECT_EQ(r.words.dram_writes_c, uint64_t(x.i(18)));
    EXPECT_NEAR(r.calc_bandwidth_a, x.d(19), 1e-9 * x.d(19));
    EXPECT_NEAR(r.calc_bandwidth_b, x.d(20), 1e-9 * x.d(20));
    EXPECT_NEAR(r.calc_bandwidth_c, x.d(21), 1e-9 * x.d(21));
    // The engines execute the stalls: the schedule with them is the reported total.
    array::Schedule t = s;
    array::apply_stalls(t, r.stalls);
    EXPECT_EQ(t.clocked - 1, uint64_t(x.i(11)));
  }
}

TEST(ScaleSim_Errors, OptionsScaleSimDoesNotHaveAreRejected) {
  array::ArrayOptions o;
  Config c;
  c.model = Model::scalesim;
  EXPECT_THROW(simulate(c, array::make_schedule(o, 8, 8, 8, 2), WordBytes{}), MemoryError);
  o.double_buffer = true;
  EXPECT_THROW(simulate(c, array::make_schedule(o, 8, 8, 8, 1), WordBytes{}), MemoryError);
  o.double_buffer = false;
  c.double_buffered = false;
  EXPECT_THROW(simulate(c, array::make_schedule(o, 8, 8, 8, 1), WordBytes{}), MemoryError);
}

}  // namespace
}  // namespace qmac::memory
