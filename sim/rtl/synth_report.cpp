#include "sim/rtl/synth_report.hpp"

#include <fmt/format.h>

#include "models/cost/mac_cost.hpp"
#include "sim/cost_files.hpp"

namespace qmac::rtl {

std::vector<cost::GateLibrary> report_libraries(const std::string& extra) {
  std::vector<cost::GateLibrary> libs;
  for (const auto& n : shipped_names("gates")) libs.push_back(load_gate_library(n));
  const bool is_path = extra.find('/') != std::string::npos ||
                       (extra.size() > 5 && extra.substr(extra.size() - 5) == ".yaml");
  if (is_path) libs.push_back(load_gate_library(extra));
  return libs;
}

namespace {

nlohmann::ordered_json counts_json(const CellCounts& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [k, v] : c) j[k] = v;
  return j;
}

long long cell_total(const CellCounts& c) {
  long long n = 0;
  for (const auto& kv : c) n += kv.second;
  return n;
}

}  // namespace

nlohmann::ordered_json synth_json(const config::Config& cfg, const SynthResult& r,
                                  const std::vector<cost::GateLibrary>& libs) {
  const num::MacSpec spec = config::mac_spec(cfg);
  nlohmann::ordered_json j;
  j["config"] = {{"a", spec.a.name}, {"b", spec.b.name}, {"accumulator", spec.acc.describe()},
                 {"fused", spec.fused}, {"pipeline_stages", cfg.mac.pipeline_stages}};
  j["config_sets"] = mac_sets(cfg);
  j["flow"] = flow_description();
  j["yosys"] = r.yosys_version;
  std::vector<cost::MacCost> estimates;
  j["libraries"] = nlohmann::ordered_json::array();
  for (const auto& g : libs) {
    j["libraries"].push_back(g.name);
    estimates.push_back(cost::mac_cost(spec, cfg.mac.pipeline_stages, g));
  }
  auto& mac = j["mac"];
  mac["cells"] = counts_json(r.mac);
  mac["cell_count"] = cell_total(r.mac);
  for (size_t i = 0; i < libs.size(); ++i) {
    const Priced p = price(r.mac, libs[i]);
    mac["ge"][libs[i].name] = {{"total", p.total}, {"combinational", p.combinational()}, {"sequential", p.sequential}};
    mac["estimate"][libs[i].name] = estimates[i].mac_gates();
  }
  j["blocks"] = nlohmann::ordered_json::array();
  for (const auto& b : r.blocks) {
    nlohmann::ordered_json o;
    o["module"] = b.module;
    o["group"] = b.group;
    o["sequential"] = b.sequential;
    o["cells"] = counts_json(b.cells);
    o["cell_count"] = cell_total(b.cells);
    for (size_t i = 0; i < libs.size(); ++i) {
      o["ge"][libs[i].name] = price(b.cells, libs[i]).total;
      double est = 0;
      for (const auto& c : estimates[i].mac)
        if (c.name == b.module) est += c.gates;
      o["estimate"][libs[i].name] = est;
    }
    j["blocks"].push_back(o);
  }
  // Components the cost model prices that have no block of that name.
  j["unmatched_estimate_components"] = nlohmann::ordered_json::array();
  if (!estimates.empty())
    for (const auto& c : estimates[0].mac) {
      bool found = false;
      for (const auto& b : r.blocks) found = found || b.module == c.name;
      if (!found) j["unmatched_estimate_components"].push_back(c.name);
    }
  return j;
}

