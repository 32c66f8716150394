// Reference RTL of a MAC unit, generated from the same num::MacSpec the C++
// model runs (Verilog-2005, synthesisable, readable). One module per cost
// component of models/cost/mac_cost.cpp, named like the component, so every
// gate formula has a netlist to be checked against (`qmac synth`), and the
// whole MAC is bit-exact with num::Mac::mac (tests/rtl co-simulate them).
//
//   rtl::Design d = rtl::generate_mac(spec, pipeline_stages);
//   for (auto& f : d.files) write(dir / f.name, f.text);
//
// The MAC (module `qmac_mac`) has ports clk, a, b and acc (the accumulator
// register, a two's complement integer or the accumulator format's code).
// Every clock it adds the product of the operands presented `latency` clocks
// earlier: acc(t) = mac(acc(t-1), a(t - latency), b(t - latency)) in num::Mac's
// arithmetic. Registers start at zero (the operands of the first cycles are
// code 0 x code 0, a zero product).
#pragma once

#include <string>
#include <vector>

#include "models/numerics/accumulator.hpp"

namespace qmac::rtl {

// Something the RTL cannot express; `key` names the config key responsible
// (the CLI turns it into an exit-2 error naming that key).
class RtlError : public num::FormatError {
 public:
  RtlError(std::string key, const std::string& what) : num::FormatError(what), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

struct File {
  std::string name;  // e.g. "qmac_mac.v"
  std::string text;
};

// One component of the MAC: its Verilog module and the cost component it is.
struct Block {
  std::string module;     // Verilog module name (== component name)
  std::string group;      // models/cost group: multiplier, align_add, normalize_accumulate
  bool sequential = false;
};

struct Design {
  std::vector<File> files;
  std::string top = "qmac_mac";
  std::vector<Block> blocks;   // every component module instantiated by the top, in datapath order
  int a_bits = 0, b_bits = 0;  // operand code widths
  int acc_bits = 0;            // accumulator register width
  int latency = 1;             // clocks from operands to the accumulator register
  std::string acc_reg_path;    // hierarchical name of the accumulator register (testbench injection)
  std::string top_text;        // the top module alone (its component modules are the rest of files[0])
};

// Verilog for the MAC of `spec` with `pipeline_stages` >= 1 (P - 1 registers of
// the product bundle between multiplier and accumulator). Throws RtlError for a
// spec the generator cannot build (and num::FormatError for an invalid one).
// `ports`: MacPorts::mac, the MAC above; MacPorts::pe, the MAC as a PE's
// arithmetic (module qmac_mac with ports clk, en, add, acc_in, a, b, acc):
// acc <= en ? (add ? mac(acc_in, a, b) : acc_in) : acc, the accumulator input
// a port (WS/IS: the partial sum from the PE above, added to or passed through;
// OS: the own register or 0; see generate_pe); MacPorts::acc_in, the MAC's
// datapath alone with the accumulator it adds to as a port (clk, acc_in, a, b,
// acc): acc <= mac(acc_in, a, b), no gate more than the MAC in the RTL (ABC's
// netlist of it differs from the MAC's by 1-2 % of cells) -- the caller
// closes the loop (acc_in = acc) and restarts it (acc_in = 0), as the
// gate-level energy testbench does for an output-stationary PE's outputs.
enum class MacPorts { mac, pe, acc_in };
Design generate_mac(const num::MacSpec& spec, int pipeline_stages, MacPorts ports = MacPorts::mac);

// The processing element of a systolic array around the MAC (generate_mac with
// MacPorts::pe), as the pe engine's mac::Pe models it (models/mac/mac_unit.hpp),
// register for register: module qmac_pe with
//   x   (left -> right): x_in/x_out operand code + x_vin/x_vout valid bit
//       (OS also x_first_in/x_first_out: the first reduction step of a fold,
//       the accumulator restarts from zero -- the pe engine's tag 0);
//   y   (top -> bottom): OS the B operand stream + valid bit; WS/IS the
//       stationary register's preload shift chain (loads on `load`);
//   psum (top -> bottom): WS/IS partial sums, psum_out = psum_in (+) a*b on a
//       valid MAC, psum_in on a valid word of a row outside the fold's tile
//       (row_en low), held otherwise; OS the stationary accumulator;
//   load/swap/row_en/col_en: the controller's per-fold control (swap: double
//       buffering, the shadow register -- the shift chain -- copied into the
//       active one the multiplier reads).
// Control bits travel with their op through the MAC's latency - 1 pipeline
// registers. Every register starts at zero. The text holds qmac_pe_mac (the
// MAC's top with PE ports) and qmac_pe; it compiles with the MAC design's
// component modules (qmac_mac.v of generate_mac(spec, stages): same blocks).
enum class PeDataflow { ws, os, is };
struct PeDesign {
  File file;                  // qmac_pe.v
  PeDataflow dataflow = PeDataflow::ws;
  bool double_buffer = false;
  int x_bits = 0, y_bits = 0;  // operand codes on the x and y chains
  int acc_bits = 0;
  int latency = 1;             // clocks from the operands to the partial-sum register
};
// `double_buffer` has no effect on OS (as array.double_buffer). Throws RtlError
// for a PE the pe engine does not model the same way: a MAC whose RTL latency
// differs from its pipeline_stages (FP operands into a fixed accumulator).
PeDesign generate_pe(const num::MacSpec& spec, int pipeline_stages, PeDataflow dataflow, bool double_buffer);

// A testbench (module qmac_patb) of an R x C systolic array of qmac_pe, wired
// as the pe engine wires it (x right, y and psum down, row 0's psum_in zero),
// fed at its edges from `stim`, one line per clock, hex fields: load swap, then
// per row "x xv xfirst row_en", then per column "y yv col_en". Dumps every PE's
// psum_out (pe_I_J_psum) and whether its multiplier has a valid MAC (pe_I_J_mac) to `vcd`.
std::string pe_array_testbench(const PeDesign& pe, int rows, int cols, const std::string& stim,
                               const std::string& vcd);

// A testbench of an R x C grid of PE-mode MACs wired like a weight-stationary
// column (PE (i,j) adds to the register of PE (i-1,j); row 0 to 0), fed per
// clock from `stim` (one line per clock: for each PE, row-major, "V A B" in hex)
// and dumping every PE's accumulator (pe_I_J_acc) to `vcd`.
std::string array_testbench(const Design& pe_mode_mac, int rows, int cols, const std::string& stim,
                            const std::string& vcd);

// A testbench (module `qmac_tb`) for a Design: reads `stim` (one line per clock:
// "CMD A B ACC" in hex; CMD 1 loads ACC into the accumulator register before the
// clock edge), writes the accumulator after every clock edge to `out` (hex, one
// line per clock) and, when `vcd` is not empty, dumps a VCD of the top's ports.
std::string testbench(const Design& d, const std::string& stim, const std::string& out, const std::string& vcd);

}  // namespace qmac::rtl
