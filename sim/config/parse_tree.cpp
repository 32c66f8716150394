// YAML tree -> Config: every key of docs/config.md, its type, range and default,
// and the combinations that cannot be built (checked by the numerics core and the
// array model, reported at the key that caused them).
#include "sim/config/parse_tree.hpp"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <filesystem>
#include <functional>

#include "models/numerics/codec.hpp"
#include "sim/cost_files.hpp"
#include "sim/cost_files.hpp"
#include "sim/errors.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::config {

namespace {

namespace fs = std::filesystem;

// Limits that keep a typo from asking for tens of gigabytes: the engines hold
// M*K + K*N codes and M*N output words of 32 bytes (num::AccValue), so 2^26
// elements per matrix is at most 2 GiB of outputs. Larger GEMMs are tiled by the
// caller (the array itself walks folds of any size).
constexpr long long kMaxDim = 1 << 20;
constexpr long long kMaxMatrixElements = 1LL << 26;
constexpr long long kMaxArraySide = 4096;   // 16 M PEs
constexpr long long kMaxPipelineStages = 64;

Cursor at(const Cursor& top, const std::string& dotted) {
  Cursor c = top;
  size_t start = 0;
  while (start <= dotted.size()) {
    const size_t dot = dotted.find('.', start);
    c = c[dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start)];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return c;
}

// Fails at the first of `paths` that is present in the tree (the key most likely
// to be the cause), else at the root.
[[noreturn]] void fail_at_first(const Cursor& top, const std::vector<std::string>& paths, const std::string& what) {
  for (const auto& p : paths) {
    const Cursor c = at(top, p);
    if (c.present()) c.fail(what);
  }
  top.source().fail(paths.empty() ? "" : paths.front(), top.node(), what);
}

num::Format format_at(const Cursor& c) {
  const std::string name = c.string("a format name (see `qmac formats`)");
  try {
    return num::parse_format(name);
  } catch (const num::FormatError& e) {
    c.fail(std::string(e.what()) + "; expected a format name (see `qmac formats`)");
  }
}

std::string path_at(const Cursor& c, const std::string& base_dir, const std::string& expected) {
  const std::string text = c.string(expected);
  const fs::path base = fs::absolute(c.source().base_dir_for(c.path(), base_dir));
  const fs::path p = fs::path(text).is_absolute() ? fs::path(text) : base / text;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    const bool exists = fs::exists(p, ec);
    c.fail("file '" + p.lexically_normal().string() + (exists ? "' is not a regular file" : "' does not exist") +
           "; expected " + expected);
  }
  return p.lexically_normal().string();
}

// ---- mac -------------------------------------------------------------------------

const std::vector<std::string> kAccKeys = {"type", "width", "frac_bits", "format", "overflow", "rounding"};

num::AccumulatorSpec parse_accumulator(const Cursor& acc, num::AccKind default_kind,
                                       const std::function<num::AccumulatorSpec(num::AccKind)>& defaults) {
  acc.expect_map(kAccKeys);
  num::AccKind kind = default_kind;
  if (acc.has("type")) {
    const std::string t = acc["type"].choice({"int", "float", "fixed"});
    kind = t == "int" ? num::AccKind::integer : t == "float" ? num::AccKind::floating : num::AccKind::fixed;
  }
  num::AccumulatorSpec s = defaults(kind);
  const std::string kind_name = acc_type_name(kind);
  auto only_for = [&](const std::string& key, const std::string& types) {
    if (acc.has(key))
      acc[key].fail_at_key("does not apply to a " + kind_name + " accumulator; expected it only with type " + types);
  };
  if (kind == num::AccKind::floating) {
    only_for("width", "int or fixed");
    only_for("frac_bits", "fixed");
    if (acc.has("format")) {
      s.format = format_at(acc["format"]);
      if (!s.format.is_float())
        acc["format"].fail("'" + s.format.name + "' is an integer format; expected a floating-point format (fp32, fp16, bf16, ...)");
    }
    if (acc.has("rounding")) s.rounding = num::parse_rounding(acc["rounding"].choice({"rne", "rtz"}));
    if (acc.has("overflow")) s.float_overflow = num::parse_overflow(acc["overflow"].choice({"saturate", "nonsat"}));
    return s;
  }
  only_for("format", "float");
  only_for("rounding", "float");
  if (kind == num::AccKind::integer) {
    only_for("frac_bits", "fixed");
    if (acc.has("width")) s.width = int(acc["width"].integer(2, 64));
  } else {
    const int default_frac = s.frac_bits;
    if (acc.has("frac_bits")) s.frac_bits = int(acc["frac_bits"].integer(-126, 126));
    // The paper's width grows with any extra fraction bits asked for.
    if (acc.has("width")) s.width = int(acc["width"].integer(2, 126));
    else s.width += s.frac_bits - default_frac;
  }
  if (acc.has("overflow"))
    s.int_overflow = acc["overflow"].choice({"wrap", "saturate"}) == "wrap" ? num::IntOverflow::wrap
                                                                           : num::IntOverflow::saturate;
  return s;
}

