// qmac rtl as a user runs it: files written into -o DIR (and nothing else),
// errors for bad folders and configs the RTL cannot express.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "../cli/run_qmac.hpp"

namespace {

namespace fs = std::filesystem;

std::string tmp(const std::string& name) {
  const fs::path p = fs::path(QMAC_TEST_TMPDIR) / name;
  fs::remove_all(p);
  fs::create_directories(p.parent_path());
  return p.string();
}

TEST(RtlCli, WritesTheVerilogIntoTheFolderAndCreatesOnlyIt) {
  const std::string dir = tmp("rtl_out");
  const auto r = run_qmac("rtl --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.type=float "
                          "--set mac.accumulator.format=fp16 -o '" + dir + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string mac = slurp(dir + "/qmac_mac.v");
  EXPECT_NE(mac.find("module qmac_mac"), std::string::npos);
  for (const char* block : {"module significand_multiplier", "module alignment_shifter", "module leading_zero_counter",
                            "module rounder", "module accumulator_register"})
    EXPECT_NE(mac.find(block), std::string::npos) << block;
  EXPECT_NE(slurp(dir + "/qmac_tb.v").find("module qmac_tb"), std::string::npos);
  const std::string pe = slurp(dir + "/qmac_pe.v");  // the default dataflow's PE (WS)
  EXPECT_NE(pe.find("module qmac_pe ("), std::string::npos);
  EXPECT_NE(pe.find("module qmac_pe_mac ("), std::string::npos);
  EXPECT_NE(pe.find("if (load) y_out <= y_in;"), std::string::npos);
  EXPECT_NE(r.out.find("qmac_pe.v: the ws PE"), std::string::npos) << r.out;
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 3u);
  // A second run into the same folder keeps a file it does not name.
  { std::ofstream(dir + "/mine.txt") << "keep me"; }
  ASSERT_EQ(run_qmac("rtl -o '" + dir + "'").code, 0);
  EXPECT_EQ(slurp(dir + "/mine.txt"), "keep me");
  EXPECT_NE(slurp(dir + "/qmac_mac.v").find("int8 x int8 -> int32"), std::string::npos);
}

// FP8 into a Kulisch accumulator: the MAC's RTL has one register more than
// mac.pipeline_stages, so there is no PE the pe engine's array would match;
// qmac rtl writes the MAC and says why there is no PE, qmac synth --pe refuses.
TEST(RtlCli, AMacWithoutAPeSaysWhy) {
  const std::string dir = tmp("rtl_no_pe");
  const std::string kulisch = "--set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.type=fixed";
  auto r = run_qmac("rtl " + kulisch + " -o '" + dir + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir + "/qmac_mac.v"));
  EXPECT_FALSE(fs::exists(dir + "/qmac_pe.v"));
  EXPECT_NE(r.out.find("no qmac_pe.v: mac.accumulator.type: this MAC's RTL takes 2 clocks"), std::string::npos) << r.out;
  r = run_qmac("synth --pe " + kulisch);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("mac.accumulator.type"), std::string::npos) << r.err;
}

TEST(RtlCli, BadFoldersAreInputErrors) {
  const std::string base = tmp("rtl_bad");
  auto r = run_qmac("rtl -o '" + base + "/missing/parent'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("parent"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(base + "/missing"));
  fs::create_directories(base);
  { std::ofstream(base + "/file") << "x"; }
  r = run_qmac("rtl -o '" + base + "/file'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not a folder"), std::string::npos) << r.err;
  r = run_qmac("rtl");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("-o DIR"), std::string::npos) << r.err;
}

TEST(RtlCli, ConfigsTheRtlCannotBuildNameTheKey) {
  const std::string dir = tmp("rtl_key");
  auto r = run_qmac("rtl --set mac.pipeline_stages=100 -o '" + dir + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("mac.pipeline_stages"), std::string::npos) << r.err;
  r = run_qmac("rtl --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.type=float "
               "--set mac.accumulator.format=e5m0 -o '" + dir + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("mac.accumulator.format"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/qmac_mac.v"));
}

// A calibration results file is read whole: an oversized one (a sparse file of
// 64 MiB + 1 byte, no data written) is refused before reading, naming the path
// and the limit; /dev/zero is refused as not a regular file, at once (before
// this check it was read up to the 1 GiB results limit).
TEST(SynthCli, CalibrationFileMustBeARegularFileWithinItsLimit) {
  const std::string big = tmp("synth_calibration") + ".json";
  { std::ofstream(big, std::ios::binary) << "{"; }
  fs::resize_file(big, (std::uintmax_t{64} << 20) + 1);
  auto r = run_qmac("synth --calibration '" + big + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(big + ": the synthesis results file has 67108865 bytes, more than qmac's limit of 64 MiB"),
            std::string::npos)
      << r.err;
  fs::remove(big);
  r = run_qmac("synth --calibration /dev/zero");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("'/dev/zero' is not a regular file"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

// qmac synth --pe: the PE's netlist (flattened) and the MAC with PE ports,
// each against the cost model, under every shipped library.
TEST(SynthCli, PeSynthesisReportsNetlistAgainstTheCostModel) {
  auto r = run_qmac("synth --pe --set array.dataflow=is --set array.double_buffer=true --json -");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dataflow"], "is");
  EXPECT_EQ(j["double_buffer"], true);
  for (const auto& lib : j["libraries"]) {
    const std::string n = lib.get<std::string>();
    const double pe = j["pe"][n]["netlist"], mac = j["mac"][n]["netlist"];
    EXPECT_GT(mac, 500) << n;  // an INT8 MAC with a 32-bit accumulator
    EXPECT_GT(pe, mac) << n;   // plus forwarding, stationary, shadow and valid registers
    EXPECT_NEAR(j["pe_beyond_mac"][n]["netlist"].get<double>(), pe - mac, 1e-9);
    // The cost model's PE adds its PE components (registers; rtl libraries: muxes, control) to its MAC.
    EXPECT_NEAR(j["pe"][n]["estimate"].get<double>(),
                j["mac"][n]["estimate"].get<double>() + j["pe_beyond_mac"][n]["estimate"].get<double>(), 1e-6);
    EXPECT_GT(j["pe"][n]["netlist_sequential"].get<double>(), j["mac"][n]["netlist_sequential"].get<double>());
  }
  r = run_qmac("synth --pe --cells");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--pe: cannot be combined with --cells"), std::string::npos) << r.err;
}

}  // namespace
