// Sweeps over networks: a sweep point is a whole topology run; its CSV row holds
// the network's totals, and --resume after an interruption gives the same files.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "network_util.hpp"

using nlohmann::json;
using qmac::net_test::temp_file;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) v.push_back(l);
  return v;
}

}  // namespace

TEST(NetworkSweep, PointsAreWholeNetworksAndResumeIsExact) {
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/sweep_net";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  temp_file("sweep_net/net.yaml",
            "layers:\n"
            "  - {name: gauss, gemm: {m: 16, k: 32, n: 8}}\n"
            "  - name: outl\n"
            "    gemm: {m: 16, k: 32, n: 8}\n"
            "    set: {workload.a: {distribution: outliers, fraction: 0.03, magnitude: 20}}\n");
  temp_file("sweep_net/base.yaml", "array: {rows: 8, cols: 8}\nworkload: {topology: net.yaml}\n");
  const std::string policy = std::string(QMAC_SOURCE_DIR) + "/configs/policies/w8a16_outliers.yaml";
  const std::string sweep = temp_file("sweep_net/sweep.yaml",
                                      "base: base.yaml\n"
                                      "axes:\n"
                                      "  policy: [none, " + policy + "]\n"
                                      "  precision:\n"
                                      "    - {mac.a: int8, mac.b: int8}\n"
                                      "    - {mac.a: fp8_e4m3, mac.b: fp8_e4m3}\n");
  const std::string full = dir + "/full.csv";
  auto r = run_qmac("sweep " + sweep + " -o " + full + " -j 2");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto rows = lines_of(slurp(full));
  ASSERT_EQ(rows.size(), 5u);
  // Each row's totals are the network run's own.
  const auto jl = lines_of(slurp(dir + "/full.jsonl"));
  ASSERT_EQ(jl.size(), 4u);
  const json p1 = json::parse(jl[1]);  // no policy, FP8
  EXPECT_EQ(p1["result"]["layers"].size(), 2u);
  const json direct = qmac::net_test::run_json(dir + "/base.yaml --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3");
  EXPECT_EQ(p1["result"]["cycles"], direct["cycles"]);
  EXPECT_EQ(p1["result"]["accuracy"], direct["accuracy"]);
  EXPECT_NE(rows[2].find("," + std::to_string(direct["cycles"].get<uint64_t>()) + ","), std::string::npos) << rows[2];
  // The policy switched the outlier layer in both precisions' runs.
  const json p2 = json::parse(jl[2]);
  EXPECT_EQ(p2["result"]["policy"]["switched"], json::array({"outl"}));
  EXPECT_EQ(rows[0].find("cost.accumulator_bits") != std::string::npos, true);
  // Interrupted after the first point (the files as a killed sweep leaves them,
  // with a torn line), then resumed: the same bytes as the uninterrupted run.
  const std::string part = dir + "/part.csv";
  std::ofstream(part) << rows[0] << "\n" << rows[1] << "\n" << rows[2].substr(0, 10);
  std::ofstream(dir + "/part.jsonl") << jl[0] << "\n";
  std::filesystem::copy_file(dir + "/full.sweep.json", dir + "/part.sweep.json");  // the sweep's definition
  r = run_qmac("sweep " + sweep + " -o " + part + " -j 2 --resume");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(part), slurp(full));
  EXPECT_EQ(slurp(dir + "/part.jsonl"), slurp(dir + "/full.jsonl"));
}
