// The catalogue of bad inputs: a table of wrong configs, --set values, command
// arguments, sweep files, .npy files, gate/technology files and results files
// for every command. Each case runs qmac in a fresh folder holding the case's
// files and asserts what the contract promises for bad input:
//   - exit code 2 (bad input) or 1 (a runtime failure, e.g. an output that
//     cannot be written);
//   - a message on stderr naming where: file:line:column, the --set argument,
//     or the argument;
//   - nothing on stdout;
//   - no file created or changed in the folder.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "run_qmac.hpp"

namespace {

namespace fs = std::filesystem;

struct Case {
  std::string args;                                       // "{D}" is the case's folder
  int code = 2;
  std::string where;                                      // must appear in stderr ("{D}" replaced too)
  std::vector<std::pair<std::string, std::string>> files = {};  // created in {D} before the run
  std::string input = "";                                 // standard input
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  return s;
}

// A snapshot of a folder: every path with its type and content.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> s;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string key = e.path().string();
    if (e.is_symlink()) s[key] = "link:" + fs::read_symlink(e.path()).string();
    else if (e.is_regular_file()) s[key] = "file:" + slurp(key);
    else s[key] = "other";
  }
  return s;
}

// ------------------------------------------------------------------ cases

// A .npy version 1.0 header holding `dict` (padded as numpy pads it).
std::string npy_header(const std::string& dict) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += char(h.size() & 0xff);
  out += char(h.size() >> 8);
  return out + h;
}
std::vector<Case> set_cases() {
  // KEY=VALUE overrides that must be refused, each named by its --set.
  const std::vector<std::string> sets = {
      // array
      "array.rows=0", "array.rows=-1", "array.rows=4097", "array.rows=abc", "array.rows=\"5\"", "array.rows=1.5",
      "array.rows=[1]", "array.rows={a: 1}", "array.rows=", "array.rows=99999999999999999999", "array.cols=0",
      "array.cols=x", "array.dataflow=xs", "array.dataflow=1", "array.dataflow=[ws]", "array.cycles_as_last_index=yes",
      "array.cycles_as_last_index=1", "array.cycles_as_last_index=\"true\"", "array.double_buffer=maybe",
      "array.output_buffer.width=1", "array.output_buffer.width=200", "array.output_buffer.width=x",
      "array.output_buffer.type=complex", "array.output_buffer=5", "array.output_buffer.width=16",
      "array.bogus=1", "array=3",
      // mac
      "mac.a=int9x", "mac.a=fp9", "mac.a=e9m2", "mac.a=e5m0", "mac.a=int1", "mac.a=int33", "mac.a=", "mac.a=[int8]",
      "mac.b=uint99", "mac.b=e0m3", "mac.b=e4m3_b999", "mac.b=e4m3_fn_fnuz", "mac.b=e1m6", "mac.accumulator.type=double",
      "mac.accumulator.type=1", "mac.accumulator.width=1", "mac.accumulator.width=65", "mac.accumulator.width=15",
      "mac.accumulator.width=abc", "mac.accumulator.width=\"32\"", "mac.accumulator.overflow=clamp",
      "mac.accumulator.format=fp16", "mac.accumulator.rounding=rtz", "mac.accumulator.frac_bits=4",
      "mac.accumulator.bogus=1", "mac.fused=maybe", "mac.pipeline_stages=0", "mac.pipeline_stages=65",
      "mac.pipeline_stages=x", "mac.accumulator=fixed", "mac=int8",
      // workload
      "workload.gemm.m=0", "workload.gemm.m=-3", "workload.gemm.m=1048577", "workload.gemm.m=x",
      "workload.gemm.m=\"8\"", "workload.gemm.k=0", "workload.gemm.n=2.5", "workload.gemm.bogus=1",
      "workload.a.distribution=gauss", "workload.a.std=0", "workload.a.std=-1", "workload.a.std=inf",
      "workload.a.std=nan", "workload.a.std=x", "workload.a.std=1e999", "workload.a.mean=[]", "workload.a.low=0",
      "workload.a.nu=2", "workload.a.fraction=0.5", "workload.a.magnitude=3", "workload.a.seed=-1",
      "workload.a.seed=x", "workload.a.seed=18446744073709551616", "workload.a.quantization.granularity=per_row",
      "workload.a.quantization.scale=mean", "workload.a.quantization.bogus=1", "workload.a.nonfinite=ignore",
      "workload.a.bogus=1", "workload.b.distribution=npy", "workload.b.path=x.npy", "workload.c.seed=1",
      "workload.a={distribution: uniform, low: 1, high: 1}", "workload.a={distribution: student_t, nu: -1}",
      "workload.b={distribution: outliers, fraction: 2}", "workload.b={distribution: outliers, magnitude: 0}",
      "workload.a={distribution: laplace, scale: 0}", "workload={gemm: {m: 100000, k: 100000}}",
      // cost
      "cost.gate_library=nope", "cost.gate_library=/nonexistent/lib.yaml", "cost.gate_library=a b",
      "cost.technology=nope", "cost.technology=3nm", "cost.bogus=1",
      // trace
      "trace.pes=[[99, 0]]", "trace.pes=x", "trace.pes=[[0]]", "trace.pes=[[0, -1]]", "trace.cycles=[5, 1]",
      "trace.cycles=x", "trace.cycles=[1]", "trace.cycles=[-1, 5]", "trace.vcd=[]", "trace.bogus=1",
      // engine and top level
      "engine=slow", "engine=", "arrays.rows=1", "mac.acc=1", "bogus=1",
      // --set syntax
      "array.rows", "=5", "array..rows=4", "array.rows=[", "array.rows=5\n---\n6", "ar ray=1", ".rows=1",
  };
  std::vector<Case> out;
  for (const auto& s : sets) {
    std::string quoted = "'" + replace_all(s, "'", "'\\''") + "'";
    out.push_back({"validate --set " + quoted, 2, "--set " + s.substr(0, s.find('\n'))});
  }
  // Combinations refused at a --set key: accumulator narrower than the product
  // once mac.a widens, float format for an int accumulator, ...
  out.push_back({"validate --set mac.a=int16 --set mac.accumulator.width=20", 2, "--set mac.accumulator.width=20"});
  out.push_back({"validate --set mac.a=uint8 --set mac.b=uint8 --set mac.accumulator.width=16", 2,
                 "--set mac.accumulator.width=16"});
  out.push_back({"validate --set mac.a=fp8_e4m3 --set mac.accumulator.type=int", 2, "--set mac.accumulator.type=int"});
  out.push_back({"validate --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.type=fixed "
                 "--set mac.accumulator.width=36",
                 2,
                 "--set mac.accumulator.width=36"});
  out.push_back({"validate --set mac.a=fp8_e4m3 --set mac.accumulator.type=float --set mac.accumulator.format=int8", 2,
                 "--set mac.accumulator.format=int8"});
  out.push_back({"validate --set mac.a=fp8_e4m3 --set mac.accumulator.type=float "
                 "--set array.output_buffer.type=int",
                 2, "--set array.output_buffer.type=int"});
  out.push_back({"validate --set mac.a=bf16 --set mac.b=bf16 --set mac.accumulator.type=fixed", 2,
                 "--set mac.accumulator.type=fixed"});
  out.push_back({"validate --set engine=pe --set array.rows=512 --set array.cols=512", 2, "--set engine=pe"});
  out.push_back({"validate --set workload.a.distribution=npy", 2, "--set workload.a.distribution=npy"});
  return out;
}

