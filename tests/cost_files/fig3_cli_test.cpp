// qmac fig3 as a user runs it: the 15 bars with the paper's values next to the
// model's; --library switches every figure; bad input exits 2 naming it.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "cli/run_qmac.hpp"
#include "models/cost/fig3.hpp"
#include "sim/cost_files.hpp"
#include "sim/errors.hpp"

namespace {

TEST(Fig3Cli, JsonHasFifteenBarsFromTheModel) {
  const auto r = run_qmac("fig3 --json -");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["gate_library"], "paper");
  ASSERT_EQ(j["bars"].size(), 15u);
  // The command prints what the library computes (no second model).
  const auto bars = qmac::cost::fig3_bars(qmac::cost::paper_library());
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& o = j["bars"][i];
    EXPECT_EQ(o["input"], bars[i].input);
    EXPECT_EQ(o["accumulator"], bars[i].accumulator);
    EXPECT_DOUBLE_EQ(o["gates"].get<double>(), bars[i].gates);
    EXPECT_DOUBLE_EQ(o["multiplier"].get<double>() + o["align_add"].get<double>() +
                         o["normalize_accumulate"].get<double>(),
                     bars[i].gates);
    EXPECT_DOUBLE_EQ(o["rel_diff"].get<double>(), bars[i].gates / bars[i].paper_gates - 1);
  }
  // The paper's headline: FP8-E4 + FP16 is 1.53x INT8 + fixed (published-numbers.md).
  EXPECT_NEAR(j["bars"][10]["paper_ratio"].get<double>(), 1.53, 0.01);
}

TEST(Fig3Cli, TableAndLibrarySwitch) {
  const auto paper = run_qmac("fig3");
  ASSERT_EQ(paper.code, 0) << paper.err;
  EXPECT_NE(paper.out.find("FP8-E4  FP16"), std::string::npos) << paper.out;
  EXPECT_NE(paper.out.find("gate library 'paper'"), std::string::npos);
  const auto p = nlohmann::json::parse(run_qmac("fig3 --json -").out);
  const auto n = nlohmann::json::parse(run_qmac("fig3 --library nangate45 --json -").out);
  EXPECT_EQ(n["gate_library"], "nangate45");
  for (size_t i = 0; i < 15; ++i) EXPECT_NE(p["bars"][i]["gates"], n["bars"][i]["gates"]) << i;
}

TEST(Fig3Cli, BadLibraryIsInputError) {
  const auto r = run_qmac("fig3 --library nosuch");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown gate library 'nosuch'"), std::string::npos) << r.err;
}

TEST(CostFiles_Lookup, QmacConfigsOverridesTheShippedFolder) {
  const std::string root = std::string(QMAC_TEST_TMPDIR) + "/alt_configs";
  std::filesystem::create_directories(root + "/gates");
  std::filesystem::copy_file(std::string(QMAC_SOURCE_DIR) + "/configs/gates/paper.yaml", root + "/gates/mine.yaml",
                             std::filesystem::copy_options::overwrite_existing);
  ::setenv("QMAC_CONFIGS", root.c_str(), 1);
  const auto g = qmac::load_gate_library("mine");
  ::unsetenv("QMAC_CONFIGS");
  EXPECT_EQ(g.fa, 7);
  EXPECT_THROW(qmac::load_gate_library("mine"), qmac::InputError);
}

}  // namespace