num::AccumulatorSpec kind_defaults(num::AccKind kind, const num::Format& a, const num::Format& b) {
  num::AccumulatorSpec s;
  s.kind = kind;
  if (kind == num::AccKind::fixed) return num::kulisch_for(a, b);  // arXiv 2303.17951 section 3.3 sizing
  if (kind == num::AccKind::floating) {
    s.format = num::parse_format("fp32");
    s.rounding = num::Rounding::rne;
    s.float_overflow = num::Overflow::nonsat;
  }
  return s;  // integer: 32 bits, wrap
}

// The MAC's rules live in one place, num::validate; a violation is reported
// at the key of the part it names (the first of them present in the file or a
// --set), so an error never blames a key the user did not write.
void check_mac(const Cursor& top, const Config& c) {
  try {
    num::validate(mac_spec(c));
  } catch (const num::SpecError& e) {
    std::vector<std::string> keys;
    switch (e.part()) {
      case num::SpecPart::operands: keys = {"mac.a", "mac.b"}; break;
      case num::SpecPart::acc_kind: keys = {"mac.accumulator.type", "mac.a", "mac.b"}; break;
      case num::SpecPart::acc_width:
        keys = {"mac.accumulator.width", "mac.accumulator.frac_bits", "mac.accumulator.type", "mac.a", "mac.b"};
        break;
      case num::SpecPart::acc_frac_bits:
        keys = {"mac.accumulator.frac_bits", "mac.accumulator.type", "mac.a", "mac.b"};
        break;
      case num::SpecPart::acc_format: keys = {"mac.accumulator.format", "mac.accumulator.type"}; break;
      case num::SpecPart::acc_rounding: keys = {"mac.accumulator.rounding", "mac.accumulator.type"}; break;
    }
    keys.insert(keys.end(), {"mac.accumulator", "mac"});
    std::string what = e.what();
    if (e.part() == num::SpecPart::acc_width && !at(top, "mac.accumulator.width").present())
      what += " (mac.accumulator.width, default " + std::to_string(c.mac.acc.width) + ")";
    fail_at_first(top, keys, what);
  }
}

void parse_mac(const Cursor& top, Config& c) {
  const Cursor m = top["mac"];
  m.expect_map({"a", "b", "accumulator", "fused", "pipeline_stages"});
  if (m.has("a")) c.mac.a = format_at(m["a"]);
  if (m.has("b")) c.mac.b = format_at(m["b"]);
  const num::AccKind default_kind =
      c.mac.a.is_int() && c.mac.b.is_int() ? num::AccKind::integer : num::AccKind::floating;
  c.mac.acc = parse_accumulator(m["accumulator"], default_kind,
                                [&](num::AccKind k) { return kind_defaults(k, c.mac.a, c.mac.b); });
  if (m.has("fused")) c.mac.fused = m["fused"].boolean();
  if (m.has("pipeline_stages")) c.mac.pipeline_stages = int(m["pipeline_stages"].integer(1, kMaxPipelineStages));
  check_mac(top, c);
}

// ---- array -----------------------------------------------------------------------

