// `qmac validate` as a user runs it: exit codes and messages.
#include <string>

#include <gtest/gtest.h>

#include "cli/run_qmac.hpp"
#include "config_test_util.hpp"

namespace {

const std::string kExamples = std::string(QMAC_SOURCE_DIR) + "/configs/examples/";

class Validate_Example : public ::testing::TestWithParam<const char*> {};

TEST_P(Validate_Example, ExitsZeroWithASummary) {
  const std::string path = kExamples + GetParam();
  const QmacResult r = run_qmac("validate '" + path + "'");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind(path + ": ok: ", 0), 0u) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line: " << r.out;
  EXPECT_EQ(r.err, "");
}

INSTANTIATE_TEST_SUITE_P(Shipped, Validate_Example,
                         ::testing::Values("int8.yaml", "fp8_e4m3_fp16.yaml", "fp8_e4m3_fp32.yaml", "fp8_e5m2.yaml",
                                           "w8a16.yaml", "fp8_e4m3_kulisch.yaml"));

TEST(Validate_Cli, BadFileExitsTwoWithThePosition) {
  const std::string path = qmac::config::test::temp_file("bad.yaml", "mac:\n  accumulator:\n    width: 12\n");
  const QmacResult r = run_qmac("validate '" + path + "'");
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(path + ":3:12: mac.accumulator.width: an integer accumulator of 12 bits"), std::string::npos)
      << r.err;
}

TEST(Validate_Cli, SetOverridesAndItsErrors) {
  const QmacResult ok = run_qmac("validate '" + kExamples + "int8.yaml' --set array.rows=32 --set mac.fused=false");
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("32x16 ws array"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("not fused"), std::string::npos) << ok.out;
  const QmacResult bad = run_qmac("validate '" + kExamples + "int8.yaml' --set mac.accumulator.width=abc");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--set mac.accumulator.width=abc: mac.accumulator.width: 'abc' is not an integer"),
            std::string::npos)
      << bad.err;
}

TEST(Validate_Cli, MissingArgumentsAndFiles) {
  // No file: the built-in default (as `qmac run`), with its overrides checked.
  const QmacResult d = run_qmac("validate --set array.rows=8");
  EXPECT_EQ(d.code, 0) << d.err;
  EXPECT_EQ(d.out.rfind("<default>: ok: 8x16 ws array", 0), 0u) << d.out;
  const QmacResult bad = run_qmac("validate --set array.rowz=8");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("did you mean 'rows'"), std::string::npos) << bad.err;
  EXPECT_EQ(run_qmac("validate --set").code, 2);
  const QmacResult r = run_qmac("validate /nonexistent/x.yaml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("/nonexistent/x.yaml: cannot read the config file"), std::string::npos) << r.err;
}

}  // namespace
