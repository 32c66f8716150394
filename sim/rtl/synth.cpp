#include "sim/rtl/synth.hpp"

#include <fstream>

#include "sim/errors.hpp"
#include "sim/rtl/tools.hpp"

namespace qmac::rtl {

const char* const kAbcGates = "AND,NAND,OR,NOR,XOR,XNOR,MUX,AOI3,OAI3";

std::string flow_description() {
  return std::string("yosys: read_verilog; synth -flatten -noabc -top M; abc -g ") + kAbcGates +
         " (+ NOT); opt_clean -purge; flip-flops: dfflegalize -cell $_DFF_P_ (plain D flip-flops)";
}

namespace {

std::string synth_commands(const std::string& module) {
  // dfflegalize: Yosys folds muxes and constants in front of a register into
  // enable / reset flip-flops; the gate set has only plain D flip-flops, so
  // those become a DFF plus gates again (mapped by ABC with the rest).
  return "design -load src\nsynth -flatten -noabc -top " + module + "\ndfflegalize -cell $_DFF_P_ 01\nabc -g " + kAbcGates +
         "\nopt_clean -purge\ntee -q -o " + module + ".stat.json stat -json\n";
}

CellCounts read_stat(const std::string& path, const std::string& module) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text(path));
  } catch (const nlohmann::json::exception& e) {
    throw RuntimeError("cannot parse Yosys statistics " + path + ": " + e.what());
  }
  CellCounts c;
  const auto& by_type = j.at("design").at("num_cells_by_type");
  for (auto it = by_type.begin(); it != by_type.end(); ++it) c[it.key()] = it.value().get<long long>();
  if (c.empty() && module != "") {
    // A block that synthesises to wires (e.g. a constant shift) has no cells: fine.
  }
  return c;
}

}  // namespace

SynthResult synthesize(const Design& d, const std::string& workdir) {
  const std::string yosys = require_tool("yosys", "yosys");
  write_design(d, workdir);
  std::string script = "read_verilog";
  for (const auto& f : d.files) script += " " + f.name;
  script += "\ndesign -save src\n";
  for (const auto& b : d.blocks) script += synth_commands(b.module);
  script += synth_commands(d.top);
  script += "write_verilog -noattr -noexpr " + d.top + ".netlist.v\n";
  write_text(workdir + "/synth.ys", script);
  if (run_tool({yosys, "-q", "-s", "synth.ys"}, workdir, workdir + "/yosys.log") != 0)
    throw RuntimeError("yosys failed (see " + workdir + "/yosys.log):\n" + read_text(workdir + "/yosys.log"));
  SynthResult r;
  if (run_tool({yosys, "-V"}, workdir, workdir + "/version.txt") == 0) {
    r.yosys_version = read_text(workdir + "/version.txt");
    while (!r.yosys_version.empty() && r.yosys_version.back() == '\n') r.yosys_version.pop_back();
  }
  for (const auto& b : d.blocks)
    r.blocks.push_back(SynthBlock{b.module, b.group, b.sequential, read_stat(workdir + "/" + b.module + ".stat.json", b.module)});
  r.mac = read_stat(workdir + "/" + d.top + ".stat.json", d.top);
  r.netlist_path = workdir + "/" + d.top + ".netlist.v";
  return r;
}

std::string synthesize_hierarchical(const Design& d, const std::string& workdir) {
  const std::string yosys = require_tool("yosys", "yosys");
  write_design(d, workdir);
  std::string script = "read_verilog";
  for (const auto& f : d.files) script += " " + f.name;
  script += "\nsynth -noabc -top " + d.top + "\ndfflegalize -cell $_DFF_P_ 01\nabc -g " + kAbcGates +
            "\nopt_clean -purge\nwrite_verilog -noattr -noexpr " + d.top + ".hier.netlist.v\n";
  write_text(workdir + "/synth_hier.ys", script);
  if (run_tool({yosys, "-q", "-s", "synth_hier.ys"}, workdir, workdir + "/yosys_hier.log") != 0)
    throw RuntimeError("yosys failed (see " + workdir + "/yosys_hier.log):\n" + read_text(workdir + "/yosys_hier.log"));
  return workdir + "/" + d.top + ".hier.netlist.v";
}

Priced price(const CellCounts& cells, const cost::GateLibrary& g) {
  Priced p;
  for (const auto& [type, n] : cells) {
    const double ge = cost::netlist_cell_ge(g, type);
    if (ge < 0) throw RuntimeError("the synthesised netlist has a cell " + type + " that the flow should not emit");
    if (ge == 0)
      throw RuntimeError("gate library '" + g.name + "' does not price the netlist cell " + type + " (" +
                         cost::netlist_cell_name(type) + "): add it under cells with its source");
    p.total += ge * double(n);
    if (cost::netlist_cell_name(type) == "ff") p.sequential += ge * double(n);
  }
  return p;
}

}  // namespace qmac::rtl
