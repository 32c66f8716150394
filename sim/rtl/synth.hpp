// Synthesis of the reference RTL with Yosys + ABC onto one stated gate set
// (docs/rtl.md): the whole MAC and every component module alone.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/gates.hpp"
#include "models/rtl/rtl.hpp"

namespace qmac::rtl {

// The flow, stated once: `synth -flatten -noabc -top M`, then ABC onto these
// gates (NOT always included), flip-flops kept as Yosys $_DFF_P_ cells.
extern const char* const kAbcGates;  // "AND,NAND,OR,NOR,XOR,XNOR,MUX,AOI3,OAI3"
std::string flow_description();

using CellCounts = std::map<std::string, long long>;  // Yosys cell type -> count

struct SynthBlock {
  std::string module, group;
  bool sequential = false;
  CellCounts cells;
};

struct SynthResult {
  std::string yosys_version;
  CellCounts mac;                  // the whole MAC, flattened
  std::vector<SynthBlock> blocks;  // each component module synthesised alone
  std::string netlist_path;        // the whole MAC's gate-level Verilog (in the work folder)
};

// Runs Yosys in `workdir` (the design's files are written there).
SynthResult synthesize(const Design& d, const std::string& workdir);

// The same flow without -flatten: every component module stays a module of
// the gate-level netlist (for per-block measurements; ABC cannot optimise
// across block boundaries, so the netlist is larger than the flattened one).
// Returns the path of the netlist (in `workdir`).
std::string synthesize_hierarchical(const Design& d, const std::string& workdir);

// Gate equivalents of a netlist under a library: total, flip-flops only.
// Throws RuntimeError naming a cell the library does not price.
struct Priced {
  double total = 0, sequential = 0;
  double combinational() const { return total - sequential; }
};
Priced price(const CellCounts& cells, const cost::GateLibrary& g);

}  // namespace qmac::rtl
