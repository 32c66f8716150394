// Gate libraries and the building blocks every MAC is made of, in NAND2
// gate-equivalents (GE). Each block's formula is written once, here, with its
// derivation; tests/cost/gates_test.cpp checks them on small widths by hand.
#pragma once

#include <string>

namespace qmac::cost {

// Cost of each cell in NAND2 equivalents, and where the numbers come from.
// The first nine price the building blocks of the formulas below; the netlist
// cells (with and2, or2, xor2, mux2 and ff) price a synthesised netlist, whose
// cells are those the project's Yosys/ABC flow emits (docs/rtl.md); 0 = not
// priced by this library.
// Which decomposition of the MAC a library prices: the paper's smallest
// datapath as qmac reads it (Fig. 3; paper, nangate45) or qmac's reference RTL,
// one component per Verilog module (models/rtl; the yosys flow's library).
enum class Datapath { paper, rtl };

struct GateLibrary {
  std::string name;
  std::string source;
  Datapath datapath = Datapath::paper;
  double and2 = 1, or2 = 1, ao21 = 2, oa21 = 2, mux2 = 3, xor2 = 3, ha = 3, fa = 7, ff = 6;
  double nand2 = 0, nor2 = 0, xnor2 = 0, inv = 0, aoi21 = 0, oai21 = 0;
};

// The price of one cell of a Yosys netlist ("$_NAND_", "$_DFF_P_", ...) under
// the library: the library cell it is (AOI3 = aoi21, NOT = inv, DFF = ff, ...).
// Returns a negative value for a cell type the flow does not emit, 0 when the
// library leaves the cell unpriced.
double netlist_cell_ge(const GateLibrary& g, const std::string& yosys_type);
// The library cell a Yosys netlist cell is priced as ("nand2", "ff", ...), or "".
std::string netlist_cell_name(const std::string& yosys_type);

// The Qualcomm paper's library (arXiv 2303.17951, Appendix B; published-numbers.md):
// AND2 = OR2 = 1, AO21 = OA21 = 2, MUX2 = XOR2 = HA = 3, FA = 2 HA + OR2 = 7, FF = 2 MUX2 = 6.
GateLibrary paper_library();

int ceil_log2(long long x);  // 0 for x <= 1

// Ripple-carry adder of n bits: (n-1) FA + HA (paper, Appendix B).
double adder(const GateLibrary& g, int n);
// Incrementer of n bits (add a carry-in): a half-adder chain, n HA.
double incrementer(const GateLibrary& g, int n);
// Upper bits of a wide accumulator that only see a sign extension and a carry:
// acc + (s ? -1 : 0) + c per bit is an increment/decrement cell, HA + XOR2.
double inc_dec(const GateLibrary& g, int n);
// n x m array multiplier: n*m AND2 partial products, reduced by (m-1) rows of
// n-1 FA and one HA each (m <= n). For n = m this is the paper's
// N^2 AND2 + (N-1)^2 FA + (N-1) HA.
double multiplier(const GateLibrary& g, int n, int m);
// Logarithmic barrel shifter: `width` bits through ceil(log2(max_shift + 1))
// stages of MUX2 (the paper: "log-depth MUX2 stages").
double shifter(const GateLibrary& g, int width, int max_shift);
// The same shifter as synthesis leaves it (reference RTL datapath): stage k is a
// MUX2 per bit except the min(2^k, width) bits the shift fills with zeros, where
// an AND2 (x & ~s) does.
double zero_fill_shifter(const GateLibrary& g, int width, int max_shift);
// A right shifter with a sticky bit (alignment): zero_fill_shifter() plus, per stage k,
// an OR2 tree over the min(2^k, width) bits shifted out, an AND2 with the stage's
// select and an OR2 into the running sticky (none at the first stage with one).
// zero_low: the input's low bits that are constant zero (stage cells and sticky
// ORs that see only those are constants: no cell, an AND2 instead of a MUX2).
double sticky_shifter(const GateLibrary& g, int width, int max_shift, int zero_low = 0);
// x or -x by a sign, (x ^ s) + s: bit 0 is x's own (no cell), the n - 1 bits
// above an XOR2 each and an (n-1)-bit incrementer.
double conditional_negate(const GateLibrary& g, int n);
// a <= b (or a < b) of n-bit numbers: only the carry chain of b - a, no sum
// bits: per bit a generate AND2, a propagate OR2 and an AO21 (c' = g | p & c);
// the lowest bit's carry is its generate alone.
double comparator(const GateLibrary& g, int n);
// OR (or AND) of n bits: n - 1 two-input gates.
double or_tree(const GateLibrary& g, int n);
// A shifter that places an `in`-bit value anywhere in an `out`-bit window:
// stage k (shift 2^k) only needs the bits that can be occupied after it,
// min(out, in + 2^(k+1) - 1) MUX2.
double placing_shifter(const GateLibrary& g, int in, int out, int max_shift);
// Leading-zero counter of n bits as a binary tree (n rounded up to a power of
// two N): level l has N/2^l nodes, each an OR2 (any-one flag) and l-1 MUX2
// choosing the lower-order count bits from the left or right half.
double leading_zero_counter(const GateLibrary& g, int n);
// The same tree as the reference RTL builds it (input padded with ones below):
// no nodes over padding only, no any-one OR2 where a node sees padding (and at
// a padded root), AND2s instead of MUX2s where a node's right half is padding;
// an unpadded root's count is gated by its any-one flag (gates.cpp).
double pruned_leading_zero_counter(const GateLibrary& g, int n);
// n flip-flops.
double reg(const GateLibrary& g, int n);

}  // namespace qmac::cost
