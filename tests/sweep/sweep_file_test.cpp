// Sweep files: point order, ranges, group axes, and positioned errors.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>

#include "sim/errors.hpp"
#include "sim/sweep/sweep_file.hpp"

namespace {

using qmac::sweep::load_sweep_file;

std::string write_file(const std::string& name, const std::string& text) {
  std::filesystem::create_directories(QMAC_TEST_TMPDIR);
  const std::string path = std::string(QMAC_TEST_TMPDIR) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string error_of(const std::string& text) {
  try {
    load_sweep_file(write_file("bad.yaml", text));
  } catch (const qmac::InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(SweepFile_Points, CartesianProductLastAxisFastest) {
  const auto sw = load_sweep_file(write_file("a.yaml",
                                             "set:\n"
                                             "  workload.gemm.m: 256\n"
                                             "axes:\n"
                                             "  mac.accumulator.width: [16, 24]\n"
                                             "  workload.gemm.k: {from: 64, to: 192, step: 64}\n"
                                             "  precision:\n"
                                             "    - {mac.a: int8, mac.accumulator.type: int}\n"
                                             "    - {mac.a: fp8_e4m3, mac.accumulator.type: float, "
                                             "mac.accumulator.format: fp16}\n"));
  ASSERT_EQ(sw.points.size(), 2u * 3u * 2u);
  EXPECT_EQ(sw.command, "run");
  ASSERT_EQ(sw.fixed.size(), 1u);
  EXPECT_EQ(sw.fixed[0].key, "workload.gemm.m");
  EXPECT_EQ(sw.fixed[0].value, "256");
  EXPECT_EQ(sw.columns, (std::vector<std::string>{"mac.accumulator.width", "workload.gemm.k", "mac.a",
                                                   "mac.accumulator.type", "mac.accumulator.format"}));
  // Point 0: first of every axis; point 1: the last axis advanced.
  const auto& p0 = sw.points[0].overrides;
  ASSERT_EQ(p0.size(), 4u);
  EXPECT_EQ(p0[0].value, "16");
  EXPECT_EQ(p0[1].value, "64");
  EXPECT_EQ(p0[2].value, "int8");
  const auto& p1 = sw.points[1].overrides;
  EXPECT_EQ(p1[1].value, "64");
  EXPECT_EQ(p1[2].value, "fp8_e4m3");
  EXPECT_EQ(p1.size(), 5u);
  const auto& p2 = sw.points[2].overrides;
  EXPECT_EQ(p2[1].value, "128");
  const auto& last = sw.points.back().overrides;
  EXPECT_EQ(last[0].value, "24");
  EXPECT_EQ(last[1].value, "192");
  for (size_t i = 0; i < sw.points.size(); ++i) EXPECT_EQ(sw.points[i].id, i);
}

TEST(SweepFile_Errors, NamePositionAndExpectation) {
  EXPECT_NE(error_of("axes:\n  a: [1]\nbogus: 1\n").find("bad.yaml:3:1: unknown key 'bogus'"), std::string::npos)
      << error_of("axes:\n  a: [1]\nbogus: 1\n");
  EXPECT_NE(error_of("axes:\n  a: {from: 1, to: x}\n").find("bad.yaml:2:20: 'to' must be an integer"),
            std::string::npos)
      << error_of("axes:\n  a: {from: 1, to: x}\n");
  EXPECT_NE(error_of("axes:\n  a: {from: 5, to: 1}\n").find("below 'from'"), std::string::npos);
  EXPECT_NE(error_of("axes:\n  a: {from: 1, to: 5, step: 0}\n").find("'step' must be positive"), std::string::npos);
  EXPECT_NE(error_of("axes:\n  a: []\n").find("bad.yaml:2:6"), std::string::npos) << error_of("axes:\n  a: []\n");
  EXPECT_NE(error_of("axes:\n  g: [{mac.a: int8}, 3]\n").find("mixes maps"), std::string::npos);
  EXPECT_NE(error_of("command: walk\naxes:\n  a: [1]\n").find("bad.yaml:1:10: command must be run, cost or qerror"),
            std::string::npos)
      << error_of("command: walk\naxes:\n  a: [1]\n");
  EXPECT_NE(error_of("base: nowhere.yaml\naxes:\n  a: [1]\n").find("base config 'nowhere.yaml' not found"),
            std::string::npos);
  EXPECT_NE(error_of("set: 3\naxes:\n  a: [1]\n").find("'set' must be a map"), std::string::npos);
  EXPECT_NE(error_of("set: {a: 1}\n").find("missing 'axes'"), std::string::npos);
  EXPECT_NE(error_of("axes: [1, 2\n").find("YAML syntax error"), std::string::npos);
}

}  // namespace
