#include "sim/rtl/pe_synth.hpp"

#include <fmt/format.h>

#include "models/cost/mac_cost.hpp"
#include "sim/rtl/design_io.hpp"
#include "sim/rtl/synth.hpp"
#include "sim/rtl/synth_report.hpp"
#include "sim/run/report.hpp"

namespace qmac::rtl {

nlohmann::ordered_json pe_synth_json(const config::Config& cfg, const std::vector<cost::GateLibrary>& libs,
                                     const std::string& workdir) {
  const num::MacSpec spec = config::mac_spec(cfg);
  const PeDesign pe = generate_pe_design(cfg);
  // The MAC (qmac_mac) and the PE around its PE-port twin; qmac_mac is
  // synthesised as a "block" (flattened alone), qmac_pe as the top.
  Design d = generate_design(cfg);
  d.files.push_back(pe.file);
  d.blocks = {Block{"qmac_mac", "", true}};
  d.top = "qmac_pe";
  const SynthResult r = synthesize(d, workdir);

  nlohmann::ordered_json j;
  j["config_sets"] = mac_sets(cfg);
  j["dataflow"] = std::string(array::dataflow_name(cfg.array.dataflow));
  j["double_buffer"] = pe.double_buffer;
  j["pipeline_stages"] = cfg.mac.pipeline_stages;
  j["flow"] = flow_description();
  j["yosys"] = r.yosys_version;
  j["libraries"] = nlohmann::ordered_json::array();
  for (const auto& g : libs) {
    cost::MacCost mc = cost::mac_cost(spec, cfg.mac.pipeline_stages, g);
    cost::add_pe(mc, cfg.mac.pipeline_stages, run::pe_shape(cfg), g);  // as the run's cost report
    const Priced p = price(r.mac, g), m = price(r.blocks.at(0).cells, g);
    j["libraries"].push_back(g.name);
    j["pe"][g.name] = {{"netlist", p.total}, {"netlist_sequential", p.sequential}, {"estimate", mc.pe_gates()}};
    j["mac"][g.name] = {{"netlist", m.total}, {"netlist_sequential", m.sequential}, {"estimate", mc.mac_gates()}};
    j["pe_beyond_mac"][g.name] = {{"netlist", p.total - m.total}, {"estimate", mc.pe_gates() - mc.mac_gates()}};
  }
  nlohmann::ordered_json cells = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.mac) cells[k] = v;
  j["pe_cells"] = cells;
  return j;
}

std::string pe_synth_table(const nlohmann::ordered_json& j) {
  std::string t = fmt::format("Synthesis of the {}{} PE ({} pipeline stage(s)); {}\n", j["dataflow"].get<std::string>(),
                              j["double_buffer"].get<bool>() ? " double-buffered" : "",
                              j["pipeline_stages"].get<int>(), j["yosys"].get<std::string>());
  t += "GE = NAND2 equivalents of the netlist under each library; est = the cost model\n";
  t += fmt::format("{:<44}", "");
  for (const auto& lib : j["libraries"]) t += fmt::format(" {:>10} {:>10} {:>7}", lib.get<std::string>().substr(0, 10), "est", "est/net");
  t += "\n";
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"pe", "PE (qmac_pe, flattened)"},
      {"mac", "MAC (qmac_mac, flattened)"},
      {"pe_beyond_mac", "PE minus MAC (registers, muxes, control)"}};
  for (const auto& [key, label] : rows) {
    t += fmt::format("{:<44}", label);
    for (const auto& lib : j["libraries"]) {
      const auto& v = j[key][lib.get<std::string>()];
      const double net = v["netlist"].get<double>(), est = v["estimate"].get<double>();
      t += fmt::format(" {:>10.1f} {:>10.1f} {:>7}", net, est, net > 0 ? fmt::format("{:.2f}", est / net) : "-");
    }
    t += "\n";
  }
  return t;
}

}  // namespace qmac::rtl