void parse_array(const Cursor& top, Config& c) {
  const Cursor a = top["array"];
  a.expect_map({"rows", "cols", "dataflow", "cycles_as_last_index", "double_buffer", "output_buffer"});
  if (a.has("rows")) c.array.rows = int(a["rows"].integer(1, kMaxArraySide));
  if (a.has("cols")) c.array.cols = int(a["cols"].integer(1, kMaxArraySide));
  if (a.has("dataflow")) c.array.dataflow = array::parse_dataflow(a["dataflow"].choice({"ws", "os", "is"}));
  if (a.has("cycles_as_last_index")) c.array.cycles_as_last_index = a["cycles_as_last_index"].boolean();
  if (a.has("double_buffer")) c.array.double_buffer = a["double_buffer"].boolean();
  const num::AccumulatorSpec dflt = array::default_output_buffer(mac_spec(c));
  c.array.output_buffer = parse_accumulator(a["output_buffer"], dflt.kind, [&](num::AccKind k) {
    return k == dflt.kind ? dflt : kind_defaults(k, c.mac.a, c.mac.b);
  });
  array::Gemm probe{1, 1, 1, {0}, {0}};
  try {
    array::validate_run(mac_spec(c), c.array.output_buffer, c.mac.pipeline_stages, array_options(c), probe);
  } catch (const array::ArrayError& e) {
    fail_at_first(top, {"array.output_buffer.width", "array.output_buffer.frac_bits", "array.output_buffer.type",
                        "array.output_buffer", "mac.accumulator.type", "array"},
                  std::string(e.what()) + "; expected an output buffer at least as wide as the accumulator");
  }
}

// ---- workload --------------------------------------------------------------------

const std::vector<std::string> kTensorKeys = {"distribution", "low",  "high", "mean", "std",         "scale",
                                              "nu",           "fraction", "magnitude", "path", "seed", "quantization",
                                              "nonfinite"};

std::vector<std::string> params_of(workload::DistKind k) {
  switch (k) {
    case workload::DistKind::uniform: return {"low", "high"};
    case workload::DistKind::normal: return {"mean", "std"};
    case workload::DistKind::laplace: return {"mean", "scale"};
    case workload::DistKind::student_t: return {"nu", "scale"};
    case workload::DistKind::outliers: return {"std", "fraction", "magnitude"};
    case workload::DistKind::npy: return {"path"};
  }
  return {};
}

double positive(const Cursor& c) {
  const double v = c.number();
  if (!(v > 0)) c.fail(std::to_string(v) + " is out of range; expected a number > 0");
  return v;
}

void parse_tensor(const Cursor& t, workload::TensorSpec& s, const std::string& base_dir, int rows, int cols) {
  t.expect_map(kTensorKeys);
  workload::DistributionSpec& d = s.dist;
  if (t.has("distribution")) {
    const std::string name = t["distribution"].choice({"uniform", "normal", "laplace", "student_t", "outliers", "npy"});
    for (auto k : {workload::DistKind::uniform, workload::DistKind::normal, workload::DistKind::laplace,
                   workload::DistKind::student_t, workload::DistKind::outliers, workload::DistKind::npy})
      if (name == dist_name(k)) d.kind = k;
  }
  const std::vector<std::string> mine = params_of(d.kind);
  std::string mine_text;
  for (const auto& p : mine) mine_text += (mine_text.empty() ? "" : ", ") + p;
  for (const auto& key : {"low", "high", "mean", "std", "scale", "nu", "fraction", "magnitude", "path"})
    if (t.has(key) && std::find(mine.begin(), mine.end(), key) == mine.end())
      t[key].fail_at_key(std::string("does not apply to distribution ") + dist_name(d.kind) + "; expected its parameters: " +
                  mine_text);
  if (t.has("low")) d.low = t["low"].number();
  if (t.has("high")) d.high = t["high"].number();
  if (d.kind == workload::DistKind::uniform && !(d.low < d.high))
    (t.has("high") ? t["high"] : t["low"]).fail("the range [" + std::to_string(d.low) + ", " + std::to_string(d.high) +
                                                "] is empty; expected low < high");
  if (t.has("mean")) d.mean = t["mean"].number();
  if (t.has("std")) d.std = positive(t["std"]);
  if (t.has("scale")) d.scale = positive(t["scale"]);
  if (t.has("nu")) d.nu = positive(t["nu"]);
  if (t.has("magnitude")) d.magnitude = positive(t["magnitude"]);
  if (t.has("fraction")) {
    d.fraction = t["fraction"].number();
    if (d.fraction < 0 || d.fraction > 1)
      t["fraction"].fail(std::to_string(d.fraction) + " is out of range; expected a fraction in 0..1");
  }
  if (d.kind == workload::DistKind::npy) {
    if (!t.has("path")) t.fail("distribution npy needs a path; expected path: a .npy file");
    d.path = path_at(t["path"], base_dir, "a .npy file (float32 or float64)");
    try {  // header, dtype, shape and size now; the values when the run loads them
      workload::check_npy(d.path, rows, cols);
    } catch (const InputError& e) {
      t["path"].fail(e.what());
    }
  }
  if (t.has("seed")) s.seed = t["seed"].uint64();
  if (t.has("nonfinite"))
    s.nonfinite = t["nonfinite"].choice({"error", "propagate"}) == "error" ? workload::NonFinitePolicy::error
                                                                         : workload::NonFinitePolicy::propagate;
  const Cursor q = t["quantization"];
  q.expect_map({"granularity", "scale"});
  if (q.has("granularity"))
    s.granularity = q["granularity"].choice({"per_tensor", "per_channel"}) == "per_tensor"
                        ? workload::Granularity::per_tensor
                        : workload::Granularity::per_channel;
  if (q.has("scale"))
    s.scale = q["scale"].choice({"max", "best"}) == "max" ? workload::ScaleMethod::max : workload::ScaleMethod::best;
}

