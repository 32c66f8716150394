// A MAC unit (and its processing element) decomposed into components with bit
// widths derived from the operand formats and the accumulator, each priced by
// a gate formula of gates.hpp. The groups are the paper's Fig. 3 split.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/cost/gates.hpp"
#include "models/numerics/accumulator.hpp"

namespace qmac::cost {

// Fig. 3 of arXiv 2303.17951 splits each bar into these three groups; PE-level
// registers form a fourth.
inline constexpr const char* kMultiplier = "multiplier";
inline constexpr const char* kAlignAdd = "align_add";
inline constexpr const char* kNormalizeAccumulate = "normalize_accumulate";
inline constexpr const char* kPeRegisters = "pe_registers";

// What a component is: the energy model prices each part by its own activity
// counter and the flip-flop count sums the register parts.
enum class Part {
  logic,                 // combinational: switches at its group's toggle rate
  accumulator_register,  // the accumulator: toggles = Activity::acc_toggles
  product_register,      // the product bundle's register: toggles = product_toggles
  pipeline_registers,    // the P - 1 pipeline registers: in Activity::fwd_reg_toggles
  pe_register,           // PE-level registers: in fwd_reg_toggles / psum_reg_toggles
};

struct Component {
  std::string name;     // e.g. "significand_multiplier"
  std::string group;    // one of the k* groups above
  std::string formula;  // the block and widths, e.g. "multiplier(4x4)"
  double gates = 0;     // NAND2 equivalents
  int bits = 0;         // width of the component's data path (for energy per toggle)
  Part part = Part::logic;
  bool is_register() const { return part != Part::logic; }
};

struct MacCost {
  std::vector<Component> mac;        // the MAC unit
  std::vector<Component> pe_extra;   // operand forwarding registers etc. in the PE
  double mac_gates() const;
  double pe_gates() const;           // mac + pe_extra
  std::map<std::string, double> groups() const;      // gates per group (MAC and PE)
  std::map<std::string, double> breakdown() const;   // gates per component name
  // Widths of the nodes whose toggles the simulation counts.
  int a_bits = 0, b_bits = 0, product_bits = 0, acc_bits = 0;
  int flip_flops = 0;                // FFs in one PE (clocked every cycle)
};

// The datapath widths of a float accumulator's adder, shared by the cost model
// and the RTL generator (models/rtl builds exactly these widths).
struct FloatAdderWidths {
  int q = 0;      // significand bits of the exact product
  int esw = 0;    // bits of the exponent sum (0: integer operands, constant exponent)
  int lsb0 = 0;   // the product's LSB weighs 2^(exponent sum + lsb0)
  int esum_min = 0, esum_max = 0;  // exponent sums of finite operands
  int qy = 0;     // significand bits of the adder's product operand (fused: q; non-fused: p)
  int P = 0;      // max(p, qy)
  int N = 0;      // window: P + 3 (guard, round, sticky)
  int ew = 0;     // two's complement width of the non-fused product rounder's exponents
  // The adder's exponents are biased by the accumulator's bias (emin is 1) and
  // carried at the widths their values need (models/rtl float_rtl.cpp):
  int yw = 0;             // the product operand's exponent (fused: [y_lo, y_hi]; non-fused: the code's field)
  bool y_signed = false;  // ... two's complement (a fused product can lie below the biased range)
  int y_lo = 0, y_hi = 0;
  int cw = 0;             // the accumulator's: its exponent field (1 for subnormals), unsigned
  int dw = 0;             // the difference ey - ec, two's complement
  int aw = 0;             // the alignment exponent max(ey, ec) >= 1, unsigned
  int xw = 0;             // the result's biased exponent + rounding carry (e_align + 2), unsigned
  // Whether a finite accumulator plus a finite product can round above the
  // largest finite value (else the overflow compare is constant false).
  bool can_overflow = true;
};
FloatAdderWidths float_adder_widths(const num::MacSpec& spec);

// The MAC of `spec` with `pipeline_stages` (>= 1; each stage beyond the first
// registers the product) in a PE that forwards both operands.
MacCost mac_cost(const num::MacSpec& spec, int pipeline_stages, const GateLibrary& g);

// A double-buffered stationary operand (ArrayOptions::double_buffer, WS/IS):
// every PE gets a shadow register of the stationary operand's bits, loaded by
// the preload chain while the active one feeds the multiplier (the swap is the
// active register's load enable, as the preload is today's).
void add_stationary_shadow(MacCost& cost, int stationary_bits, const GateLibrary& g);

// How the array uses its PEs (array.dataflow, array.double_buffer).
struct PeShape {
  bool output_stationary = false;
  bool double_buffer = false;  // WS/IS only (no effect on OS)
  int stationary_bits = 0;     // the y chain's operand code: WS b, IS a
};
// The PE around the MAC as the array runs it: the shadow stationary register of
// a double-buffered WS/IS PE (every library), and, for a Datapath::rtl library,
// the rest of what the reference RTL's PE builds (models/rtl/pe_rtl.cpp,
// checked against its netlist by `qmac synth --pe`): the partial-sum register's
// hold and pass-through muxes (WS/IS) or hold and restart-from-zero (OS) at
// the accumulator's width, the stationary register's load enable, the swap
// muxes, the valid gating, the partial-sum valid bit and the control bits
// travelling through the P - 1 pipeline registers. The paper's datapath keeps
// the paper's accounting (the MAC and plain operand registers).
void add_pe(MacCost& cost, int pipeline_stages, const PeShape& shape, const GateLibrary& g);

// Gates of the adder that adds partial sums into the output buffer (one per
// array column), for a buffer accumulator fed by the MAC's accumulator.
double output_adder_gates(const num::AccumulatorSpec& buffer, const GateLibrary& g);

}  // namespace qmac::cost
