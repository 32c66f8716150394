// `qmac qerror` as a user runs it: JSON keys of the contract, errors exit 2
// naming the argument.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"
#include <nlohmann/json.hpp>

#include "tests/cli/run_qmac.hpp"

TEST(QerrorCli_Json, HasTheContractKeysAndConsistentValues) {
  const QmacResult r = run_qmac("qerror --format int8 --dist uniform --scale max --json -");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* k : {"format", "dist", "scale", "rmse", "sqnr_db", "bits_of_accuracy"})
    EXPECT_TRUE(j.contains(k)) << k;
  EXPECT_EQ(j["format"], "int8");
  EXPECT_EQ(j["dist"], "uniform");
  // U(-1,1), step 1/127: rmse = step / sqrt(12) (independent closed form).
  EXPECT_NEAR(j["rmse"].get<double>(), 1.0 / 127 / std::sqrt(12.0), 1e-12);
  EXPECT_NEAR(j["bits_of_accuracy"].get<double>(), std::log2(std::sqrt(1.0 / 3) / j["rmse"].get<double>()), 1e-12);
}

TEST(QerrorCli_Json, WritesAFile) {
  const std::string path = std::string(QMAC_TEST_TMPDIR) + "/q.json";
  const QmacResult r = run_qmac("qerror --format e4m3_fnuz --dist normal --method sample --samples 10000 --seed 4 "
                                "--json '" + path + "'");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(slurp(path));
  EXPECT_EQ(j["samples"], 10000);
  EXPECT_GT(j["bits_of_accuracy"].get<double>(), 4.5);
}

TEST(QerrorCli_Errors, BadInputExits2NamingTheArgument) {
  const struct {
    const char* args;
    const char* names;
  } cases[] = {
      {"qerror --format int9x --dist normal", "--format"},
      {"qerror --format int8 --dist gauss", "--dist"},
      {"qerror --format int8 --dist student_t:1", "--dist"},
      {"qerror --format int8 --dist normal --method guess", "--method"},
      {"qerror --format int8 --dist normal --scale mean", "--scale"},
      {"qerror --format int8 --dist normal --scale max", "--scale"},
      {"qerror --format int8 --dist normal --method sample --samples 0", "--samples"},
      {"qerror --format int8 --dist normal --method sample --samples many", "--samples"},
      {"qerror --format int8 --dist normal --samples 10", "--samples"},
      {"qerror --format fp32 --dist normal", "--method"},
      {"qerror --format int8", "dist"},
  };
  for (const auto& c : cases) {
    const QmacResult r = run_qmac(c.args);
    EXPECT_EQ(r.code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.names), std::string::npos) << c.args << "\n" << r.err;
  }
}
