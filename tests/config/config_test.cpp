// The resolved Config: the contract's default, every key taking effect and
// round-tripping through to_yaml, --set precedence, JSON shape, shipped examples.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "sim/config/config.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::config {
namespace {

using test::error_of;
using test::temp_file;

TEST(Config_Default, MatchesTheContract) {
  // docs/cli-contract.md: "a 16x16 weight-stationary array, INT8 x INT8 into a 32-bit
  // integer accumulator, a 64x64x64 GEMM of seeded normal data".
  const Config c = default_config();
  EXPECT_EQ(c.array.rows, 16);
  EXPECT_EQ(c.array.cols, 16);
  EXPECT_EQ(c.array.dataflow, array::Dataflow::ws);
  EXPECT_TRUE(c.mac.a.is_int());
  EXPECT_EQ(c.mac.a.i.bits, 8);
  EXPECT_TRUE(c.mac.a.i.is_signed);
  EXPECT_EQ(c.mac.b, c.mac.a);
  EXPECT_EQ(c.mac.acc.kind, num::AccKind::integer);
  EXPECT_EQ(c.mac.acc.width, 32);
  EXPECT_EQ(c.mac.acc.int_overflow, num::IntOverflow::wrap);
  EXPECT_TRUE(c.mac.fused);
  EXPECT_EQ(c.mac.pipeline_stages, 1);
  EXPECT_EQ(c.workload.m, 64);
  EXPECT_EQ(c.workload.k, 64);
  EXPECT_EQ(c.workload.n, 64);
  EXPECT_EQ(c.workload.a.dist.kind, workload::DistKind::normal);
  EXPECT_EQ(c.workload.b.dist.kind, workload::DistKind::normal);
  EXPECT_NE(c.workload.a.seed, c.workload.b.seed);  // A and B are different numbers
  EXPECT_EQ(c.cost.gate_library, "paper");
  EXPECT_EQ(c.cost.technology, "45nm");
  EXPECT_EQ(c.engine, array::Engine::fast);
  EXPECT_TRUE(c.trace.vcd.empty());
  // The integer output buffer holds the MAC's integer width (issue 3).
  EXPECT_EQ(c.array.output_buffer.kind, num::AccKind::integer);
  EXPECT_EQ(c.array.output_buffer.width, 32);
  EXPECT_EQ(load_string("", "empty.yaml"), c);
  EXPECT_EQ(load_string("{}", "empty.yaml"), c);
}

TEST(Config_Default, AccumulatorTypeFollowsTheOperands) {
  // Floating-point operands default to an FP32 accumulator and an FP32 output buffer.
  const Config c = load_default({"mac.a=fp8_e4m3", "mac.b=fp8_e4m3"});
  EXPECT_EQ(c.mac.acc.kind, num::AccKind::floating);
  EXPECT_EQ(c.mac.acc.format, num::parse_format("fp32"));
  EXPECT_EQ(c.mac.acc.rounding, num::Rounding::rne);
  EXPECT_EQ(c.array.output_buffer.kind, num::AccKind::floating);
  EXPECT_EQ(c.array.output_buffer.format, num::parse_format("fp32"));
}

TEST(Config_Default, FixedWidthIsThePapersKulischSizing) {
  // E4M3: smallest subnormal 2^-9, so a product's LSB is 2^-18 (18 fraction bits);
  // largest product 448^2 = 200704 < 2^18, highest bit 2^17: 17 - (-18) + 1 = 36
  // magnitude bits + 1 sign bit = 37, plus the paper's 12 carry bits
  // (arXiv 2303.17951 section 3.3) = 49.
  const Config c = load_default({"mac.a=fp8_e4m3", "mac.b=fp8_e4m3", "mac.accumulator.type=fixed"});
  EXPECT_EQ(c.mac.acc.kind, num::AccKind::fixed);
  EXPECT_EQ(c.mac.acc.frac_bits, 18);
  EXPECT_EQ(c.mac.acc.width, 49);
  // int8 x int8: (-128)^2 = 2^14 needs 15 magnitude bits + sign = 16, + 12 = 28.
  const Config i = load_default({"mac.accumulator.type=fixed"});
  EXPECT_EQ(i.mac.acc.frac_bits, 0);
  EXPECT_EQ(i.mac.acc.width, 28);
  // Extra fraction bits widen the default by as many bits.
  const Config f = load_default({"mac.accumulator={type: fixed, frac_bits: 3}"});
  EXPECT_EQ(f.mac.acc.frac_bits, 3);
  EXPECT_EQ(f.mac.acc.width, 31);
}

// Each override changes the config (so the key is really read) and the result
// survives to_yaml -> load unchanged.
class Config_EveryKey : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(Config_EveryKey, TakesEffectAndRoundTripsThroughYaml) {
  const Config c = load_default(GetParam());
  EXPECT_NE(c, default_config());
  const std::string yaml = to_yaml(c);
  const Config back = load_string(yaml, "printed.yaml");
  EXPECT_EQ(back, c) << yaml;
  EXPECT_EQ(to_yaml(back), yaml);
  EXPECT_EQ(to_json(back), to_json(c));
}

INSTANTIATE_TEST_SUITE_P(
    Keys, Config_EveryKey,
    ::testing::Values(
        std::vector<std::string>{"array.rows=8"}, std::vector<std::string>{"array.cols=4"},
        std::vector<std::string>{"array.dataflow=os"}, std::vector<std::string>{"array.dataflow=is"},
        std::vector<std::string>{"array.cycles_as_last_index=false"},
        std::vector<std::string>{"array.output_buffer.width=48"},
        std::vector<std::string>{"array.output_buffer={type: fixed, width: 40}"},
        std::vector<std::string>{"mac.a=int4"}, std::vector<std::string>{"mac.b=uint8", "mac.accumulator.width=24"},
        std::vector<std::string>{"mac.accumulator.overflow=saturate"},
        std::vector<std::string>{"mac.accumulator={type: fixed, width: 30, overflow: saturate}"},
        std::vector<std::string>{"mac.fused=false"}, std::vector<std::string>{"mac.pipeline_stages=3"},
        std::vector<std::string>{"mac={a: fp8_e4m3, b: float8_e4m3fn, accumulator: {type: float, format: fp16, "
                                 "rounding: rtz, overflow: saturate}}"},
        std::vector<std::string>{"mac.a=fp8_e5m2", "mac.b=fp8_e5m2", "mac.accumulator.format=bf16",
                                 "array.output_buffer.format=fp16"},
        std::vector<std::string>{"mac.a=fp16", "mac.b=int8"},  // W8A16
        std::vector<std::string>{"mac.a=e3m4_b5_fnuz", "mac.b=fp8_e2m5", "mac.accumulator.type=fixed"},
        std::vector<std::string>{"workload.gemm.m=5"}, std::vector<std::string>{"workload.gemm.k=1"},
        std::vector<std::string>{"workload.gemm.n=3"}, std::vector<std::string>{"workload.a.seed=42"},
        std::vector<std::string>{"workload.b.seed=18446744073709551615"},
        std::vector<std::string>{"workload.a.mean=0.25", "workload.a.std=0.1"},
        std::vector<std::string>{"workload.a={distribution: uniform, low: -2, high: 0.5}"},
        std::vector<std::string>{"workload.b={distribution: laplace, mean: 0.1, scale: 2}"},
        std::vector<std::string>{"workload.a={distribution: student_t, nu: 4.5, scale: 0.3}"},
        std::vector<std::string>{"workload.b={distribution: outliers, std: 2, fraction: 0.05, magnitude: 20}"},
        std::vector<std::string>{"workload.b.quantization.granularity=per_channel"},
        std::vector<std::string>{"workload.a.quantization.scale=best"},
        std::vector<std::string>{"cost.gate_library=nangate45"},
        std::vector<std::string>{"workload.a.nonfinite=propagate"}, std::vector<std::string>{"cost.technology=7nm"},
        std::vector<std::string>{"trace.vcd=/tmp/wave.vcd"}, std::vector<std::string>{"trace.pes=[[0, 1], [15, 3]]"},
        std::vector<std::string>{"trace.cycles=[5, 50]"}, std::vector<std::string>{"engine=pe"}));

TEST(Config_EveryKey, PathsResolveAgainstTheFileAndRoundTrip) {
  // The config checks the files it names (so `qmac validate` refuses what
  // `qmac run` would): a real .npy of A's shape and real gate/tech files.
  const std::string npy = temp_file("x.npy", "");
  workload::save_npy(npy, workload::Tensor{64, 64, std::vector<double>(64 * 64, 0.5)});
  const std::string tech = temp_file("tech_test.yaml", test::slurp(std::string(QMAC_SOURCE_DIR) + "/configs/tech/45nm.yaml"));
  const std::string lib = temp_file("lib_test.yaml", test::slurp(std::string(QMAC_SOURCE_DIR) + "/configs/gates/paper.yaml"));
  // Relative paths inside a config file are relative to the file's directory.
  const std::string cfg = temp_file("paths.yaml",
                                    "workload:\n  a: {distribution: npy, path: x.npy}\n"
                                    "cost:\n  technology: tech_test.yaml\n  gate_library: ./lib_test.yaml\n");
  const Config c = load(cfg);
  EXPECT_EQ(c.workload.a.dist.kind, workload::DistKind::npy);
  EXPECT_EQ(c.workload.a.dist.path, npy);
  EXPECT_EQ(c.cost.technology, tech);
  EXPECT_EQ(c.cost.gate_library, lib);
  EXPECT_EQ(load_string(to_yaml(c), "printed.yaml"), c);
}

TEST(Config_Set, OverridesTheFileInOrderAndAddsKeys) {
  const std::string yaml = "array:\n  rows: 8\nworkload:\n  a:\n    distribution: normal\n    std: 3\n";
  EXPECT_EQ(load_string(yaml, "cfg.yaml").array.rows, 8);
  const Config c = load_string(yaml, "cfg.yaml", {"array.rows=32", "array.cols=2", "array.rows=12"});
  EXPECT_EQ(c.array.rows, 12);  // later --set wins
  EXPECT_EQ(c.array.cols, 2);   // a key absent from the file
  EXPECT_EQ(c.workload.a.dist.std, 3);
  // A mapping value replaces the whole subtree (so std: 3 does not clash with uniform).
  const Config u = load_string(yaml, "cfg.yaml", {"workload.a={distribution: uniform, low: 0, high: 4}"});
  EXPECT_EQ(u.workload.a.dist.kind, workload::DistKind::uniform);
  EXPECT_EQ(u.workload.a.dist.high, 4);
  // A whole new section.
  EXPECT_EQ(load_string(yaml, "cfg.yaml", {"trace.cycles=[1, 2]"}).trace.last_cycle, 2u);
  // Then a key inside what an earlier --set created.
  EXPECT_EQ(load_string(yaml, "cfg.yaml", {"workload.a={distribution: uniform}", "workload.a.low=-3"})
                .workload.a.dist.low,
            -3);
}

TEST(Config_Set, IsValidatedLikeTheFile) {
  // The same rule, reported at the file position or at the --set.
  EXPECT_EQ(error_of("array:\n  rows: 0\n"), "cfg.yaml:2:9: array.rows: 0 is out of range; expected an integer in 1..4096");
  EXPECT_EQ(error_of("", {"array.rows=0"}),
            "--set array.rows=0: array.rows: 0 is out of range; expected an integer in 1..4096");
}

TEST(Config_Json, HasEveryContractSection) {
  const auto j = to_json(load_default({"mac.accumulator.type=fixed", "trace.pes=[[1, 2]]"}));
  for (const char* key : {"array", "mac", "workload", "cost", "trace", "engine"}) EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["array"]["rows"], 16);
  EXPECT_EQ(j["mac"]["a"], "int8");
  EXPECT_EQ(j["mac"]["accumulator"]["type"], "fixed");
  EXPECT_EQ(j["mac"]["accumulator"]["width"], 28);
  EXPECT_EQ(j["workload"]["gemm"]["k"], 64);
  EXPECT_EQ(j["workload"]["a"]["distribution"], "normal");
  EXPECT_EQ(j["trace"]["pes"][0][1], 2);
  EXPECT_EQ(j["engine"], "fast");
}

