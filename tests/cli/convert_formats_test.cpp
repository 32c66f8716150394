// `qmac convert` and `qmac formats` as users call them (cli-contract.md).
#include <gtest/gtest.h>

#include <unistd.h>

#include "run_qmac.hpp"

namespace {

TEST(Convert_Cli, PrintsInputCodeAndDecodedValue) {
  const auto r = run_qmac("convert --format fp8_e4m3 448 464 465 -0 1e-10 0.001");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "448\t0x7e\t448\n"
            "464\t0x7e\t448\n"
            "465\t0x7f\tnan\n"
            "-0\t0x80\t-0\n"
            "1e-10\t0x00\t0\n"
            "0.001\t0x01\t0.001953125\n");
}

TEST(Convert_Cli, SaturateAndFrameworkNames) {
  const auto r = run_qmac("convert --format float8_e5m2 --overflow saturate 1e9 -inf");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "1e9\t0x7b\t57344\n-inf\t0xfb\t-57344\n");
  const auto n = run_qmac("convert --format fp8_e5m2 1e9 -inf nan");
  EXPECT_EQ(n.out, "1e9\t0x7c\tinf\n-inf\t0xfc\t-inf\nnan\t0x7e\tnan\n");
}

TEST(Convert_Cli, ReadsStdinWhenNoValues) {
  const auto r = run_qmac("convert --format int8 --rounding rtz", "2.7\n-2.7\n\n1000\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "2.7\t0x02\t2\n-2.7\t0xfe\t-2\n1000\t0x7f\t127\n");
}

TEST(Convert_Cli, DecodeReadsCodes) {
  const auto r = run_qmac("convert --format fp16 --decode 0x3c00 31744 0xfc00 1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "0x3c00\t1\n0x7c00\tinf\n0xfc00\t-inf\n0x0001\t5.9604644775390625e-08\n");
}

TEST(Convert_Cli, BadInputExitsTwoNamingTheArgument) {
  auto r = run_qmac("convert --format fp9 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--format"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fp8_e4m3"), std::string::npos) << r.err;  // lists valid names
  r = run_qmac("convert --format int8 1 abc");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("argument 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'abc' is not a number"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // all arguments are checked before anything is printed
  r = run_qmac("convert 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--format"), std::string::npos) << r.err;
  r = run_qmac("convert --format int8 --overflow maybe 1");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--overflow"), std::string::npos) << r.err;
  r = run_qmac("convert --format int8", "1\nx\n");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("stdin line 2"), std::string::npos) << r.err;
  r = run_qmac("convert --format fp8_e4m3 --decode 256");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("outside"), std::string::npos) << r.err;
  r = run_qmac("nosuchcommand");
  EXPECT_EQ(r.code, 2);
}

TEST(Formats_Cli, ListsEveryNamedFormatWithRanges) {
  const auto r = run_qmac("formats");
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* name : {"int4", "int8", "int16", "uint8", "fp8_e4m3", "float8_e4m3fn", "fp8_e5m2", "fp8_e4m3fnuz",
                           "fp8_e5m2fnuz", "fp8_e3m4", "fp8_e2m5", "fp16", "bf16", "fp32"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  // E4M3 row: bias 7, max 448, min normal 2^-6, min subnormal 2^-9, fn.
  const auto row = r.out.substr(r.out.find("fp8_e4m3 "), 140);
  EXPECT_NE(row.find(" 7 "), std::string::npos) << row;
  EXPECT_NE(row.find("448"), std::string::npos) << row;
  EXPECT_NE(row.find("0.015625"), std::string::npos) << row;
  EXPECT_NE(row.find("0.001953125"), std::string::npos) << row;
}

}  // namespace