std::vector<Case> file_cases() {
  // Config files: the position of the offending key or value.
  return {
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:2:9: array.rows", {{"c.yaml", "array:\n  rows: 0\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:2:9: array.rows", {{"c.yaml", "array:\n  rows: \"8\"\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:2:3: array.rowz", {{"c.yaml", "array:\n  rowz: 8\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:3:3: array.rows", {{"c.yaml", "array:\n  rows: 4\n  rows: 8\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:1:1", {{"c.yaml", "- 1\n- 2\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml", {{"c.yaml", "just a scalar\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:3:1: YAML syntax error", {{"c.yaml", "array:\n  rows: [1, 2\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:2:", {{"c.yaml", "array:\n\trows: 4\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:2:1: a second YAML document", {{"c.yaml", "array: {rows: 4}\n---\nx: 1\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:1:3: a key is a sequence", {{"c.yaml", "? [a, b]\n: 1\n"}}},
      // yaml-cpp 0.7's LoadAll looped forever on this (found by tests/fuzz).
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:1:1: YAML syntax error", {{"c.yaml", ",5"}}},
      {"validate --set 'array.rows=,5'", 2, "--set array.rows=,5"},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:1:10: mac.a", {{"c.yaml", "mac: {a: int32, b: int32}\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:4:12: mac.accumulator.width",
       {{"c.yaml", "mac:\n  accumulator:\n    type: int\n    width: 15\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:3:10: workload.a.std",
       {{"c.yaml", "workload:\n  a:\n    std: -1\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:3:5: workload.a.std",
       {{"c.yaml", "workload:\n  a:\n    std: 2\n    distribution: uniform\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:2:32: workload.a.path",
       {{"c.yaml", "workload:\n  a: {distribution: npy, path: missing.npy}\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:2:17: cost.gate_library", {{"c.yaml", "cost:\n  gate_library: nope\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:1:9: engine", {{"c.yaml", "engine: warp\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:1:16: trace.pes[0][0]", {{"c.yaml", "trace: {pes: [[16, 0]]}\n"}}},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml:1:1: bogus", {{"c.yaml", "bogus: 1\n"}}},
      {"validate {D}/c.yaml --set array.rows=2", 2, "{D}/c.yaml:1:1: bogus", {{"c.yaml", "bogus: 1\n"}}},
      {"validate {D}/missing.yaml", 2, "{D}/missing.yaml"},
      {"validate {D}", 2, "{D}: is a directory"},
      {"validate ''", 2, "argument CONFIG"},
      {"validate /dev/zero", 2, "/dev/zero: the config file is larger"},
      {"validate {D}/c.yaml", 2, "{D}/c.yaml", {{"c.yaml", std::string("\x00\x01\x02\xff\xfe", 5)}}},
      {"run {D}/c.yaml", 2, "{D}/c.yaml:2:9: array.cols", {{"c.yaml", "array:\n  cols: 5000\n"}}},
      {"cost {D}/c.yaml", 2, "{D}/c.yaml:1:10: mac.a", {{"c.yaml", "mac: {a: int99}\n"}}},
      {"run {D}/c.yaml --json {D}/out.json", 2, "{D}/c.yaml:1:15: array.rows", {{"c.yaml", "array: {rows: -4}\n"}}},
  };
}

std::vector<Case> npy_cases() {
  // .npy tensors: through validate (which checks them as run would).
  const std::string use = "validate --set workload.gemm.m=2 --set workload.gemm.k=3 --set workload.a.distribution=npy "
                          "--set workload.a.path={D}/a.npy";
  const std::string at = "--set workload.a.path={D}/a.npy";
  auto c = [&](const std::string& bytes) { return Case{use, 2, at, {{"a.npy", bytes}}}; };
  std::string data6(6 * 8, '\0');
  return {
      c("not numpy"),
      c(""),
      c(std::string("\x93NUMPY\x09\x00", 8)),                                    // version 9.0
      c(std::string("\x93NUMPY\x02\x00", 8) + std::string("\xff\xff\xff\x7f", 4)),  // a 2 GB header
      c(std::string("\x93NUMPY\x01\x00\x10", 9)),                               // truncated header length
      c(npy_header("{'descr': '<f8', 'shape': (2, 3), }") + data6),             // no fortran_order
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'x': 1}") + data6),
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }") + data6),
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }") + data6),
      c(npy_header("{'descr': '<i8', 'fortran_order': False, 'shape': (2, 3), }") + data6),
      c(npy_header("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 3), }") + data6),
      c(npy_header("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2, 3), }") + data6),
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3) ") + data6),
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }") + data6),
      c(npy_header("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }") + data6),
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }") + data6.substr(8)),  // truncated
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }") + data6 + "xx"),     // trailing
      c(npy_header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999, 3), }") + data6),
      {use, 2, at},  // missing file
  };
}

std::vector<Case> cost_file_cases() {
  const std::string lib = "validate --set cost.gate_library={D}/g.yaml";
  const std::string tech = "validate --set cost.technology={D}/t.yaml";
  const std::string g_ok = "name: g\nsource: test\ncells: {and2: 1, or2: 1, ao21: 2, oa21: 2, mux2: 3, xor2: 3, "
                           "ha: 3, fa: 7, ff: 6}\n";
  auto g = [&](const std::string& text, const std::string& where) {
    return Case{lib, 2, where, {{"g.yaml", text}}};
  };
  auto t = [&](const std::string& text, const std::string& where) {
    return Case{tech, 2, where, {{"t.yaml", text}}};
  };
  const std::string t_ok_rest =
      "um2_per_ge: {value: 0.8, source: s}\npj_per_ge_toggle: {value: 0.001, source: s}\n"
      "ff_clock_ge_toggles: {value: 2, source: s}\nleakage_nw_per_ge: {value: 1, source: s}\n"
      "clock_ghz: {value: 1, source: s}\n";
  return {
      g("name: g\nsource: test\ncells: {and2: 1}\n", "--set cost.gate_library"),
      g(replace_all(g_ok, "fa: 7", "fa: -7"), "--set cost.gate_library"),
      g(replace_all(g_ok, "fa: 7", "fa: x"), "--set cost.gate_library"),
      g(replace_all(g_ok, "ff: 6}", "ff: 6, nand3: 2}"), "--set cost.gate_library"),
      g("name: g\ncells: {}\n", "--set cost.gate_library"),
      g("name: g\nsource: test\ncells: [1, 2\n", "--set cost.gate_library"),
      g(g_ok + "---\nname: h\n", "--set cost.gate_library"),
      g("[1, 2]\n", "--set cost.gate_library"),
      g(replace_all(g_ok, "name: g", "name: g\nbogus: 1"), "--set cost.gate_library"),
      t("name: t\nnode_nm: 45\n" + t_ok_rest, "--set cost.technology"),
      t("name: t\nnode_nm: {value: 45}\n" + t_ok_rest, "--set cost.technology"),
      t("name: t\nnode_nm: {value: -45, source: s}\n" + t_ok_rest, "--set cost.technology"),
      t("name: t\nnode_nm: {value: 45, source: s}\n", "--set cost.technology"),
      t("name: t\nnode_nm: {value: 45, source: s, extra: 1}\n" + t_ok_rest, "--set cost.technology"),
      t("node_nm: {value: 45, source: s}\n" + t_ok_rest, "--set cost.technology"),
      {"validate --set cost.technology={D}/missing.yaml", 2, "--set cost.technology"},
      {"fig3 --library {D}/g.yaml", 2, "{D}/g.yaml", {{"g.yaml", "name: g\nsource: test\ncells: {and2: 1}\n"}}},
      {"fig3 --library nope", 2, "nope"},
  };
}

std::vector<Case> argument_cases() {
  return {
      // run
      {"run --engine warp", 2, "argument --engine"},
      {"run --engine ''", 2, "argument --engine"},
      {"run --json ''", 2, "argument --json"},
      {"run --vcd ''", 2, "argument --vcd"},
      {"run --save-tensors ''", 2, "argument --save-tensors"},
      {"run --save-tensors {D}/x/y", 2, "{D}/x/y"},
      {"run --save-tensors {D}/f.txt", 2, "{D}/f.txt", {{"f.txt", "a file, not a folder"}}},
      {"run --bogus", 2, "arguments"},
      {"run a.yaml b.yaml", 2, "arguments"},
      {"run --set", 2, "arguments"},
      {"run --engine fast --vcd {D}/w.vcd", 2, "argument --vcd"},
      {"run --json {D}/no/such/dir/out.json", 1, "{D}/no/such/dir/out.json"},
      {"run --json {D}", 2, "{D}: is a directory"},
      {"run --json /dev/full", 1, "/dev/full"},
      {"run --vcd {D}/missing/w.vcd --set array.rows=2 --set array.cols=2", 1, "{D}/missing/w.vcd"},
      {"run --engine pe --set array.rows=300 --set array.cols=300", 2, "argument --engine"},
      // cost, validate, formats
      {"cost --bogus", 2, "arguments"},
      {"cost a.yaml b.yaml", 2, "arguments"},
      {"cost --json ''", 2, "argument --json"},
      {"fig3 --json ''", 2, "argument --json"},
      {"sweep '' -o out.csv", 2, "argument SWEEP"},
      {"validate a.yaml b.yaml", 2, "arguments"},
      {"validate --json x", 2, "arguments"},
      {"formats x", 2, "arguments"},
      {"formats --bogus", 2, "arguments"},
      // convert
      {"convert 1.5", 2, "arguments"},
      {"convert --format int9x 1", 2, "argument --format"},
      {"convert --format e5m0 nan", 2, "argument --format"},
      {"convert --format int8 --overflow clamp 1", 2, "argument --overflow"},
      {"convert --format int8 --rounding up 1", 2, "argument --rounding"},
      {"convert --format int8 abc", 2, "argument 1"},
      {"convert --format int8 1 2 3 abc", 2, "argument 4"},
      {"convert --format int8 nan", 2, "argument 1"},
      {"convert --format int8 --decode xyz", 2, "argument 1"},
      {"convert --format int8 --decode 256", 2, "argument 1"},
      {"convert --format int8 --decode -1", 2, "argument 1"},
      {"convert --format fp8_e4m3 --decode 0x100", 2, "argument 1"},
      {"convert --format int8 --seed x 1", 2, "argument --seed"},
      {"convert --format int8 --rounding stochastic --seed -1 1", 2, "argument --seed"},
      // (stdin is a filter, converted line by line: a bad line stops it, after
      // the lines before it were printed; here it is the first)
      {"convert --format int8", 2, "stdin line 1", {}, "abc\n1\n"},
      {"convert --format int8", 2, "stdin line 1", {}, std::string(5000, '\0')},
      {"convert --format int8 --decode", 2, "stdin line 2", {}, "\n0x1000\n0x10\n"},
      // qerror
      {"qerror --format int9x --dist normal", 2, "argument --format"},
      {"qerror --format int8 --dist gauss", 2, "argument --dist"},
      {"qerror --format int8 --dist student_t:1", 2, "argument --dist"},
      {"qerror --format int8 --dist outliers:0.1:1e308", 2, "argument --dist"},
      {"qerror --format int8 --dist outliers:2:10", 2, "argument --dist"},
      {"qerror --format int8 --dist normal --method guess", 2, "argument --method"},
      {"qerror --format int8 --dist normal --scale mean", 2, "argument --scale"},
      {"qerror --format int8 --dist normal --scale max", 2, "argument --scale"},
      {"qerror --format int8 --dist normal --method sample --samples 0", 2, "argument --samples"},
      {"qerror --format int8 --dist normal --method sample --samples 1000000000000", 2, "argument --samples"},
      {"qerror --format int8 --dist normal --method sample --samples many", 2, "argument --samples"},
      {"qerror --format int8 --dist normal --method sample --seed -1", 2, "argument --seed"},
      {"qerror --format int8 --dist normal --samples 10", 2, "argument --samples"},
      {"qerror --format fp32 --dist normal", 2, "argument --method"},
      {"qerror --format int8", 2, "arguments"},
      {"qerror --format int8 --dist normal --json ''", 2, "argument --json"},
      {"qerror --format int8 --dist normal --json {D}/no/dir/q.json", 1, "{D}/no/dir/q.json"},
      // fig3
      {"fig3 extra", 2, "arguments"},
      {"fig3 --json {D}/no/dir/f.json", 1, "{D}/no/dir/f.json"},
      // the command itself
      {"bogus", 2, "unknown command 'bogus'"},
      {"", 2, "usage"},
  };
}

std::vector<Case> sweep_cases() {
  const std::string run = "sweep {D}/s.yaml -o {D}/out.csv";
  auto s = [&](const std::string& text, const std::string& where) { return Case{run, 2, where, {{"s.yaml", text}}}; };
  return {
      s("axes:\n  a: [1]\nbogus: 1\n", "{D}/s.yaml:3:1: unknown key 'bogus'"),
      s("set: {a: 1}\n", "{D}/s.yaml:1:1: missing 'axes'"),
      s("axes: [1, 2]\n", "{D}/s.yaml:1:7: 'axes' must be a non-empty map"),
      s("axes: {}\n", "{D}/s.yaml:1:7"),
      s("axes:\n  a: {from: 1, to: x}\n", "{D}/s.yaml:2:20: 'to' must be an integer"),
      s("axes:\n  a: {from: 1, to: \"5\"}\n", "{D}/s.yaml:2:20: 'to' must be an integer"),
      s("axes:\n  a: {from: 5, to: 1}\n", "{D}/s.yaml:2:6"),
      s("axes:\n  a: {from: 1, to: 5, step: 0}\n", "{D}/s.yaml:2:29: 'step' must be positive"),
      s("axes:\n  a: {from: 1}\n", "{D}/s.yaml:2:6"),
      s("axes:\n  a: {from: 1, to: 5, by: 2}\n", "{D}/s.yaml:2:23: unknown key 'by'"),
      s("axes:\n  a: {from: 0, to: 99999999}\n", "{D}/s.yaml:2:6"),
      s("axes:\n  a: []\n", "{D}/s.yaml:2:6"),
      s("axes:\n  a: 5\n", "{D}/s.yaml:2:6"),
      s("axes:\n  g: [{mac.a: int8}, 3]\n", "{D}/s.yaml:2:22: axis 'g' mixes maps"),
      s("axes:\n  g: [{}]\n", "{D}/s.yaml:2:7"),
      s("axes:\n  g: [{mac.a: int8, mac.a: int4}]\n", "{D}/s.yaml:2:21: group item sets 'mac.a' twice"),
      s("axes:\n  a: [[1, 2]]\n", "{D}/s.yaml:2:7"),
      s("command: walk\naxes:\n  a: [1]\n", "{D}/s.yaml:1:10: command must be run, cost or qerror"),
      s("base: nowhere.yaml\naxes:\n  a: [1]\n", "{D}/s.yaml:1:7: base config 'nowhere.yaml' not found"),
      s("set: 3\naxes:\n  a: [1]\n", "{D}/s.yaml:1:6: 'set' must be a map"),
      s("axes: [1, 2\n", "{D}/s.yaml:"),
      s("axes:\n  workload.a.seed: [1]\n---\naxes: {}\n", "{D}/s.yaml:3:1: a second YAML document"),
      s("- 1\n", "{D}/s.yaml:1:1"),
      s("command: qerror\nbase: s.yaml\naxes:\n  format: [int8]\n", "{D}/s.yaml:2:7"),
      // Every point is validated before any runs: the axis key that set the bad value.
      s("set:\n  workload.gemm.m: 8\naxes:\n  mac.accumulator.widht: [16, 20]\n",
        "{D}/s.yaml:4:3: point 0: mac.accumulator.widht: unknown key 'widht'"),
      s("axes:\n  mac.accumulator.width: [32, 12]\n", "{D}/s.yaml:2:3: point 1: mac.accumulator.width"),
      s("axes:\n  array.rows: [4, \"8\"]\n", "{D}/s.yaml:2:3: point 1: array.rows: is the quoted string"),
      s("set:\n  array.rowz: 4\naxes:\n  array.cols: [4]\n", "{D}/s.yaml:2:3: point 0: array.rowz"),
      s("axes:\n  precision:\n    - {mac.a: int8}\n    - {mac.a: fp8_e4m3, mac.accumulator.type: int}\n",
        "{D}/s.yaml:4:25: point 1: mac.accumulator.type"),
      s("axes:\n  workload.gemm.m: {from: 1048570, to: 1048580}\n", "{D}/s.yaml:2:3: point 7: workload.gemm.m"),
      s("command: qerror\naxes:\n  format: [int8, int9x]\n  dist: [normal]\n",
        "{D}/s.yaml:3:3: point 1: argument --format"),
      s("command: qerror\nset: {dist: normal}\naxes:\n  format: [int8]\n  methd: [sample]\n",
        "{D}/s.yaml:5:3: point 0: arguments: unrecognised option '--methd'"),
      s("command: cost\naxes:\n  cost.gate_library: [paper, nope]\n", "{D}/s.yaml:3:3: point 1: cost.gate_library"),
      // Arguments of sweep itself.
      {"sweep {D}/missing.yaml -o {D}/out.csv", 2, "{D}/missing.yaml"},
      {"sweep {D}/s.yaml", 2, "argument -o", {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o ''", 2, "argument --output", {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv --shard x", 2, "argument --shard",
       {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv --shard 3/2", 2, "argument --shard",
       {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv --shard ''", 2, "argument --shard",
       {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv -j 0", 2, "argument --jobs", {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv -j x", 2, "arguments", {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}", 2, "-o {D}", {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/no/dir/out.csv", 2, "-o {D}/no/dir/out.csv",
       {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv", 2, "-o {D}/out.csv",
       {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}, {"out.csv", "point,workload.a.seed,status\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv --exe {D}/nothing", 2, "argument --exe",
       {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml -o {D}/out.csv --exe {D}", 2, "argument --exe", {{"s.yaml", "axes:\n  workload.a.seed: [1]\n"}}},
      {"sweep {D}/s.yaml --list", 2, "{D}/s.yaml:2:3: point 0: array.rowz", {{"s.yaml", "axes:\n  array.rowz: [1]\n"}}},
  };
}

// Results files of sweeps under --resume and merge.
std::vector<Case> results_cases() {
  const std::string sweep = "set: {workload.gemm.m: 4, workload.gemm.k: 4, workload.gemm.n: 4}\n"
                            "axes:\n  workload.a.seed: [1, 2]\n";
  const std::string header =
      "point,workload.a.seed,cycles,macs,folds,utilization,accuracy.sqnr_db,accuracy.max_abs_error,"
      "accuracy.overflows,cost.mac_gates,cost.pe_gates,cost.array_gates,cost.area_um2,cost.energy_pj,"
      "cost.pj_per_mac,cost.tops_per_w,cost.accumulator_bits,status\n";
  const std::string row0 = "0,1,61,64,1,0.004,40,0.01,0,824,878,224768,179000,30,0.5,4,32,ok\n";
  const std::string resume = "sweep {D}/s.yaml -o {D}/out.csv --resume";
  return {
      // No definition beside the results (written by something else).
      {resume, 2, "{D}/out.sweep.json", {{"s.yaml", sweep}, {"out.csv", header + row0}}},
      // A different definition.
      {resume, 2, "{D}/out.csv: holds results of a different sweep definition",
       {{"s.yaml", sweep}, {"out.csv", header + row0}, {"out.sweep.json", "{\"fingerprint\": \"0123456789abcdef\"}\n"}}},
      {resume, 2, "{D}/out.sweep.json", {{"s.yaml", sweep}, {"out.csv", header + row0}, {"out.sweep.json", "not json"}}},
      // A header of another sweep.
      {resume, 2, "{D}/out.sweep.json", {{"s.yaml", sweep}, {"out.csv", "point,x,status\n0,1,ok\n"}}},
      // merge
      {"merge {D}/a.csv -o {D}/m.csv", 2, "{D}/a.csv:3: the last line is torn", {{"a.csv", "point,x,status\n0,1,ok\n1,2,o"}}},
      {"merge {D}/a.csv -o {D}/m.csv", 2, "{D}/a.csv:2", {{"a.csv", "point,x,status\n0,1\n"}}},
      {"merge {D}/a.csv -o {D}/m.csv", 2, "{D}/a.csv:2: row does not start with a point id",
       {{"a.csv", "point,x,status\nzero,1,ok\n"}}},
      {"merge {D}/a.csv {D}/b.csv -o {D}/m.csv", 2, "{D}/b.csv:1: header differs",
       {{"a.csv", "point,x,status\n0,1,ok\n"}, {"b.csv", "point,y,status\n1,1,ok\n"}}},
      {"merge {D}/a.csv {D}/b.csv -o {D}/m.csv", 2, "{D}/b.csv:2: point 0 appears in two inputs",
       {{"a.csv", "point,x,status\n0,1,ok\n"}, {"b.csv", "point,x,status\n0,2,ok\n"}}},
      {"merge {D}/a.csv -o {D}/m.csv", 2, "{D}/a.csv: is empty", {{"a.csv", ""}}},
      {"merge {D}/missing.csv -o {D}/m.csv", 2, "{D}/missing.csv"},
      {"merge {D}/a.csv", 2, "arguments", {{"a.csv", "point,x,status\n0,1,ok\n"}}},
      {"merge -o {D}/m.csv", 2, "arguments"},
      {"merge {D}/a.csv {D}/b.csv -o {D}/m.csv", 2, "{D}/b.sweep.json",
       {{"a.csv", "point,x,status\n0,1,ok\n"}, {"a.sweep.json", "{\"fingerprint\": \"1111111111111111\"}\n"},
        {"b.csv", "point,x,status\n1,1,ok\n"}, {"b.sweep.json", "{\"fingerprint\": \"2222222222222222\"}\n"}}},
      {"merge {D} -o {D}/m.csv", 2, "{D}: is a directory"},
  };
}

// Networks: topology files (SCALE-Sim's CSVs, qmac's YAML), per-layer
// overrides, policies and the commands that take them.
std::vector<Case> topology_cases() {
  const std::string gemm_hdr = "Layer, M, N, K,\n";
  const std::string conv_hdr =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  const std::string yaml_hdr = "name: x\nlayers:\n";
  // 40 layers of 2^39 MACs repeated 10^6 times: 2.2e19 MACs, past 64-bit totals.
  std::string huge = yaml_hdr;
  for (int i = 0; i < 40; ++i)
    huge += "  - {name: l" + std::to_string(i) + ", gemm: {m: 8192, k: 8192, n: 8192}, repeat: 1000000}\n";
  return {
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml: the network has 2.199e+19 MACs", {{"t.yaml", huge}}},
      {"run --topology {D}/t.yaml --engine analytic", 2, "expected at most 2^60", {{"t.yaml", huge}}},
      // SCALE-Sim reads by position: a header in another order is refused, not misread.
      {"run --topology {D}/t.csv", 2, "{D}/t.csv:1:11: header column 3 is 'K'; expected 'N' there",
       {{"t.csv", "Layer, M, K, N,\nl1, 100, 200, 300,\n"}}},
      {"validate --topology {D}/t.csv", 2, "{D}/t.csv:1:69: header column 6 is 'Num Filter'; expected 'Channels'",
       {{"t.csv", "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Num Filter, Channels, "
                  "Strides,\nc1, 8, 8, 3, 3, 4, 3, 1,\n"}}},
      {"minacc --topology {D}/t.csv --formats bf16", 2, "argument --formats: 'bf16'", {{"t.csv", gemm_hdr + "l1, 4, 4, 4,\n"}}},
      {"minacc --topology {D}/t.csv --formats int32", 2, "argument --formats: 'int32'", {{"t.csv", gemm_hdr + "l1, 4, 4, 4,\n"}}},
      {"minacc --topology {D}/t.csv --formats int8 --kinds float", 2, "argument --kinds: no kind applies",
       {{"t.csv", gemm_hdr + "l1, 4, 4, 4,\n"}}},
      {"validate --topology {D}/t.csv", 2, "{D}/t.csv:2:8: column 'N' (3)", {{"t.csv", gemm_hdr + "l1, 4, abc, 5,\n"}}},
      {"run --topology {D}/t.csv", 2, "{D}/t.csv:2:5: column 'M' (2)", {{"t.csv", gemm_hdr + "l1, 100000000, 4, 4,\n"}}},
      {"run --topology {D}/t.csv --json {D}/o.json", 2, "{D}/t.csv:2:9: column 'N' (3)",
       {{"t.csv", gemm_hdr + "l1, 10, -1, 5,\n"}}},
      {"validate --topology {D}/t.csv", 2, "{D}/t.csv:2:8: column 'K' (4): missing", {{"t.csv", gemm_hdr + "l1, 4, 5\n"}}},
      {"validate --topology {D}/t.csv", 2, "{D}/t.csv:1:27: header column 4 is missing; expected 'Filter Height'",
       {{"t.csv", "Layer name, IFMAP Height, IFMAP Width\nl1, 4, 5\n"}}},
      {"validate --topology {D}/t.csv", 2, "{D}/t.csv:2:11: column 'Filter Height' (4)",
       {{"t.csv", conv_hdr + "c1, 8, 8, 9, 3, 3, 4, 1,\n"}}},
      {"validate --topology {D}/t.csv", 2, "{D}/t.csv:2:23: column 'Strides' (8)",
       {{"t.csv", conv_hdr + "c1, 8, 8, 3, 3, 3, 4, 0,\n"}}},
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml:3:41: layers[0].colour",
       {{"t.yaml", yaml_hdr + "  - {name: a, gemm: {m: 4, k: 4, n: 4}, colour: red}\n"}}},
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml:3:49: layers[0].repeat",
       {{"t.yaml", yaml_hdr + "  - {name: a, gemm: {m: 4, k: 4, n: 4}, repeat: 99999999999999999999}\n"}}},
      {"run --topology {D}/t.yaml", 2, "{D}/t.yaml:3:21: layers[0].conv",
       {{"t.yaml", yaml_hdr + "  - {name: a, conv: {ifmap: 4, channels: 3, filter: 7, filters: 2}}\n"}}},
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml:3:77: layers[0].groups",
       {{"t.yaml", yaml_hdr + "  - {name: a, conv: {ifmap: 8, channels: 6, filter: 3, filters: 4}, groups: 4}\n"}}},
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml:2:9: layers", {{"t.yaml", "name: x\nlayers: []\n"}}},
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml:3:54: mac.a",
       {{"t.yaml", yaml_hdr + "  - {name: a, gemm: {m: 4, k: 4, n: 4}, set: {mac.a: int99}}\n"}}},
      {"validate --topology {D}/t.yaml", 2, "(in layer 'a', {D}/t.yaml:3)",
       {{"t.yaml", yaml_hdr + "  - {name: a, gemm: {m: 4, k: 4, n: 4}, set: {nosuch.key: 1}}\n"}}},
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml:3:66: workload.a.distribution",
       {{"t.yaml", yaml_hdr + "  - {name: a, gemm: {m: 4, k: 4, n: 4}, data: {a: {distribution: bogus}}}\n"}}},
      {"validate {D}/c.yaml --topology resnet18", 2, "{D}/c.yaml:4:23: policy.rules[0].when.measure",
       {{"c.yaml", "policy:\n  name: p\n  rules:\n    - when: {measure: entropy, tensor: a, above: 1}\n"
                   "      set: {mac.a: fp16}\n"}}},
      // Globs: an unclosed bracket or class would silently match nothing (fnmatch takes it literally).
      {"validate {D}/c.yaml --topology resnet18", 2, "{D}/c.yaml:4:15: policy.rules[0].layers: '*.ffn_[up' has an unclosed '['",
       {{"c.yaml", "policy:\n  name: p\n  rules:\n    - layers: \"*.ffn_[up\"\n      set: {mac.a: fp16}\n"}}},
      {"validate {D}/c.yaml --topology resnet18", 2, "names no character class 'letter'",
       {{"c.yaml", "policy:\n  rules:\n    - {layers: \"[[:letter:]]*\", set: {mac.a: fp16}}\n"}}},
      {"validate {D}/c.yaml --topology resnet18", 2, "{D}/c.yaml:3:16: policy.rules[0].layers: 'conv\\' ends in a lone",
       {{"c.yaml", "policy:\n  rules:\n    - {layers: 'conv\\', set: {mac.a: fp16}}\n"}}},
      {"minacc --topology resnet18 --layers 'conv[1'", 2, "argument --layers: 'conv[1' has an unclosed '['"},
      // Layer names address layers (policies, minacc, results): unique in qmac's YAML.
      {"validate --topology {D}/t.yaml", 2, "{D}/t.yaml:4:12: layers[1].name: 'a' names the layer at line 3 too",
       {{"t.yaml", yaml_hdr + "  - {name: a, gemm: {m: 4, k: 4, n: 4}}\n  - {name: a, gemm: {m: 8, k: 4, n: 4}}\n"}}},
      {"run --topology /dev/zero", 2, "'/dev/zero' is not a regular file"},
      {"run --topology {D}", 2, "{D}' is not a regular file"},
      {"run --topology {D}/missing.csv", 2, "{D}/missing.csv' does not exist"},
      {"run --set workload.topology=nosuch", 2, "--set workload.topology=nosuch"},
      {"run --topology resnet18 -j 0", 2, "argument --jobs"},
      {"minacc --topology resnet18 --tolerance-db -1", 2, "argument --tolerance-db"},
      {"minacc --topology resnet18 --kinds int,banana", 2, "argument --kinds"},
      {"minacc --topology {D}/t.csv --json {D}/m.json", 2, "{D}/t.csv:2:8: column 'N' (3)",
       {{"t.csv", gemm_hdr + "l1, 4, abc, 5,\n"}}},
  };
}

// The RTL commands: every argument is checked before Verilog is written or
// Yosys runs.
std::vector<Case> rtl_cases() {
  return {
      {"rtl", 2, "missing -o DIR"},
      {"rtl -o ''", 2, "argument --output"},
      {"rtl -o /dev/null", 2, "/dev/null: exists and is not a folder"},
      {"rtl --set mac.a=int99 -o {D}/out", 2, "--set mac.a=int99"},
      {"rtl {D}/c.yaml -o {D}/out", 2, "{D}/c.yaml:1:15: array.rows", {{"c.yaml", "array: {rows: 0}\n"}}},
      {"synth --set mac.a=int99", 2, "--set mac.a=int99"},
      {"synth --nosuch", 2, "arguments"},
      {"synth --keep /dev/null", 2, "/dev/null: exists and is not a folder"},
      {"synth --calibration {D}/r.json", 2, "argument --calibration", {{"r.json", "Layer, M\n"}}},
      {"synth --calibration /dev/zero", 2, "argument --calibration: '/dev/zero' is not a regular file"},
      {"synth --calibration {D}", 2, "is not a regular file"},
      {"synth --calibration {D}/missing.json", 2, "{D}/missing.json: cannot read the synthesis results file"},
      {"synth --energy normal,banana", 2, "argument --energy: 'banana' is not a data kind"},
      {"synth --pe --energy", 2, "argument --pe: cannot be combined with --energy"},
      {"synth --blocks", 2, "argument --blocks: goes with --calibration FILE or --energy"},
      {"synth --pe --json {D}/pe.json --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 --set mac.accumulator.type=fixed", 2,
       "mac.accumulator.type: this MAC's RTL takes 2 clocks"},
  };
}

std::vector<Case> all_cases() {
  std::vector<Case> all;
  for (auto part : {set_cases(), file_cases(), npy_cases(), cost_file_cases(), argument_cases(), sweep_cases(),
                    results_cases(), topology_cases(), rtl_cases()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

class BadInput : public ::testing::TestWithParam<size_t> {};

TEST_P(BadInput, ExitsWithTheCodeNamesWhereWritesNothing) {
  static const std::vector<Case> cases = all_cases();
  const Case& c = cases[GetParam()];
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/catalogue/" + std::to_string(GetParam());
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& [name, content] : c.files) std::ofstream(dir + "/" + name, std::ios::binary) << content;
  const auto before = snapshot(dir);
  const std::string args = replace_all(c.args, "{D}", dir);
  const QmacResult r = run_qmac(args, c.input);
  SCOPED_TRACE("qmac " + args);
  EXPECT_EQ(r.code, c.code) << r.err;
  EXPECT_NE(r.err.find(replace_all(c.where, "{D}", dir)), std::string::npos) << "expected '" << c.where << "' in\n"
                                                                               << r.err;
  EXPECT_TRUE(r.out.empty()) << "stdout: " << r.out;
  EXPECT_EQ(snapshot(dir), before) << "files were created or changed";
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInput, ::testing::Range<size_t>(0, all_cases().size()));

TEST(BadInputCatalogue, HasAtLeastTwoHundredCasesAcrossEveryCommand) {
  const auto cases = all_cases();
  EXPECT_GE(cases.size(), 200u);
  std::map<std::string, int> per_command;
  for (const auto& c : cases) per_command[c.args.substr(0, c.args.find(' '))]++;
  for (const char* cmd : {"run", "cost", "validate", "sweep", "merge", "convert", "qerror", "formats", "fig3", "minacc", "rtl", "synth"})
    EXPECT_GT(per_command[cmd], 0) << cmd;
}

}  // namespace