void parse_workload(const Cursor& top, Config& c, const std::string& base_dir) {
  const Cursor w = top["workload"];
  w.expect_map({"gemm", "a", "b", "topology"});
  if (w.has("topology") && !w["topology"].node().IsNull()) {  // a network (sim/workload/topology.hpp)
    c.workload.topology = resolve_shipped_or_path(w["topology"], base_dir, "networks",
                                                  "a topology: a SCALE-Sim CSV, a .yaml file or a shipped network");
    if (w.has("gemm") && !w["gemm"].node().IsNull())
      w["gemm"].fail_at_key("does not apply with workload.topology (every layer has its own shape); expected "
                            "no workload.gemm (`qmac run --topology FILE` replaces it)");
  }
  const Cursor g = w["gemm"];
  g.expect_map({"m", "k", "n"});
  if (g.has("m")) c.workload.m = int(g["m"].integer(1, kMaxDim));
  if (g.has("k")) c.workload.k = int(g["k"].integer(1, kMaxDim));
  if (g.has("n")) c.workload.n = int(g["n"].integer(1, kMaxDim));
  const long long m = c.workload.m, k = c.workload.k, n = c.workload.n;
  for (auto [name, elems] : {std::pair{"m*k", m * k}, std::pair{"k*n", k * n}, std::pair{"m*n", m * n}})
    if (elems > kMaxMatrixElements)
      fail_at_first(top, {"workload.gemm", "workload"},
                    std::string(name) + " = " + std::to_string(elems) + " elements; expected at most " +
                        std::to_string(kMaxMatrixElements) + " per matrix (tile larger GEMMs)");
  // (.npy shapes: the GEMM's operands, or a network layer's whole tensors: Source::tensor_shapes)
  const auto& shapes = top.source().tensor_shapes();
  parse_tensor(w["a"], c.workload.a, base_dir, shapes ? (*shapes)[0] : c.workload.m, shapes ? (*shapes)[1] : c.workload.k);
  parse_tensor(w["b"], c.workload.b, base_dir, shapes ? (*shapes)[2] : c.workload.k, shapes ? (*shapes)[3] : c.workload.n);
}

// ---- cost, trace, engine -----------------------------------------------------------

std::string cost_source(const Cursor& c, const std::string& base_dir) {
  const std::string v = c.string("a shipped name or a YAML file path");
  const bool is_path = v.find('/') != std::string::npos || (v.size() > 5 && v.substr(v.size() - 5) == ".yaml") ||
                       (v.size() > 4 && v.substr(v.size() - 4) == ".yml");
  if (is_path) return path_at(c, base_dir, "a YAML file");
  for (char ch : v)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.'))
      c.fail("'" + v + "' is not a name; expected a shipped name (letters, digits, _ - .) or a YAML file path");
  return v;
}

int index_at(const Cursor& c, int size) { return int(c.integer(0, size - 1)); }

// ---- memory (models/memory) --------------------------------------------------------

// Limits: a buffer of up to 1 GiB per operand, DRAM up to 2^20 bytes (words) per
// cycle and 10^6 cycles of latency; beyond that a value is a typo, not a design.
constexpr double kMaxSramKib = 1 << 20;
constexpr double kMaxDramBandwidth = 1 << 20;
constexpr long long kMaxDramLatency = 1000000;

