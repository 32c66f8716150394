#include "sim/run/report.hpp"

#include <iostream>

#include <fmt/format.h>

#include "models/cost/energy.hpp"
#include "sim/cost_files.hpp"
#include "sim/io/files.hpp"
#include "sim/run/memory_report.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

cost::PeShape pe_shape(const config::Config& cfg) {
  cost::PeShape s;
  s.output_stationary = cfg.array.dataflow == array::Dataflow::os;
  s.double_buffer = cfg.array.double_buffer && !s.output_stationary;
  s.stationary_bits = cfg.array.dataflow == array::Dataflow::is ? cfg.mac.a.bits() : cfg.mac.b.bits();
  return s;
}

ordered_json cost_json(const config::Config& cfg, const num::Activity* activity, uint64_t macs) {
  const cost::GateLibrary g = load_gate_library(cfg.cost.gate_library);
  const cost::Technology t = load_technology(cfg.cost.technology);
  const num::MacSpec spec = config::mac_spec(cfg);
  cost::MacCost mc = cost::mac_cost(spec, cfg.mac.pipeline_stages, g);
  cost::add_pe(mc, cfg.mac.pipeline_stages, pe_shape(cfg), g);
  const auto& buf = cfg.array.output_buffer;
  const int buf_bits = buf.kind == num::AccKind::floating ? buf.format.bits() : buf.width;
  if (macs == 0) macs = uint64_t(cfg.workload.m) * uint64_t(cfg.workload.k) * uint64_t(cfg.workload.n);
  const num::Activity act =
      activity ? *activity : cost::static_activity(mc, cfg.array.rows, cfg.array.cols, macs);
  const cost::CostReport r = cost::cost_report(spec, mc, cost::output_adder_gates(buf, g), buf_bits, cfg.array.rows,
                                               cfg.array.cols, g, t, act, macs, activity != nullptr);
  return cost::to_json(r);
}

void add_cost(ordered_json& j, const Simulation& s) {
  j["cost"] = cost_json(s.config, &s.result.activity);
  add_memory_energy(j["cost"], s.config, s.memory);
}

namespace {

// `null_text`: what a null (a non-finite number in JSON) stands for here.
std::string num_or_dash(const ordered_json& v, const char* fmt_spec = "{:.4g}", const char* null_text = "inf") {
  if (v.is_null()) return null_text;
  if (v.is_number_float()) return fmt::format(fmt::runtime(fmt_spec), v.get<double>());
  return v.dump();
}

}  // namespace

std::string table(const ordered_json& j) {
  std::string out;
  if (j.contains("cycles") && !j.contains("accuracy")) {  // the analytic engine
    out += fmt::format("  GEMM            {} x {} x {}   (analytic engine: no accuracy)\n", j["gemm"]["m"].dump(),
                       j["gemm"]["k"].dump(), j["gemm"]["n"].dump());
    out += fmt::format("  cycles          {}   folds {}   utilization {:.1f} %\n", j["cycles"].dump(),
                       j["folds"].dump(), 100 * j["utilization"].get<double>());
  }
  if (j.contains("cycles") && j.contains("accuracy")) {
    const auto& acc = j["accuracy"];
    out += fmt::format("  GEMM            {} x {} x {}\n", j["gemm"]["m"].dump(), j["gemm"]["k"].dump(),
                       j["gemm"]["n"].dump());
    out += fmt::format("  cycles          {}   folds {}   utilization {:.1f} %\n", j["cycles"].dump(),
                       j["folds"].dump(), 100 * j["utilization"].get<double>());
    // A null SQNR (JSON has no inf/NaN) is undefined when the FP64 reference
    // itself has NaN/inf, -inf when an output is NaN/inf, else +inf (exact).
    const uint64_t bad_ref = acc.value("nonfinite_reference", uint64_t{0});
    const bool bad = acc.value("nonfinite_outputs", uint64_t{0}) > 0;
    const std::string undefined = "undefined (" + std::to_string(bad_ref) + " NaN/inf reference values)";
    const char* sqnr_null = bad_ref ? undefined.c_str() : bad ? "-inf (inf/NaN outputs)" : "inf (exact)";
    out += fmt::format("  SQNR vs FP64    {} dB   max |error| {}\n", num_or_dash(acc["sqnr_db"], "{:.2f}", sqnr_null),
                       num_or_dash(acc["max_abs_error"], "{:.4g}", bad_ref ? "undefined" : "inf"));
    out += fmt::format("  SQNR vs dequantised inputs (accumulation error alone) {} dB\n",
                       num_or_dash(acc["sqnr_db_vs_dequantized"], "{:.2f}", sqnr_null));
    if (bad) out += fmt::format("  non-finite outputs {}\n", acc["nonfinite_outputs"].dump());
    if (acc.value("invalid_operands", uint64_t{0}) > 0)
      out += fmt::format("  NaN/inf operands dropped by the integer/fixed accumulator {}\n",
                         acc["invalid_operands"].dump());
    out += fmt::format("  overflow events {}\n", acc["overflows"].dump());
  }
  if (j.contains("memory")) {
    const auto& m = j["memory"];
    const auto& by = m["bytes"];
    out += fmt::format("  memory ({}):  stall cycles {}\n", m["model"].get<std::string>(), m["stall_cycles"].dump());
    out += fmt::format("    SRAM reads   A {}  B {}  C {}   writes C {}  (words)\n", m["sram_reads"]["a"].dump(),
                       m["sram_reads"]["b"].dump(), m["sram_reads"]["c"].dump(), m["sram_writes"]["c"].dump());
    out += fmt::format("    DRAM reads   A {}  B {}  C {}   writes C {}  (words); {:.4g} bytes in all\n",
                       m["dram_reads"]["a"].dump(), m["dram_reads"]["b"].dump(), m["dram_reads"]["c"].dump(),
                       m["dram_writes"]["c"].dump(), by["dram_total"].get<double>());
    out += fmt::format("    DRAM bandwidth avg {:.4g}  peak {:.4g}  ({})\n", m["dram_bandwidth"]["avg"].get<double>(),
                       m["dram_bandwidth"]["peak"].get<double>(), m["dram_bandwidth"]["unit"].get<std::string>());
  }
  if (j.contains("cost")) {
    const auto& c = j["cost"];
    out += "  cost:\n";
    for (auto it = c.begin(); it != c.end(); ++it) {
      if (it.value().is_object()) continue;
      out += fmt::format("    {:<18}{}\n", it.key(), num_or_dash(it.value()));
    }
  }
  return out;
}

void write_json(const ordered_json& j, const std::string& path) {
  const std::string text = j.dump(2) + "\n";
  if (path == "-") {
    std::cout << text;
  } else {
    io::write_file(path, text);
  }
}

JsonOutput::JsonOutput(std::string path) : path_(std::move(path)) {
  if (!none() && !to_stdout()) file_ = std::make_unique<io::OutputFile>(path_);
}

JsonOutput::~JsonOutput() = default;

void JsonOutput::write(const ordered_json& j) {
  if (to_stdout()) {
    std::cout << j.dump(2) << "\n";
  } else if (file_) {
    file_->write(j.dump(2) + "\n");
    file_->commit();
    file_.reset();
  }
}

}  // namespace qmac::run