std::string synth_table(const nlohmann::ordered_json& j) {
  std::string t;
  const auto& c = j["config"];
  t += fmt::format("Synthesis of {} x {} -> {}{}, {} pipeline stage(s)\n", c["a"].get<std::string>(),
                   c["b"].get<std::string>(), c["accumulator"].get<std::string>(),
                   c["fused"].get<bool>() ? "" : " (non-fused)", c["pipeline_stages"].get<int>());
  t += "flow: " + j["flow"].get<std::string>() + "; " + j["yosys"].get<std::string>() + "\n";
  t += "GE = NAND2 equivalents of the netlist under each library; est = the cost model's formula for the block\n";
  t += fmt::format("{:<26} {:<21} {:>6}", "block", "group", "cells");
  for (const auto& lib : j["libraries"]) {
    const std::string n = lib.get<std::string>();
    t += fmt::format(" {:>10} {:>10}", n.substr(0, 10), "est");
  }
  t += "\n";
  auto row = [&](const std::string& name, const std::string& group, long long cells, const nlohmann::ordered_json& ge,
                 const nlohmann::ordered_json& est, bool total) {
    t += fmt::format("{:<26} {:<21} {:>6}", name, group, cells);
    for (const auto& lib : j["libraries"]) {
      const std::string n = lib.get<std::string>();
      const double g = total ? ge[n]["total"].get<double>() : ge[n].get<double>();
      t += fmt::format(" {:>10.1f} {:>10.1f}", g, est[n].get<double>());
    }
    t += "\n";
  };
  long long cells = 0;
  for (const auto& b : j["blocks"]) {
    row(b["module"].get<std::string>(), b["group"].get<std::string>(), b["cell_count"].get<long long>(), b["ge"],
        b["estimate"], false);
    cells += b["cell_count"].get<long long>();
  }
  const auto& m = j["mac"];
  row("MAC (flattened)", "", m["cell_count"].get<long long>(), m["ge"], m["estimate"], true);
  t += "MAC cells by type:";
  for (auto it = m["cells"].begin(); it != m["cells"].end(); ++it)
    t += fmt::format(" {} {}", it.key(), it.value().get<long long>());
  t += "\n";
  for (const auto& lib : j["libraries"]) {
    const std::string n = lib.get<std::string>();
    const auto& g = m["ge"][n];
    t += fmt::format("  {}: combinational {:.1f} + sequential {:.1f} = {:.1f} GE; estimate {:.1f} ({:+.1f} %)\n", n,
                     g["combinational"].get<double>(), g["sequential"].get<double>(), g["total"].get<double>(),
                     m["estimate"][n].get<double>(),
                     100 * (m["estimate"][n].get<double>() / g["total"].get<double>() - 1));
  }
  if (!j["unmatched_estimate_components"].empty()) {
    t += "cost-model components with no block of that name:";
    for (const auto& s : j["unmatched_estimate_components"]) t += " " + s.get<std::string>();
    t += "\n";
  }
  return t;
}

std::vector<std::string> mac_sets(const config::Config& cfg) {
  const auto& m = cfg.mac;
  std::vector<std::string> v{"mac.a=" + m.a.name, "mac.b=" + m.b.name,
                             "mac.accumulator.type=" + std::string(num::acc_kind_name(m.acc.kind))};
  if (m.acc.kind == num::AccKind::floating) {
    v.push_back("mac.accumulator.format=" + m.acc.format.name);
    v.push_back("mac.accumulator.rounding=" + std::string(num::rounding_name(m.acc.rounding)));
    v.push_back("mac.accumulator.overflow=" + std::string(num::overflow_name(m.acc.float_overflow)));
  } else {
    v.push_back("mac.accumulator.width=" + std::to_string(m.acc.width));
    if (m.acc.kind == num::AccKind::fixed) v.push_back("mac.accumulator.frac_bits=" + std::to_string(m.acc.frac_bits));
    v.push_back("mac.accumulator.overflow=" + std::string(num::int_overflow_name(m.acc.int_overflow)));
  }
  v.push_back(std::string("mac.fused=") + (m.fused ? "true" : "false"));
  v.push_back("mac.pipeline_stages=" + std::to_string(m.pipeline_stages));
  return v;
}

nlohmann::ordered_json formula_cells_json(const std::vector<cost::GateLibrary>& libs, const std::string& workdir) {
  // Each cell as the formulas use it; registers as a plain D flip-flop.
  static const std::pair<const char*, const char*> cells[] = {
      {"and2", "input a, b, output y); assign y = a & b;"},
      {"or2", "input a, b, output y); assign y = a | b;"},
      {"ao21", "input a, b, c, output y); assign y = (a & b) | c;"},
      {"oa21", "input a, b, c, output y); assign y = (a | b) & c;"},
      {"mux2", "input a, b, s, output y); assign y = s ? b : a;"},
      {"xor2", "input a, b, output y); assign y = a ^ b;"},
      {"ha", "input a, b, output s, c); assign {c, s} = a + b;"},
      {"fa", "input a, b, ci, output s, co); assign {co, s} = a + b + ci;"},
      {"ff", "input clk, d, output reg q); always @(posedge clk) q <= d;"},
  };
  Design d;
  std::string text;
  for (const auto& [name, body] : cells) {
    text += std::string("module cell_") + name + " (" + body + " endmodule\n";
    d.blocks.push_back(Block{std::string("cell_") + name, "", std::string(name) == "ff"});
  }
  d.files.push_back(File{"cells.v", text});
  d.top = "cell_fa";
  const SynthResult r = synthesize(d, workdir);
  nlohmann::ordered_json j;
  j["flow"] = flow_description();
  j["yosys"] = r.yosys_version;
  for (const auto& b : r.blocks) {
    const std::string name = b.module.substr(5);
    j["cells"][name]["netlist"] = counts_json(b.cells);
    for (const auto& g : libs) j["cells"][name]["ge"][g.name] = price(b.cells, g).total;
  }
  return j;
}

}  // namespace qmac::rtl