TEST(Config_Helpers, MacSpecArrayAndTraceOptions) {
  const Config c = load_default({"mac.fused=false", "array.rows=4", "array.cols=6", "array.dataflow=is"});
  const num::MacSpec s = mac_spec(c);
  EXPECT_FALSE(s.fused);
  EXPECT_EQ(s.acc.width, 32);
  const array::ArrayOptions o = array_options(c);
  EXPECT_EQ(o.rows, 4);
  EXPECT_EQ(o.cols, 6);
  EXPECT_EQ(o.dataflow, array::Dataflow::is);
  // No PEs given: the array's default corners; given: exactly those.
  EXPECT_EQ(trace_options(c).pes, array::default_trace_pes(4, 6));
  const Config t = load_default({"trace.pes=[[1, 1]]", "trace.cycles=[3, 9]"});
  EXPECT_EQ(trace_options(t).pes, (std::vector<std::pair<int, int>>{{1, 1}}));
  EXPECT_EQ(trace_options(t).first_cycle, 3u);
  EXPECT_EQ(trace_options(t).last_cycle, 9u);
}

// The shipped examples load and say what their names promise.
TEST(Config_Examples, LoadAsNamed) {
  const std::string dir = std::string(QMAC_SOURCE_DIR) + "/configs/examples/";
  const Config i8 = load(dir + "int8.yaml");
  EXPECT_EQ(i8.mac.a.name, "int8");
  EXPECT_EQ(i8.mac.acc.kind, num::AccKind::integer);
  EXPECT_EQ(i8.mac.acc.width, 32);
  const Config f16 = load(dir + "fp8_e4m3_fp16.yaml");
  EXPECT_EQ(f16.mac.a, num::parse_format("fp8_e4m3"));
  EXPECT_EQ(f16.mac.acc.format, num::parse_format("fp16"));
  const Config f32 = load(dir + "fp8_e4m3_fp32.yaml");
  EXPECT_EQ(f32.mac.acc.format, num::parse_format("fp32"));
  const Config e5 = load(dir + "fp8_e5m2.yaml");
  EXPECT_EQ(e5.mac.b, num::parse_format("fp8_e5m2"));
  const Config w8 = load(dir + "w8a16.yaml");
  EXPECT_EQ(w8.mac.a, num::parse_format("fp16"));
  EXPECT_EQ(w8.mac.b, num::parse_format("int8"));
  EXPECT_EQ(w8.mac.acc.kind, num::AccKind::floating);
  // The Kulisch example spells out exactly the paper's default sizing.
  const Config k = load(dir + "fp8_e4m3_kulisch.yaml");
  const num::AccumulatorSpec paper = num::kulisch_for(k.mac.a, k.mac.b);
  EXPECT_EQ(k.mac.acc.width, paper.width);
  EXPECT_EQ(k.mac.acc.frac_bits, paper.frac_bits);
  for (const auto* c : {&i8, &f16, &f32, &e5, &w8, &k}) EXPECT_EQ(load_string(to_yaml(*c), "printed.yaml"), *c);
}

}  // namespace
}  // namespace qmac::config
