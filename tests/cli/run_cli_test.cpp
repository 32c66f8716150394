// `qmac run` end to end: the contract's JSON keys, their consistency with the
// cycle formula, saved tensors cross-checked with numpy, and bad input.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "models/array/array.hpp"
#include "run_qmac.hpp"

namespace {

using nlohmann::json;

json run_json(const std::string& args) {
  const auto r = run_qmac("run " + args + " --json -");
  EXPECT_EQ(r.code, 0) << r.err;
  return json::parse(r.out);
}

TEST(Run_Cli, DefaultConfigHasTheContractKeys) {
  const json j = run_json("");
  for (const char* k : {"config", "gemm", "cycles", "macs", "folds", "utilization", "accuracy"})
    EXPECT_TRUE(j.contains(k)) << k;
  for (const char* k : {"sqnr_db", "max_abs_error", "overflows"}) EXPECT_TRUE(j["accuracy"].contains(k)) << k;
  EXPECT_EQ(j["gemm"]["m"], 64);
  EXPECT_EQ(j["macs"].get<uint64_t>(), 64u * 64u * 64u);
  qmac::array::ArrayOptions o;  // the contract's default: 16 x 16 weight-stationary
  EXPECT_EQ(j["cycles"].get<uint64_t>(), qmac::array::cycle_formula(o, 64, 64, 64, 1));
  EXPECT_DOUBLE_EQ(j["utilization"].get<double>(),
                   double(64 * 64 * 64) / (j["cycles"].get<double>() * 16 * 16));
  // INT8 x INT8 into 32 bits cannot overflow at K = 64: the accumulation is exact,
  // so the output equals FP64 of the dequantised inputs to double precision.
  EXPECT_EQ(j["accuracy"]["overflows"], 0);
  EXPECT_GT(j["accuracy"]["sqnr_db_vs_dequantized"].get<double>(), 250.0);
  EXPECT_GT(j["accuracy"]["sqnr_db"].get<double>(), 30.0);  // 8-bit quantisation of normal data
}

TEST(Run_Cli, NarrowIntegerAccumulatorOverflowsAndShowsIt) {
  const json ok = run_json("--set workload.gemm.k=1024 --set mac.accumulator.width=32");
  const json bad = run_json("--set workload.gemm.k=1024 --set mac.accumulator.width=16");
  EXPECT_EQ(ok["accuracy"]["overflows"], 0);
  EXPECT_GT(bad["accuracy"]["overflows"].get<int>(), 0);
  EXPECT_LT(bad["accuracy"]["sqnr_db"].get<double>(), ok["accuracy"]["sqnr_db"].get<double>() - 20);
}

TEST(Run_Cli, BothEnginesGiveTheSameJsonApartFromTheEngine) {
  const std::string shape = "--set array.rows=8 --set array.cols=8 --set workload.gemm.m=20 --set workload.gemm.k=19 "
                            "--set workload.gemm.n=13 --set mac.a=fp8_e4m3 --set mac.b=fp8_e5m2 "
                            "--set mac.accumulator.type=float --set mac.accumulator.format=fp16";
  json fast = run_json(shape + " --engine fast");
  json pe = run_json(shape + " --engine pe");
  fast["config"].erase("engine");
  pe["config"].erase("engine");
  EXPECT_EQ(fast, pe);
}

TEST(Run_Cli, SavedTensorsReproduceTheReportedError) {
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/tensors";
  std::filesystem::remove_all(dir);
  const json j = run_json("--set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.type=float "
                          "--set mac.accumulator.format=bf16 --save-tensors " + dir);
  for (const char* f : {"a.npy", "b.npy", "c.npy"}) ASSERT_TRUE(std::filesystem::exists(dir + "/" + f)) << f;
  // numpy (Debian's python3-numpy, hence /usr/bin/python3), independently: SQNR of c against a @ b (the dequantised inputs).
  const std::string py = "/usr/bin/python3 -c \"import numpy as np; d='" + dir +
                         "'; a=np.load(d+'/a.npy'); b=np.load(d+'/b.npy'); c=np.load(d+'/c.npy'); "
                         "r=a@b; print(a.shape, b.shape, c.shape, 10*np.log10((r**2).sum()/((r-c)**2).sum()))\" > " +
                         dir + "/py.txt";
  ASSERT_EQ(std::system(py.c_str()), 0);
  const std::string out = slurp(dir + "/py.txt");
  EXPECT_NE(out.find("(64, 64) (64, 64) (64, 64)"), std::string::npos) << out;
  const double sqnr = std::stod(out.substr(out.rfind(')') + 1));
  EXPECT_NEAR(sqnr, j["accuracy"]["sqnr_db_vs_dequantized"].get<double>(), 0.01) << out;
}

TEST(Run_Cli, BadInputExitsTwoWithThePlace) {
  auto r = run_qmac("run --set mac.accumulator.width=abc");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("mac.accumulator.width"), std::string::npos) << r.err;
  r = run_qmac("run --engine warp");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--engine"), std::string::npos) << r.err;
  r = run_qmac("run /nonexistent.yaml");
  EXPECT_EQ(r.code, 2);
  r = run_qmac("run --set mac.accumulator.width=12");  // narrower than an int8 x int8 product
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("at least 16"), std::string::npos) << r.err;
}

TEST(Run_Cli, VcdGoesToTheNamedFileAndGtkwaveAcceptsIt) {
  const std::string vcd = std::string(QMAC_TEST_TMPDIR) + "/run_trace.vcd";
  std::filesystem::remove(vcd);
  std::filesystem::remove(vcd + ".vcd");
  const auto r = run_qmac("run --set array.rows=4 --set array.cols=4 --set workload.gemm.m=6 --set workload.gemm.k=5 "
                          "--set workload.gemm.n=4 --vcd " + vcd);
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(std::filesystem::exists(vcd)) << "no " << vcd;
  EXPECT_FALSE(std::filesystem::exists(vcd + ".vcd"));
  EXPECT_EQ(std::system(("vcd2fst '" + vcd + "' '" + vcd + ".fst' >/dev/null 2>&1").c_str()), 0);
  // Asking for the fast engine and a waveform is a contradiction, reported as such.
  const auto bad = run_qmac("run --engine fast --vcd " + vcd);
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("pe engine"), std::string::npos) << bad.err;
}

TEST(Run_Cli, PrintConfigRoundTrips) {
  const std::string file = std::string(QMAC_TEST_TMPDIR) + "/printed.yaml";
  std::filesystem::create_directories(QMAC_TEST_TMPDIR);
  const auto r = run_qmac("run --set mac.a=fp8_e5m2 --set mac.accumulator.type=float --set mac.accumulator.format=fp32 "
                          "--set array.dataflow=os --print-config");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ofstream(file) << r.out;
  const json a = run_json(file);
  const json b = run_json("--set mac.a=fp8_e5m2 --set mac.accumulator.type=float --set mac.accumulator.format=fp32 "
                          "--set array.dataflow=os");
  EXPECT_EQ(a, b);
}

}  // namespace
