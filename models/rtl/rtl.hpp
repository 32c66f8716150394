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
};

// Verilog for the MAC of `spec` with `pipeline_stages` >= 1 (P - 1 registers of
// the product bundle between multiplier and accumulator). Throws RtlError for a
// spec the generator cannot build (and num::FormatError for an invalid one).
// `pe_ports`: the MAC as a PE's arithmetic (module qmac_mac with ports clk, en,
// acc_in, a, b, acc): acc <= en ? mac(acc_in, a, b) : acc, the accumulator input
// a port (WS/IS: the partial sum from the PE above; OS: the own register or 0).
Design generate_mac(const num::MacSpec& spec, int pipeline_stages, bool pe_ports = false);

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
