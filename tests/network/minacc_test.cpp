// qmac minacc: the reported width is the smallest within the tolerance, checked
// against independent `qmac run`s at that width and one bit less.
#include <gtest/gtest.h>

#include "network_util.hpp"

using nlohmann::json;
using qmac::net_test::run_json;
using qmac::net_test::temp_file;

namespace {

json minacc_json(const std::string& args) {
  const auto r = run_qmac("minacc " + args + " --json -");
  EXPECT_EQ(r.code, 0) << r.err;
  return r.code == 0 ? json::parse(r.out) : json::object();
}

}  // namespace

TEST(Minacc_Search, IntegerWidthIsTheSmallestWithinTheTolerance) {
  const std::string shape = "--set array.rows=8 --set array.cols=8 --set workload.gemm.m=16 --set workload.gemm.k=512 "
                            "--set workload.gemm.n=8 ";
  const json j = minacc_json(shape + "--formats int8");
  ASSERT_EQ(j["layers"].size(), 1u);
  const json& r = j["layers"][0]["results"][0];
  EXPECT_EQ(r["kind"], "int");
  const int bits = r["min"]["bits"];
  const double exact = r["exact_sqnr_db"];
  // Independent runs: at `bits` within 0.1 dB of a 64-bit accumulator, at bits - 1 not.
  const json at = run_json(shape + "--set mac.accumulator.width=" + std::to_string(bits));
  const json below = run_json(shape + "--set mac.accumulator.width=" + std::to_string(bits - 1));
  const json wide = run_json(shape + "--set mac.accumulator.width=64");
  EXPECT_EQ(wide["accuracy"]["sqnr_db"].get<double>(), exact);
  EXPECT_EQ(at["accuracy"]["sqnr_db"].get<double>(), r["min"]["sqnr_db"].get<double>());
  EXPECT_GE(at["accuracy"]["sqnr_db"].get<double>(), exact - 0.1);
  EXPECT_LT(below["accuracy"]["sqnr_db"].get<double>(), exact - 0.1);
  EXPECT_GT(below["accuracy"]["overflows"].get<int>(), 0);
  // 512 products of at most 2^14: 16 + log2(512) bits hold any sum; Gaussian data needs fewer.
  EXPECT_LE(bits, 25);
  EXPECT_GE(bits, 17);
  // Savings against INT32, from the cost model of both runs.
  const json base = run_json(shape + "--set mac.accumulator.width=32");
  EXPECT_DOUBLE_EQ(r["area_saved"].get<double>(),
                   1 - at["cost"]["area_um2"].get<double>() / base["cost"]["area_um2"].get<double>());
  EXPECT_DOUBLE_EQ(r["energy_saved"].get<double>(),
                   1 - at["cost"]["energy_pj"].get<double>() / base["cost"]["energy_pj"].get<double>());
  EXPECT_GT(r["area_saved"].get<double>(), 0);
}

TEST(Minacc_Search, FloatAndKulischPerLayerOfATopology) {
  const std::string topo = temp_file("minacc.yaml",
                                     "layers:\n  - {name: short, gemm: {m: 8, k: 16, n: 8}}\n"
                                     "  - {name: long, gemm: {m: 8, k: 1024, n: 8}}\n");
  const json j = minacc_json("--set array.rows=8 --set array.cols=8 --topology " + topo + " --formats fp8_e4m3");
  ASSERT_EQ(j["layers"].size(), 2u);
  int mantissa[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const json& res = j["layers"][i]["results"];
    ASSERT_EQ(res.size(), 2u);
    EXPECT_EQ(res[0]["kind"], "fixed");
    EXPECT_EQ(res[1]["kind"], "float");
    EXPECT_EQ(res[1]["exact"], res[0]["exact"]);  // both against the exact Kulisch register
    for (const json& r : res) {
      ASSERT_FALSE(r["min"].is_null());
      EXPECT_GE(r["min"]["sqnr_db"].get<double>(), r["exact_sqnr_db"].get<double>() - 0.1);
      // Every evaluation below the minimum missed the target; every one at or above it met it.
      for (const json& e : r["evaluations"])
        EXPECT_EQ(e["bits"].get<int>() >= r["min"]["bits"].get<int>(),
                  e["sqnr_db"].get<double>() >= r["exact_sqnr_db"].get<double>() - 0.1);
    }
    mantissa[i] = res[1]["min"]["bits"];
  }
  // Longer sums lose more to rounding: the 1024-long layer needs at least the short one's mantissa.
  EXPECT_GE(mantissa[1], mantissa[0]);
  const auto bad = run_qmac("minacc --topology " + topo + " --layers 'nothing*'");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("argument --layers: 'nothing*' matches no layer"), std::string::npos) << bad.err;
}
