// Gate-library and technology YAML: shipped files load, bad files are rejected
// with file:line:column; the energy model responds to the data's activity.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli/run_qmac.hpp"
#include "models/cost/energy.hpp"
#include "sim/cost_files.hpp"
#include "sim/errors.hpp"

namespace {

using namespace qmac;

std::string write(const std::string& name, const std::string& text) {
  std::filesystem::create_directories(QMAC_TEST_TMPDIR);
  const std::string p = std::string(QMAC_TEST_TMPDIR) + "/" + name;
  std::ofstream(p) << text;
  return p;
}

std::string error_of(void (*f)(const std::string&), const std::string& path) {
  try {
    f(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

void load_g(const std::string& p) { load_gate_library(p); }
void load_t(const std::string& p) { load_technology(p); }

TEST(CostFiles_Shipped, PaperLibraryFileEqualsTheBuiltInOne) {
  const auto file = load_gate_library("paper");
  const auto built = cost::paper_library();
  EXPECT_EQ(file.and2, built.and2);
  EXPECT_EQ(file.fa, built.fa);
  EXPECT_EQ(file.ff, built.ff);
  EXPECT_EQ(file.mux2, built.mux2);
  EXPECT_EQ(load_gate_library("nangate45").name, "nangate45");
  EXPECT_EQ(load_technology("45nm").um2_per_ge, 0.798);
  EXPECT_GT(load_technology("7nm").pj_per_ge_toggle, 0);
}

TEST(CostFiles_Shipped, The45nmEnergyIsTheHorowitzFit) {
  // The shipped constant must be what the calibration computes (to its 5 digits).
  const double fit = cost::fit_pj_per_ge_toggle(cost::horowitz_ops(cost::paper_library()));
  EXPECT_NEAR(load_technology("45nm").pj_per_ge_toggle / fit, 1.0, 1e-4);
}

TEST(CostFiles_Errors, PositionsAndExpectations) {
  const std::string bad_cell = write("g1.yaml", "name: x\nsource: s\ncells:\n  and2: 1\n  nand3: 2\n");
  EXPECT_NE(error_of(load_g, bad_cell).find("g1.yaml:5:3"), std::string::npos) << error_of(load_g, bad_cell);
  const std::string missing = write("g2.yaml", "name: x\nsource: s\ncells: {and2: 1}\n");
  EXPECT_NE(error_of(load_g, missing).find("missing cell 'or2'"), std::string::npos) << error_of(load_g, missing);
  const std::string negative = write("g3.yaml", "name: x\nsource: s\ncells: {and2: 1, or2: -1, ao21: 2, oa21: 2, "
                                                "mux2: 3, xor2: 3, ha: 3, fa: 7, ff: 6}\n");
  EXPECT_NE(error_of(load_g, negative).find("g3.yaml:3:23"), std::string::npos) << error_of(load_g, negative);
  const std::string unsourced = write("t1.yaml", "name: t\nnode_nm: 45\n");
  EXPECT_NE(error_of(load_t, unsourced).find("t1.yaml:2:10"), std::string::npos) << error_of(load_t, unsourced);
  const std::string syntax = write("t2.yaml", "name: [\n");
  EXPECT_NE(error_of(load_t, syntax).find("YAML syntax error"), std::string::npos);
  EXPECT_NE(error_of(load_g, "nosuch").find("unknown gate library 'nosuch'; expected one of: nangate45, paper"),
            std::string::npos)
      << error_of(load_g, "nosuch");
}

nlohmann::json run_json(const std::string& args) {
  const auto r = run_qmac("run " + args + " --json -");
  EXPECT_EQ(r.code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(Energy_Activity, SparseDataCostsLessThanDenseAndIsDeterministic) {
  const std::string base = "--set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.type=float "
                           "--set mac.accumulator.format=fp16 ";
  const auto dense = run_json(base);
  const auto again = run_json(base);
  // All-zero activations (a .npy written by numpy: Debian's /usr/bin/python3).
  const std::string zeros = std::string(QMAC_TEST_TMPDIR) + "/zeros.npy";
  ASSERT_EQ(std::system(("/usr/bin/python3 -c \"import numpy as np; np.save('" + zeros +
                         "', np.zeros((64, 64)))\"").c_str()),
            0);
  const auto sparse = run_json(base + "--set 'workload.a={distribution: npy, path: " + zeros + "}'");
  const auto outliers = run_json(base + "--set 'workload.a={distribution: outliers, fraction: 0.05, magnitude: 50}'");
  EXPECT_EQ(dense["cost"]["energy_pj"], again["cost"]["energy_pj"]);
  EXPECT_EQ(dense["cost"]["energy_basis"], "activity");
  const double d = dense["cost"]["pj_per_mac"], s = sparse["cost"]["pj_per_mac"], o = outliers["cost"]["pj_per_mac"];
  EXPECT_LT(s, d) << "sparse " << s << " dense " << d;
  EXPECT_NE(o, d);
  // Gates do not depend on the data.
  EXPECT_EQ(dense["cost"]["pe_gates"], sparse["cost"]["pe_gates"]);
}

TEST(Energy_DoubleBuffer, ShadowRegistersForWsAndIsOnly) {
  auto cost = [](const std::string& sets) {
    return nlohmann::json::parse(run_qmac("cost --json - " + sets).out)["cost"];
  };
  const auto ws = cost(""), ws_db = cost("--set array.double_buffer=true");
  const auto os = cost("--set array.dataflow=os"), os_db = cost("--set array.dataflow=os --set array.double_buffer=true");
  // int8 x int8: the operand registers are reg(8 + 8 + 1); the shadow of the
  // stationary int8 weight is reg(8).
  const double per_bit = ws["breakdown"]["operand_registers"].get<double>() / 17;
  EXPECT_DOUBLE_EQ(ws_db["breakdown"]["shadow_stationary_register"].get<double>(), 8 * per_bit);
  EXPECT_DOUBLE_EQ(ws_db["pe_gates"].get<double>() - ws["pe_gates"].get<double>(), 8 * per_bit);
  EXPECT_GT(ws_db["energy_pj"].get<double>(), ws["energy_pj"].get<double>());  // more flip-flops clocked
  EXPECT_FALSE(ws["breakdown"].contains("shadow_stationary_register"));
  EXPECT_EQ(os_db["pe_gates"], os["pe_gates"]);
  EXPECT_FALSE(os_db["breakdown"].contains("shadow_stationary_register"));
  // The simulation: fewer cycles (64^3 on 16x16 WS: 16 + 16 folds of 94, vs 16 folds of 110).
  const auto run = run_json("--set array.double_buffer=true");
  EXPECT_EQ(run["cycles"], 16 + 16 * 94 - 1);
  EXPECT_EQ(run_json("")["cycles"], 16 * 110 - 1);
}

TEST(Energy_Library, SwitchingTheLibraryChangesEveryFigure) {
  const auto p = nlohmann::json::parse(run_qmac("cost --json -").out);
  const auto n = nlohmann::json::parse(run_qmac("cost --set cost.gate_library=nangate45 --json -").out);
  EXPECT_EQ(p["cost"]["gate_library"], "paper");
  EXPECT_EQ(n["cost"]["gate_library"], "nangate45");
  for (const char* k : {"mac_gates", "pe_gates", "array_gates", "area_um2", "energy_pj"})
    EXPECT_NE(p["cost"][k], n["cost"][k]) << k;
}

}  // namespace
