// Mixed-precision policies: rules by layer name and by statistics measured on
// the layer, what the run reports, and errors in policy files.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "network_util.hpp"
#include "sim/run/network_policy.hpp"

using nlohmann::json;
using qmac::net_test::run_error;
using qmac::net_test::run_json;
using qmac::net_test::temp_file;

namespace {

// Two layers of the same shape: Gaussian activations, and activations with one
// outlier channel (of 32) ten times larger.
std::string two_layers() {
  return temp_file("pol_net.yaml",
                   "layers:\n"
                   "  - {name: attn.gauss, gemm: {m: 32, k: 32, n: 16}}\n"
                   "  - name: ffn.outliers\n"
                   "    gemm: {m: 32, k: 32, n: 16}\n"
                   "    set: {workload.a: {distribution: outliers, std: 1, fraction: 0.03125, magnitude: 10}}\n");
}

const std::string kArray = "--set array.rows=8 --set array.cols=8 ";
const std::string kW8A16 = "{mac.a: fp16, mac.accumulator.type: float}";

json run_policy(const std::string& policy) {
  return run_json(kArray + "--topology " + two_layers() + " --set 'policy=" + policy + "'");
}

}  // namespace

TEST(Policy_Stats, KurtosisAndMaxOverStdOfKnownData) {
  EXPECT_DOUBLE_EQ(qmac::run::kurtosis({1, -1, 1, -1}), 1.0);  // two-point: E x^4 / (E x^2)^2 = 1
  EXPECT_DOUBLE_EQ(qmac::run::max_over_std({1, -1, 1, -1}), 1.0);
  EXPECT_DOUBLE_EQ(qmac::run::kurtosis({5, 5, 5}), 0.0);       // constant: stated as 0
  EXPECT_DOUBLE_EQ(qmac::run::max_over_std({2, 2}), 0.0);
  // {0 x 8, +-2}: mean 0, var 0.8, E x^4 = 3.2 -> 5; max/std = 2/sqrt(0.8).
  std::vector<double> x(10, 0.0);
  x[0] = 2, x[1] = -2;
  EXPECT_NEAR(qmac::run::kurtosis(x), 5.0, 1e-12);
  EXPECT_NEAR(qmac::run::max_over_std(x), 2 / std::sqrt(0.8), 1e-12);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> n;
  std::vector<double> g(200000);
  for (auto& v : g) v = n(rng);
  EXPECT_NEAR(qmac::run::kurtosis(g), 3.0, 0.05);  // Gaussian
}

TEST(Policy_Rules, ByLayerName) {
  const json j = run_policy("{name: by_name, rules: [{layers: \"ffn.*\", set: " + kW8A16 + "}]}");
  EXPECT_EQ(j["layers"][0]["precision"]["a"], "int8");
  EXPECT_EQ(j["layers"][1]["precision"]["a"], "fp16");
  EXPECT_EQ(j["layers"][1]["precision"]["accumulator"], "fp32 (rne, nonsat)");
  EXPECT_FALSE(j["layers"][0]["policy"]["switched"].get<bool>());
  EXPECT_TRUE(j["layers"][1]["policy"]["switched"].get<bool>());
  EXPECT_EQ(j["policy"]["name"], "by_name");
  EXPECT_EQ(j["policy"]["switched"], json::array({"ffn.outliers"}));
  const auto r = run_qmac("run " + kArray + "--topology " + two_layers() +
                          " --set 'policy={name: by_name, rules: [{layers: \"ffn.*\", set: " + kW8A16 + "}]}'");
  EXPECT_NE(r.out.find("policy by_name switched 1 of 2 layers: ffn.outliers"), std::string::npos) << r.out;
}