void parse_memory(const Cursor& top, Config& c) {
  const Cursor m = top["memory"];
  m.expect_map({"model", "sram_kib", "double_buffered", "dram", "output_format"});
  if (m.has("model")) c.memory.model = memory::parse_model(m["model"].choice({"ideal", "scratchpad", "scalesim"}));
  if (m.has("sram_kib")) {
    const Cursor k = m["sram_kib"];
    k.expect_map({"a", "b", "c"});
    double* fields[] = {&c.memory.sram_kib_a, &c.memory.sram_kib_b, &c.memory.sram_kib_c};
    const char* names[] = {"a", "b", "c"};
    for (int i = 0; i < 3; ++i)
      if (k.has(names[i])) {
        const double v = k[names[i]].number();
        if (!(v > 0) || v > kMaxSramKib)
          k[names[i]].fail("expected a capacity in KiB, > 0 and <= " + std::to_string(int(kMaxSramKib)));
        *fields[i] = v;
      }
  }
  if (m.has("double_buffered")) c.memory.double_buffered = m["double_buffered"].boolean();
  if (m.has("dram")) {
    const Cursor d = m["dram"];
    d.expect_map({"bandwidth", "latency"});
    if (d.has("bandwidth")) {
      const Cursor b = d["bandwidth"];
      if (b.node().IsScalar() && b.node().Scalar() == "calc") {
        if (c.memory.model != memory::Model::scalesim)
          b.fail("'calc' (SCALE-Sim's bandwidth for zero stalls) needs memory.model: scalesim; expected bytes per cycle");
        c.memory.dram_bandwidth = 0;
      } else {
        const double v = b.number();
        if (!(v > 0) || v > kMaxDramBandwidth)
          b.fail("expected a bandwidth > 0 and <= " + std::to_string(int(kMaxDramBandwidth)) +
                 " (bytes per cycle; words per cycle under scalesim, or calc)");
        c.memory.dram_bandwidth = v;
      }
    }
    if (d.has("latency")) c.memory.dram_latency = uint64_t(d["latency"].integer(0, kMaxDramLatency));
  }
  if (m.has("output_format")) {
    const Cursor f = m["output_format"];
    if (f.node().IsScalar() && f.node().Scalar() == "none")
      c.memory.output_format.reset();
    else
      c.memory.output_format = format_at(f);
  }
  if (c.memory.model == memory::Model::scalesim && c.memory.dram_bandwidth != 0 &&
      c.memory.dram_bandwidth != std::floor(c.memory.dram_bandwidth))
    fail_at_first(top, {"memory.dram.bandwidth"}, "SCALE-Sim's bandwidth is a whole number of words per cycle");
}

void parse_trace(const Cursor& top, Config& c) {
  const Cursor t = top["trace"];
  t.expect_map({"vcd", "pes", "cycles"});
  if (t.has("vcd")) {
    const Cursor v = t["vcd"];
    if (!v.node().IsScalar()) v.string("a file path, or \"\" for no waveform");  // throws with the right message
    c.trace.vcd = v.node().Scalar();
  }
  if (t.has("pes")) {
    const Cursor p = t["pes"];
    if (!p.node().IsSequence()) p.fail("is not a sequence; expected a list of [row, col] pairs, e.g. [[0, 0], [1, 1]]");
    for (size_t i = 0; i < p.node().size(); ++i) {
      const Cursor pe(p.source(), p.path() + "[" + std::to_string(i) + "]", p.node()[i]);
      if (!pe.node().IsSequence() || pe.node().size() != 2) pe.fail("is not a [row, col] pair; expected [row, col]");
      const Cursor r(p.source(), pe.path() + "[0]", pe.node()[0]), col(p.source(), pe.path() + "[1]", pe.node()[1]);
      c.trace.pes.emplace_back(index_at(r, c.array.rows), index_at(col, c.array.cols));
    }
  }
  if (t.has("cycles")) {
    const Cursor w = t["cycles"];
    if (!w.node().IsSequence() || w.node().size() != 2)
      w.fail("is not a [first, last] pair; expected a cycle window such as [0, 999]");
    c.trace.first_cycle = Cursor(w.source(), w.path() + "[0]", w.node()[0]).uint64();
    c.trace.last_cycle = Cursor(w.source(), w.path() + "[1]", w.node()[1]).uint64();
    if (c.trace.first_cycle > c.trace.last_cycle)
      w.fail("first cycle " + std::to_string(c.trace.first_cycle) + " is after the last " +
             std::to_string(c.trace.last_cycle) + "; expected first <= last");
  }
}

}  // namespace

std::string resolve_path(const Cursor& c, const std::string& base_dir, const std::string& expected) {
  return path_at(c, base_dir, expected);
}

