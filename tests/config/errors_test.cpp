// Bad configs: every message names file:line:column (1-based, the offending key or
// value) or the --set argument, says what was wrong and what was expected.
// Columns are counted by hand in the comments.
#include <string>

#include <gtest/gtest.h>

#include "config_test_util.hpp"
#include "sim/config/config.hpp"
#include "sim/config/yaml_cursor.hpp"

namespace qmac::config {
namespace {

using test::error_of;

TEST(ConfigErrors_UnknownKey, SuggestsTheClosestKey) {
  // "  dataflw: os" -> the key starts at column 3 of line 3.
  EXPECT_EQ(error_of("array:\n  rows: 8\n  dataflw: os\n"),
            "cfg.yaml:3:3: array.dataflw: unknown key 'dataflw'; did you mean 'dataflow'? expected one of: rows, "
            "cols, dataflow, cycles_as_last_index, double_buffer, output_buffer");
  EXPECT_EQ(error_of("mac:\n  acumulator:\n    width: 24\n"),
            "cfg.yaml:2:3: mac.acumulator: unknown key 'acumulator'; did you mean 'accumulator'? expected one of: a, "
            "b, accumulator, fused, pipeline_stages");
  // Nothing close: no suggestion, the list of valid keys.
  EXPECT_EQ(error_of("engine: fast\nxyzzy: 1\n"),
            "cfg.yaml:2:1: xyzzy: unknown key 'xyzzy'; expected one of: array, mac, workload, memory, cost, trace, engine, policy");
}

TEST(ConfigErrors_UnknownKey, ThroughSetNamesTheArgument) {
  EXPECT_EQ(error_of("", {"mac.acumulator.width=24"}),
            "--set mac.acumulator.width=24: mac.acumulator: unknown key 'acumulator'; did you mean 'accumulator'? "
            "expected one of: a, b, accumulator, fused, pipeline_stages");
}

TEST(ConfigErrors_Value, WrongTypeOutOfRangeAndEnums) {
  // "  rows: abc": the value starts at column 9.
  EXPECT_EQ(error_of("array:\n  rows: abc\n"),
            "cfg.yaml:2:9: array.rows: 'abc' is not an integer; expected an integer in 1..4096");
  EXPECT_EQ(error_of("array:\n  cols: 2.5\n"),
            "cfg.yaml:2:9: array.cols: '2.5' is not an integer; expected an integer in 1..4096");
  EXPECT_EQ(error_of("mac:\n  pipeline_stages: 0\n"),
            "cfg.yaml:2:20: mac.pipeline_stages: 0 is out of range; expected an integer in 1..64");
  EXPECT_EQ(error_of("mac:\n  fused: yes\n"), "cfg.yaml:2:10: mac.fused: 'yes' is not a boolean; expected true or false");
  EXPECT_EQ(error_of("array: {dataflow: wss}\n"),
            "cfg.yaml:1:19: array.dataflow: 'wss' is not valid; did you mean 'ws'? expected one of: ws, os, is");
  EXPECT_EQ(error_of("mac: 5\n"),
            "cfg.yaml:1:6: mac: is '5'; expected a mapping with keys a, b, accumulator, fused, pipeline_stages");
  EXPECT_EQ(error_of("array:\n  rows: [1, 2]\n"),
            "cfg.yaml:2:9: array.rows: is a sequence; expected an integer in 1..4096");
  EXPECT_EQ(error_of("workload:\n  a:\n    seed: -1\n"),
            "cfg.yaml:3:11: workload.a.seed: '-1' is not a non-negative integer; expected an integer in "
            "0..18446744073709551615");
  EXPECT_EQ(error_of("workload:\n  b: {distribution: normal, std: 0}\n"),
            "cfg.yaml:2:34: workload.b.std: 0.000000 is out of range; expected a number > 0");
}

TEST(ConfigErrors_Value, FormatNamesComeFromTheNumericsCore) {
  const std::string e = error_of("mac:\n  a: fp9\n");
  EXPECT_EQ(e.rfind("cfg.yaml:2:6: mac.a: unknown format 'fp9'", 0), 0u) << e;
  EXPECT_NE(e.find("expected a format name"), std::string::npos) << e;
}

TEST(ConfigErrors_Missing, EmptyValuePointsAtItsKey) {
  EXPECT_EQ(error_of("mac:\n  a:\n  b: int8\n"),
            "cfg.yaml:2:3: mac.a: missing value; expected a format name (see `qmac formats`)");
  EXPECT_EQ(error_of("workload:\n  a:\n    distribution: npy\n"),
            "cfg.yaml:3:5: workload.a: distribution npy needs a path; expected path: a .npy file");
  const std::string e = error_of("workload:\n  a: {distribution: npy, path: no_such.npy}\n");
  EXPECT_EQ(e.rfind("cfg.yaml:2:32: workload.a.path: file '", 0), 0u) << e;
  EXPECT_NE(e.find("no_such.npy' does not exist; expected a .npy file"), std::string::npos) << e;
}

TEST(ConfigErrors_Value, ParametersMustBelongToTheDistribution) {
  EXPECT_EQ(error_of("workload:\n  a:\n    distribution: uniform\n    std: 2\n"),
            "cfg.yaml:4:5: workload.a.std: does not apply to distribution uniform; expected its parameters: low, high");
  EXPECT_EQ(error_of("workload:\n  a: {distribution: uniform, low: 1, high: 1}\n"),
            "cfg.yaml:2:44: workload.a.high: the range [1.000000, 1.000000] is empty; expected low < high");
  EXPECT_EQ(error_of("workload:\n  b: {distribution: outliers, fraction: 1.5}\n"),
            "cfg.yaml:2:41: workload.b.fraction: 1.500000 is out of range; expected a fraction in 0..1");
}

TEST(ConfigErrors_Combination, IntegerAccumulatorNarrowerThanTheProduct) {
  // int8 x int8: (-128)^2 = 2^14 needs 16 bits with the sign.
  EXPECT_EQ(error_of("mac:\n  accumulator:\n    type: int\n    width: 15\n"),
            "cfg.yaml:4:12: mac.accumulator.width: an integer accumulator of 15 bits is narrower than one product of "
            "int8 x int8; expected a width of at least 16");
  EXPECT_NO_THROW(load_string("mac: {accumulator: {width: 16}}", "cfg.yaml"));
  EXPECT_EQ(error_of("mac:\n  a: int16\n", {"mac.accumulator.width=20"}),
            "--set mac.accumulator.width=20: mac.accumulator.width: an integer accumulator of 20 bits is narrower "
            "than one product of int16 x int8; expected a width of at least 24");
}

TEST(ConfigErrors_Combination, IntegerAccumulatorWithFloatOperands) {
  EXPECT_EQ(error_of("mac:\n  a: fp8_e4m3\n  accumulator:\n    type: int\n"),
            "cfg.yaml:4:11: mac.accumulator.type: an integer accumulator cannot add the products of fp8_e4m3 x int8; "
            "expected a float or fixed accumulator for floating-point operands");
  // No accumulator in the file: the operand that made it impossible is named.
  EXPECT_EQ(error_of("mac:\n  accumulator: {width: 32}\n  b: fp8_e5m2\n"),
            "cfg.yaml:2:17: mac.accumulator.width: does not apply to a float accumulator; expected it only with type "
            "int or fixed");
  EXPECT_EQ(error_of("mac:\n  accumulator: {type: int}\n", {"mac.b=bf16"}),
            "cfg.yaml:2:23: mac.accumulator.type: an integer accumulator cannot add the products of int8 x bf16; "
            "expected a float or fixed accumulator for floating-point operands");
}

TEST(ConfigErrors_Combination, FixedAndFloatAccumulators) {
  // E4M3 x E4M3 products need 37 bits and 18 fraction bits (see config_test.cpp).
  EXPECT_EQ(error_of("mac:\n  a: fp8_e4m3\n  b: fp8_e4m3\n  accumulator: {type: fixed, width: 36}\n"),
            "cfg.yaml:4:37: mac.accumulator.width: a fixed accumulator of 36 bits is narrower than one product of "
            "fp8_e4m3 x fp8_e4m3; expected a width of at least 37 (the paper's sizing adds 12 carry bits: 49)");
  EXPECT_EQ(error_of("mac:\n  a: fp8_e4m3\n  b: fp8_e4m3\n  accumulator: {type: fixed, frac_bits: 17}\n"),
            "cfg.yaml:4:41: mac.accumulator.frac_bits: 17 fraction bits cannot hold the products of fp8_e4m3 x "
            "fp8_e4m3 exactly; expected at least 18");
  EXPECT_EQ(error_of("mac:\n  a: fp16\n  accumulator: {format: int16}\n"),
            "cfg.yaml:3:25: mac.accumulator.format: 'int16' is an integer format; expected a floating-point format "
            "(fp32, fp16, bf16, ...)");
  EXPECT_EQ(error_of("mac:\n  a: fp16\n  accumulator: {rounding: stochastic}\n"),
            "cfg.yaml:3:27: mac.accumulator.rounding: 'stochastic' is not valid; expected one of: rne, rtz");
  EXPECT_EQ(error_of("mac:\n  accumulator: {overflow: nonsat}\n"),
            "cfg.yaml:2:27: mac.accumulator.overflow: 'nonsat' is not valid; expected one of: wrap, saturate");
}

TEST(ConfigErrors_Combination, OutputBufferNarrowerThanTheAccumulator) {
  const std::string e = error_of("array:\n  output_buffer: {width: 24}\n");
  EXPECT_EQ(e.rfind("cfg.yaml:2:26: array.output_buffer.width: output buffer (int24 (wrap)) is narrower than the "
                    "accumulator (int32 (wrap))",
                    0),
            0u)
      << e;
  EXPECT_NE(e.find("; expected"), std::string::npos) << e;
}

TEST(ConfigErrors_Trace, PesAndWindow) {
  // "  pes: [[0, 0], [16, 2]]": the 16 is at column 18; the array is 16 x 16.
  EXPECT_EQ(error_of("trace:\n  pes: [[0, 0], [16, 2]]\n"),
            "cfg.yaml:2:18: trace.pes[1][0]: 16 is out of range; expected an integer in 0..15");
  EXPECT_EQ(error_of("trace:\n  pes: [[0, 0], 3]\n"),
            "cfg.yaml:2:17: trace.pes[1]: is not a [row, col] pair; expected [row, col]");
  EXPECT_EQ(error_of("trace:\n  cycles: [9, 3]\n"),
            "cfg.yaml:2:11: trace.cycles: first cycle 9 is after the last 3; expected first <= last");
}

TEST(ConfigErrors_Syntax, YamlSyntaxAndShape) {
  const std::string e = error_of("array:\n  rows: 8\n cols: 4\n");
  EXPECT_EQ(e.rfind("cfg.yaml:3:", 0), 0u) << e;
  EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
  EXPECT_EQ(error_of("- a\n- b\n"),
            "cfg.yaml:1:1: is a sequence; expected a mapping with keys array, mac, workload, memory, cost, trace, engine, policy");
  EXPECT_EQ(error_of("array:\n  rows: 8\n  rows: 9\n"), "cfg.yaml:3:3: array.rows: duplicate key 'rows'; expected each key once");
}

TEST(ConfigErrors_Set, MalformedArgumentsNameTheArgument) {
  EXPECT_EQ(error_of("", {"mac.accumulator.width=abc"}),
            "--set mac.accumulator.width=abc: mac.accumulator.width: 'abc' is not an integer; expected an integer in "
            "2..64");
  EXPECT_EQ(error_of("", {"array.rows"}), "--set array.rows: no '='; expected KEY=VALUE, e.g. array.rows=32");
  EXPECT_EQ(error_of("", {"array..rows=3"}),
            "--set array..rows=3: 'array..rows' is not a dotted key; expected KEY=VALUE with KEY like "
            "mac.accumulator.width");
  const std::string e = error_of("", {"array.rows=[1,"});
  EXPECT_EQ(e.rfind("--set array.rows=[1,: array.rows: the value is not valid YAML", 0), 0u) << e;
  EXPECT_EQ(error_of("mac:\n  a: int8\n", {"mac.a.bits=4"}),
            "--set mac.a.bits=4: mac.a is the scalar 'int8' in the config, not a mapping; expected KEY to name a key "
            "of a mapping");
  EXPECT_EQ(error_of("", {"array.rows="}), "--set array.rows=: array.rows: missing value; expected an integer in 1..4096");
}

TEST(ConfigErrors_File, MissingFileNamesIt) {
  try {
    load("/nonexistent/qmac.yaml");
    FAIL() << "loaded a missing file";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "/nonexistent/qmac.yaml");
    EXPECT_NE(std::string(e.what()).find("cannot read the config file"), std::string::npos);
  }
}

TEST(ConfigErrors_DidYouMean, EditDistanceFromTheDefinition) {
  // Levenshtein: kitten -> sitting is the textbook 3 (2 substitutions, 1 insertion).
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("", "abc"), 3);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2);
  EXPECT_EQ(closest("dataflw", {"rows", "dataflow"}), "dataflow");
  EXPECT_EQ(closest("zzzzzz", {"rows", "cols"}), "");
}

}  // namespace
}  // namespace qmac::config