TEST(Policy_Rules, ARuleNamingNoLayerIsReported) {
  // Rule 1 names a layer this network does not have (a typo, or a policy written
  // for another network): reported in the totals and on stdout, rule 0 still applies.
  const std::string policy = "{name: p, rules: [{layers: \"ffn.*\", set: " + kW8A16 + "}, {layers: \"fnn.*\", set: " +
                             kW8A16 + "}]}";
  const json j = run_policy(policy);
  EXPECT_EQ(j["policy"]["switched"], json::array({"ffn.outliers"}));
  ASSERT_EQ(j["policy"]["rules_matching_no_layer"].size(), 1u);
  EXPECT_EQ(j["policy"]["rules_matching_no_layer"][0]["rule"], 1);
  EXPECT_EQ(j["policy"]["rules_matching_no_layer"][0]["layers"], "fnn.*");
  const auto r = run_qmac("run " + kArray + "--topology " + two_layers() + " --set 'policy=" + policy + "'");
  EXPECT_NE(r.out.find("policy rule 1 (layers 'fnn.*', "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(") matches no layer of this network"), std::string::npos) << r.out;
  // Every rule matches something: an empty list, not an absent key.
  const json k = run_policy("{rules: [{layers: \"ffn.*\", set: " + kW8A16 + "}]}");
  EXPECT_TRUE(k["policy"]["rules_matching_no_layer"].empty());
}

TEST(Policy_Rules, ByKurtosisOfTheLayersOwnActivations) {
  // One channel of 32 at 10x: kurtosis 3((1-f) + f 10^4) / ((1-f) + f 10^2)^2 = 56 with f = 1/32.
  const json j = run_policy("{rules: [{when: {measure: kurtosis, tensor: a, above: 10}, set: " + kW8A16 + "}]}");
  const json& c0 = j["layers"][0]["policy"]["checks"][0];
  const json& c1 = j["layers"][1]["policy"]["checks"][0];
  EXPECT_EQ(c0["measure"], "kurtosis(a)");
  EXPECT_NEAR(c0["value"].get<double>(), 3.0, 0.5);
  EXPECT_NEAR(c1["value"].get<double>(), 56.0, 15.0);
  EXPECT_FALSE(c0["holds"].get<bool>());
  EXPECT_TRUE(c1["holds"].get<bool>());
  EXPECT_EQ(j["policy"]["switched"], json::array({"ffn.outliers"}));
  EXPECT_EQ(j["policy"]["name"], "custom");
  // max/std: Gaussian 32 x 32 samples stay below ~4.5; the outlier channel reaches ~30.
  const json k = run_policy("{rules: [{when: {measure: max_over_std, tensor: a, above: 8}, set: " + kW8A16 + "}]}");
  EXPECT_EQ(k["policy"]["switched"], json::array({"ffn.outliers"}));
}

TEST(Policy_Rules, BySimulatedSqnrAndTheResultIsTheSwitchedPrecisionsOwnRun) {
  // INT8 loses ~10 dB on the outlier layer (per-tensor scale); a threshold between
  // the two layers' SQNRs switches only it.
  const json plain = run_json(kArray + "--topology " + two_layers());
  const double s0 = plain["layers"][0]["accuracy"]["sqnr_db"], s1 = plain["layers"][1]["accuracy"]["sqnr_db"];
  ASSERT_GT(s0, s1 + 3);
  const std::string threshold = std::to_string((s0 + s1) / 2);
  const json j = run_policy("{rules: [{when: {measure: sqnr_db, below: " + threshold + "}, set: " + kW8A16 + "}]}");
  EXPECT_EQ(j["policy"]["switched"], json::array({"ffn.outliers"}));
  EXPECT_EQ(j["layers"][0]["policy"]["checks"][0]["value"].get<double>(), s0);  // the default precision's own run
  EXPECT_EQ(j["layers"][0]["accuracy"], plain["layers"][0]["accuracy"]);       // reused, not re-run differently
  // The switched layer is exactly the run at the rule's precision.
  const json w8a16 = run_json(kArray + "--topology " + two_layers() + " --set mac.a=fp16 --set mac.accumulator.type=float");
  EXPECT_EQ(j["layers"][1]["accuracy"], w8a16["layers"][1]["accuracy"]);
  EXPECT_EQ(j["layers"][1]["cost"], w8a16["layers"][1]["cost"]);
  // sqnr_gain_db: the rule's precision against the default, both simulated.
  const json g = run_policy("{rules: [{when: {measure: sqnr_gain_db, above: 6}, set: " + kW8A16 + "}]}");
  const double gain = g["layers"][1]["policy"]["checks"][0]["value"];
  EXPECT_NEAR(gain, w8a16["layers"][1]["accuracy"]["sqnr_db"].get<double>() - s1, 1e-9);
  EXPECT_EQ(g["layers"][1]["accuracy"], w8a16["layers"][1]["accuracy"]);
  EXPECT_GT(gain, 6);
}

TEST(Policy_Rules, FirstMatchingRuleWins) {
  const json j = run_policy("{rules: [{layers: \"*.outliers\", set: {mac.accumulator.width: 24}}, "
                            "{layers: \"*\", set: {mac.accumulator.width: 20}}]}");
  EXPECT_EQ(j["layers"][0]["precision"]["accumulator"], "int20 (wrap)");
  EXPECT_EQ(j["layers"][1]["precision"]["accumulator"], "int24 (wrap)");
  EXPECT_EQ(j["layers"][1]["policy"]["rule"], 0);
  EXPECT_EQ(j["layers"][0]["policy"]["rule"], 1);
}

TEST(Policy_Errors, InPolicyFilesPointIntoThem) {
  const std::string net = two_layers();
  const std::string bad_measure = temp_file("p1.yaml", "rules:\n  - when: {measure: kurtosys, tensor: a, above: 3}\n"
                                                       "    set: {mac.a: fp16}\n");
  EXPECT_EQ(run_error("--topology " + net + " --set policy=" + bad_measure),
            "qmac run: error: " + bad_measure + ":2:21: policy.rules[0].when.measure: 'kurtosys' is not valid; did you "
            "mean 'kurtosis'? expected one of: kurtosis, max_over_std, sqnr_db, sqnr_gain_db");
  const std::string no_set = temp_file("p2.yaml", "name: x\nrules:\n  - layers: \"*\"\n");
  EXPECT_EQ(run_error("--topology " + net + " --set policy=" + no_set),
            "qmac run: error: " + no_set + ":3:5: policy.rules[0]: has no set; expected set: {KEY: VALUE, ...} with the "
            "dotted config keys this rule changes");
  const std::string bad_value = temp_file("p3.yaml", "rules:\n  - layers: \"ffn*\"\n    set: {mac.a: fp9}\n");
  const std::string e = run_error("--topology " + net + " --set policy=" + bad_value);
  EXPECT_EQ(e.substr(0, e.find("; expected")), "qmac run: error: " + bad_value + ":3:18: mac.a: unknown format 'fp9'");
  EXPECT_NE(e.find("(in layer 'ffn.outliers', " + net + ":3)"), std::string::npos) << e;
  const std::string both = temp_file("p4.yaml", "rules:\n  - when: {measure: sqnr_db, above: 3, below: 4}\n"
                                                "    set: {mac.a: fp16}\n");
  EXPECT_EQ(run_error("--topology " + net + " --set policy=" + both),
            "qmac run: error: " + both + ":2:11: policy.rules[0].when: needs exactly one of above: X or below: X");
  const std::string shape = temp_file("p5.yaml", "rules:\n  - set: {workload.gemm.m: 3}\n");
  EXPECT_EQ(run_error("--topology " + net + " --set policy=" + shape),
            "qmac run: error: " + shape + ":2:11: policy.rules[0].set: 'workload.gemm.m' cannot be set by a rule; "
            "expected dotted keys of the MAC, array, workload.a/b or cost (e.g. mac.a)");
}
