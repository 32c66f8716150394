// The cost model against synthesis: docs/synthesis.json holds the Yosys netlists
// of the calibration configs (scripts/synth.sh regenerates it). Under the
// `yosys` gate library (the reference-RTL decomposition) integer and fixed-point
// MACs are within 10 % of their own netlists and their ratios to INT8 x INT8 ->
// INT32 within 5 %; float-accumulator MACs match their blocks synthesised alone
// within 10 %, while the flattened netlist is 10-30 % smaller than the blocks
// (optimisation across blocks the per-block formulas do not model): that gap is
// pinned here so a change to it is seen, and stated in docs/cost-model.md.
// A live synthesis checks that the file is current and the flow deterministic.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>

#include "rtl_test_util.hpp"
#include "sim/cost_files.hpp"
#include "sim/rtl/calibration.hpp"
#include "sim/rtl/design_io.hpp"
#include "sim/rtl/synth.hpp"
#include "sim/rtl/tools.hpp"

namespace {

nlohmann::json committed() {
  std::ifstream f(std::string(QMAC_SOURCE_DIR) + "/docs/synthesis.json");
  EXPECT_TRUE(f.good()) << "docs/synthesis.json missing: run scripts/synth.sh";
  return nlohmann::json::parse(f);
}

bool float_acc(const std::string& name, const nlohmann::json& file) {
  for (const auto& r : file["results"])
    if (r["name"] == name)
      for (const auto& s : r["config_sets"])
        if (s.get<std::string>() == "mac.accumulator.type=float") return true;
  return false;
}

TEST(Calibration_Yosys, IntegerAndFixedMacsWithinTenPercentOfTheirNetlists) {
  const auto file = committed();
  const auto rows = qmac::rtl::calibration_rows(file, qmac::load_gate_library("yosys"));
  ASSERT_GE(rows.size(), 24u);
  int checked = 0;
  for (const auto& r : rows) {
    if (float_acc(r.name, file)) continue;
    ++checked;
    EXPECT_LE(std::fabs(r.error()), 0.10) << r.name << ": estimate " << r.estimate << " vs netlist " << r.synth;
    EXPECT_LE(std::fabs(r.ratio_error()), 0.05)
        << r.name << ": estimate ratio " << r.estimate_ratio << " vs netlist ratio " << r.synth_ratio;
  }
  EXPECT_GE(checked, 12);
}

TEST(Calibration_Yosys, FloatMacsMatchTheirBlocksAndExceedTheFlattenedNetlist) {
  const auto file = committed();
  const auto g = qmac::load_gate_library("yosys");
  const auto rows = qmac::rtl::calibration_rows(file, g);
  for (const auto& s : qmac::rtl::block_sums(file, g)) {
    if (!s.float_accumulator) continue;  // fused and non-fused alike
    EXPECT_EQ(s.unmatched_estimate, 0) << s.name << ": a component without a Verilog module";
    EXPECT_LE(std::fabs(s.estimate / s.netlist - 1), 0.10)
        << s.name << ": formulas " << s.estimate << " vs blocks synthesised alone " << s.netlist;
  }
  for (const auto& r : rows) {
    if (!float_acc(r.name, file)) continue;
    // The known gap (docs/cost-model.md): formulas above the flattened netlist,
    // by at most a fifth (+6.7 .. +17.4 % on 2026-12-01).
    EXPECT_GE(r.error(), 0.0) << r.name;
    EXPECT_LE(r.error(), 0.20) << r.name << ": estimate " << r.estimate << " vs netlist " << r.synth;
  }
}

TEST(Calibration_Yosys, CoversTheIssuesConfigs) {
  const auto file = committed();
  std::set<std::string> names;
  for (const auto& r : file["results"]) names.insert(r["name"].get<std::string>());
  for (const char* n : {"int4_int16", "int8_int16", "int8_int48", "int16_int32", "fp8_e4m3_fp16", "fp8_e5m2_bf16",
                        "fp8_e3m4_fp32", "fp8_e2m5_fp16", "fp8_e4m3_kulisch", "int8_kulisch", "w8a16_fp16_int8_fp32"})
    EXPECT_TRUE(names.count(n)) << n;
}

// The committed netlist of a config equals a live synthesis now (the file is
// current for this RTL generator), and two runs give the same cells.
TEST(Calibration_Live, CommittedResultIsCurrentAndDeterministic) {
  const auto file = committed();
  for (const char* name : {"int4_int16", "fp8_e4m3_bf16"}) {
    const nlohmann::json* result = nullptr;
    for (const auto& r : file["results"])
      if (r["name"] == name) result = &r;
    ASSERT_NE(result, nullptr) << name;
    const auto cfg = qmac::config::load_default((*result)["config_sets"].get<std::vector<std::string>>());
    const auto design = qmac::rtl::generate_design(cfg);
    qmac::rtl::ScratchDir d1("qmac_synth_"), d2("qmac_synth_");
    const auto r1 = qmac::rtl::synthesize(design, d1.path());
    const auto r2 = qmac::rtl::synthesize(design, d2.path());
    EXPECT_EQ(r1.mac, r2.mac) << name << ": two runs differ";
    qmac::rtl::CellCounts committed_cells;
    for (auto it = (*result)["mac"]["cells"].begin(); it != (*result)["mac"]["cells"].end(); ++it)
      committed_cells[it.key()] = it.value().get<long long>();
    EXPECT_EQ(r1.mac, committed_cells) << name << ": docs/synthesis.json is stale; run scripts/synth.sh";
    ASSERT_EQ(r1.blocks.size(), design.blocks.size());
  }
}

}  // namespace
