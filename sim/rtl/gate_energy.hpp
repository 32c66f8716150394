// Switching energy ground truth: the synthesised gate-level netlist of a MAC
// simulated (Icarus Verilog, unit-delay cell models) on an operand stream, every
// cell output toggle weighted by the cell's gate equivalents, next to the cost
// model's activity-based figure (models/cost/energy.cpp) for the same stream.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/cost/gates.hpp"
#include "sim/config/config.hpp"
#include "sim/rtl/cosim.hpp"

namespace qmac::rtl {

// One component of the MAC in a per-block measurement (switched GE per MAC).
struct BlockSwitching {
  std::string block;     // the component module (models/cost component name); "(top)" for the top's own cells
  double netlist = 0;    // settled switched GE of its cells in the hierarchical netlist
  double netlist_ge = 0; // its cells' gate equivalents (hierarchical netlist)
  double model = 0;      // cost::mac_switching's figure for the component (0: the model has none of that name)
};

struct SwitchedGe {
  uint64_t macs = 0;
  double settled = 0;    // gate-level: GE of cells whose output differs from the last clock (no glitches)
  double glitches = 0;   // gate-level: GE of every output transition, unit gate delays (glitches included)
  double model = 0;      // cost model: switched GE of logic + data registers from the stream's activity
  // Float accumulators: the fraction of MACs after which the accumulator holds
  // inf or NaN (none for integer and fixed-point ones).
  std::optional<double> acc_nonfinite;
  std::vector<BlockSwitching> blocks;  // per block (switched_ge with `per_block`), datapath order
};

// An output-stationary PE's operand stream for `data` (normal, zeros, outliers):
// A (m x k) and B (k x n) generated and quantised as `qmac run` does, then for
// each output (m, n) the k pairs A[m][k], B[k][n] in order.
std::vector<Step> data_stream(const config::Config& cfg, const std::string& data, int m, int k, int n);

// Synthesises the config's MAC (in workdir) and measures both figures per MAC
// on the stream, the netlist priced and the model evaluated under `g`.
// `per_block`: also the same stream through the hierarchical netlist
// (synthesize_hierarchical), its settled switching summed per component module.
SwitchedGe switched_ge(const config::Config& cfg, const std::vector<Step>& stream, const cost::GateLibrary& g,
                       const std::string& workdir, bool per_block = false);

}  // namespace qmac::rtl