std::string resolve_shipped_or_path(const Cursor& c, const std::string& base_dir, const std::string& kind,
                                    const std::string& expected) {
  const std::string v = c.string(expected);
  auto ends = [&](const std::string& x) { return v.size() > x.size() && v.compare(v.size() - x.size(), x.size(), x) == 0; };
  if (v.find('/') != std::string::npos || ends(".yaml") || ends(".yml") || ends(".csv"))
    return path_at(c, base_dir, expected);
  const std::string p = find_shipped(kind, v);
  if (p.empty()) {
    const std::string guess = closest(v, shipped_names(kind));
    c.fail("'" + v + "' is not a shipped name" + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
           (guess.empty() ? "; expected " : " expected ") + expected + ": " + one_of(shipped_names(kind)).substr(8) +
           " (configs/" + kind + "/), or a file path");
  }
  return p;
}

const char* acc_type_name(num::AccKind k) {
  return k == num::AccKind::integer ? "int" : k == num::AccKind::floating ? "float" : "fixed";
}
const char* int_overflow_yaml(num::IntOverflow o) { return o == num::IntOverflow::wrap ? "wrap" : "saturate"; }
const char* dist_name(workload::DistKind k) {
  switch (k) {
    case workload::DistKind::uniform: return "uniform";
    case workload::DistKind::normal: return "normal";
    case workload::DistKind::laplace: return "laplace";
    case workload::DistKind::student_t: return "student_t";
    case workload::DistKind::outliers: return "outliers";
    case workload::DistKind::npy: return "npy";
  }
  return "?";
}
const char* granularity_name(workload::Granularity g) {
  return g == workload::Granularity::per_tensor ? "per_tensor" : "per_channel";
}
const char* scale_method_name(workload::ScaleMethod s) { return s == workload::ScaleMethod::max ? "max" : "best"; }

Config parse_tree(const YAML::Node& root, const Source& src, const std::string& base_dir) {
  const Cursor top(src, "", root);
  top.expect_map({"array", "mac", "workload", "memory", "cost", "trace", "engine", "policy"});
  Config c;
  c.mac.a = c.mac.b = num::parse_format("int8");
  c.workload.a.seed = 1;  // distinct default seeds so A and B are not the same numbers
  c.workload.b.seed = 2;
  parse_mac(top, c);
  parse_array(top, c);
  parse_workload(top, c, base_dir);
  const Cursor cost = top["cost"];
  cost.expect_map({"gate_library", "technology"});
  if (cost.has("gate_library")) c.cost.gate_library = cost_source(cost["gate_library"], base_dir);
  if (cost.has("technology")) c.cost.technology = cost_source(cost["technology"], base_dir);
  // Load them now, so `qmac validate` (and a sweep's up-front check) refuses
  // what `qmac run` would: an unknown name, a missing or malformed file.
  try {
    load_gate_library(c.cost.gate_library);
  } catch (const InputError& e) {
    (cost.has("gate_library") ? cost["gate_library"] : cost).fail(e.what());
  }
  try {
    load_technology(c.cost.technology);
  } catch (const InputError& e) {
    (cost.has("technology") ? cost["technology"] : cost).fail(e.what());
  }
  parse_memory(top, c);
  if (c.memory.model != memory::Model::ideal) {  // its energies come from the technology's memory section
    try {
      load_memory_energy(c.cost.technology);
    } catch (const InputError& e) {
      (cost.has("technology") ? cost["technology"] : top["memory"]["model"]).fail(e.what());
    }
  }
  if (top.has("engine")) c.engine = array::parse_engine(top["engine"].choice({"fast", "pe", "analytic"}));
  if (c.engine == array::Engine::pe && (long long)c.array.rows * c.array.cols > array::kMaxPeEnginePes)
    fail_at_first(top, {"engine", "array.rows", "array.cols", "array"},
                  "the pe engine takes at most " + std::to_string(array::kMaxPeEnginePes) + " PEs (256 x 256), the array has " +
                      std::to_string((long long)c.array.rows * c.array.cols) +
                      "; expected a smaller array or engine: fast (identical results)");
  parse_trace(top, c);  // (a waveform needs the pe engine's signals: `qmac run` switches to it when tracing)
  c.policy = parse_policy(top["policy"], base_dir);
  if (!c.policy.empty() && c.workload.topology.empty())
    top["policy"].fail_at_key("applies to the layers of a topology; expected workload.topology with it");
  return c;
}

}  // namespace qmac::config
