// Config -> JSON (the "config" object of the run JSON) and -> YAML (--print-config).
// Both come from one ordered JSON tree so they cannot disagree; the YAML prints
// numbers in their shortest round-trip form so load(to_yaml(c)) == c exactly.
#include <fmt/format.h>

#include "sim/config/config.hpp"
#include "sim/config/parse_tree.hpp"

namespace qmac::config {

namespace {

using json = nlohmann::ordered_json;

json accumulator_json(const num::AccumulatorSpec& s) {
  json j;
  j["type"] = acc_type_name(s.kind);
  switch (s.kind) {
    case num::AccKind::integer:
      j["width"] = s.width;
      j["overflow"] = int_overflow_yaml(s.int_overflow);
      break;
    case num::AccKind::fixed:
      j["width"] = s.width;
      j["frac_bits"] = s.frac_bits;
      j["overflow"] = int_overflow_yaml(s.int_overflow);
      break;
    case num::AccKind::floating:
      j["format"] = s.format.name;
      j["rounding"] = std::string(num::rounding_name(s.rounding));
      j["overflow"] = std::string(num::overflow_name(s.float_overflow));
      break;
  }
  return j;
}

json tensor_json(const workload::TensorSpec& t) {
  const auto& d = t.dist;
  json j;
  j["distribution"] = dist_name(d.kind);
  switch (d.kind) {
    case workload::DistKind::uniform: j["low"] = d.low, j["high"] = d.high; break;
    case workload::DistKind::normal: j["mean"] = d.mean, j["std"] = d.std; break;
    case workload::DistKind::laplace: j["mean"] = d.mean, j["scale"] = d.scale; break;
    case workload::DistKind::student_t: j["nu"] = d.nu, j["scale"] = d.scale; break;
    case workload::DistKind::outliers: j["std"] = d.std, j["fraction"] = d.fraction, j["magnitude"] = d.magnitude; break;
    case workload::DistKind::npy: j["path"] = d.path; break;
  }
  j["seed"] = t.seed;
  j["nonfinite"] = t.nonfinite == workload::NonFinitePolicy::error ? "error" : "propagate";
  j["quantization"] = {{"granularity", granularity_name(t.granularity)}, {"scale", scale_method_name(t.scale)}};
  return j;
}

void emit(YAML::Emitter& out, const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (auto it = j.begin(); it != j.end(); ++it) {
        out << YAML::Key << it.key() << YAML::Value;
        emit(out, it.value());
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& e : j) emit(out, e);
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const std::string s = j.get<std::string>();
      if (s.empty()) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case json::value_t::boolean: out << (j.get<bool>() ? "true" : "false"); break;
    case json::value_t::number_integer: out << j.get<int64_t>(); break;
    case json::value_t::number_unsigned: out << j.get<uint64_t>(); break;
    case json::value_t::number_float: out << fmt::format("{}", j.get<double>()); break;  // shortest round-trip
    default: out << YAML::Null; break;
  }
}

}  // namespace

nlohmann::ordered_json to_json(const Config& c) {
  json j;
  j["array"] = {{"rows", c.array.rows},
                {"cols", c.array.cols},
                {"dataflow", std::string(array::dataflow_name(c.array.dataflow))},
                {"cycles_as_last_index", c.array.cycles_as_last_index},
                {"double_buffer", c.array.double_buffer},
                {"output_buffer", accumulator_json(c.array.output_buffer)}};
  j["mac"] = {{"a", c.mac.a.name},
              {"b", c.mac.b.name},
              {"accumulator", accumulator_json(c.mac.acc)},
              {"fused", c.mac.fused},
              {"pipeline_stages", c.mac.pipeline_stages}};
  j["workload"] = json::object();
  if (c.workload.topology.empty())
    j["workload"]["gemm"] = {{"m", c.workload.m}, {"k", c.workload.k}, {"n", c.workload.n}};
  else
    j["workload"]["topology"] = c.workload.topology;  // every layer has its own shape
  j["workload"]["a"] = tensor_json(c.workload.a);
  j["workload"]["b"] = tensor_json(c.workload.b);
  const auto& mem = c.memory;
  json bw = mem.dram_bandwidth == 0 ? json("calc") : json(mem.dram_bandwidth);
  j["memory"] = {{"model", std::string(memory::model_name(mem.model))},
                 {"sram_kib", {{"a", mem.sram_kib_a}, {"b", mem.sram_kib_b}, {"c", mem.sram_kib_c}}},
                 {"double_buffered", mem.double_buffered},
                 {"dram", {{"bandwidth", bw}, {"latency", mem.dram_latency}}},
                 {"output_format", mem.output_format ? mem.output_format->name : std::string("none")}};
  j["cost"] = {{"gate_library", c.cost.gate_library}, {"technology", c.cost.technology}};
  json pes = json::array();
  for (const auto& [r, col] : c.trace.pes) pes.push_back({r, col});
  j["trace"] = {{"vcd", c.trace.vcd}, {"pes", pes}, {"cycles", {c.trace.first_cycle, c.trace.last_cycle}}};
  j["engine"] = std::string(array::engine_name(c.engine));
  if (!c.policy.empty()) j["policy"] = policy_json(c.policy);
  return j;
}

std::string to_yaml(const Config& c) {
  YAML::Emitter out;
  out << YAML::Comment("qmac config, fully resolved (docs/config.md describes every key)") << YAML::Newline;
  emit(out, to_json(c));
  return std::string(out.c_str()) + "\n";
}

std::string summary(const Config& c) {
  const bool db = c.array.double_buffer && c.array.dataflow != array::Dataflow::os;
  const std::string workload = c.workload.topology.empty()
                                   ? fmt::format("GEMM {}x{}x{}", c.workload.m, c.workload.k, c.workload.n)
                                   : "topology " + c.workload.topology;
  return fmt::format("{}x{} {} array{}, {} x {} -> {} accumulator ({}, {} pipeline stage{}), output buffer {}, "
                     "{}, engine {}",
                     c.array.rows, c.array.cols, array::dataflow_name(c.array.dataflow),
                     db ? " (double-buffered stationary registers)" : "", c.mac.a.name, c.mac.b.name,
                     c.mac.acc.describe(), c.mac.fused ? "fused" : "not fused", c.mac.pipeline_stages,
                     c.mac.pipeline_stages == 1 ? "" : "s", c.array.output_buffer.describe(), workload,
                     array::engine_name(c.engine));
}

}  // namespace qmac::config
