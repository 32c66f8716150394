// Area and energy: a technology's constants applied to the gate counts, with
// dynamic energy driven by the switching activity a simulation counted.
//
//   E = e * [ G_mult * r_mult + G_align * r_prod + G_norm * r_norm ]     logic
//       (an integer x integer multiplier: G_mult * d_and, below;
//        r_norm = r_acc + r_prod * acc_nonfinite_macs / macs, below)
//     + e * FF * [ acc_toggles + product_toggles * (pipe FFs present)
//                  + fwd_reg_toggles + psum_reg_toggles ]                 register data
//     + e * k_clk * FF_per_PE * pe_cycles                                 clock
//     + e * G_outadd * out_buffer_toggles / buffer_bits                   output-buffer adders
//     + P_leak * G_array * t                                              leakage
// with e the energy of one gate-equivalent toggle, r_x = (bit toggles of node
// x) / (bits of x): the number of full-width transitions the node made, which
// every gate of the group driven by that node is assumed to follow.
//
// One exception, measured: an integer x integer multiplier is an AND plane of
// two data operands (and its compressor tree), and an AND gate does not follow
// its inputs' rate. Its switching per MAC is and_plane_density of the
// operands' ones fraction and toggle rate per bit (Activity::mult_*_ones and
// mult_*_toggles per MAC and bit): 0.375 for random operands against the
// operands' 0.5. The derivation covers the AND gates; the compressor tree
// after them is priced at the same density, which the INT8 array
// multiplier's netlist supports (0.371 of its gates on normal data, 0.301 on
// outlier-heavy data: docs/cost-model.md section 8).
//
// A float accumulator at inf/NaN: the register holds its code, so r_acc is
// near zero, but the normalise/accumulate group still normalises and rounds
// the sum of every product with the held value (only the output select
// discards it); the netlist's normalise blocks switch as much as on finite
// data. Each MAC whose accumulator input is inf/NaN
// (Activity::acc_nonfinite_macs) adds the product node's rate per MAC,
// r_prod / macs, to the group's rate.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/mac_cost.hpp"
#include "models/numerics/activity.hpp"

namespace qmac::cost {

struct Technology {
  std::string name;
  std::string source;
  double node_nm = 45;
  double um2_per_ge = 0.798;         // area of one NAND2 equivalent
  double pj_per_ge_toggle = 0.001;   // dynamic energy of one gate-equivalent output toggle
  double ff_clock_ge_toggles = 2;    // clock energy per flip-flop per cycle, in GE toggles
  double leakage_nw_per_ge = 0;      // static power per gate equivalent
  double clock_ghz = 1;
};

struct CostReport {
  std::string library, technology;
  std::string energy_basis;          // "activity" (from a simulation) or "static" (assumed)
  double mac_gates = 0, pe_gates = 0, array_gates = 0;
  double area_um2 = 0, energy_pj = 0, pj_per_mac = 0, tops_per_w = 0, tops_per_mm2 = 0;
  uint64_t macs = 0;
  int accumulator_bits = 0;                        // width of the MAC's accumulator register
  std::map<std::string, double> breakdown;         // gates per component (one PE)
  std::map<std::string, double> groups;            // gates per group (one PE)
  std::map<std::string, double> energy_breakdown;  // pJ per part of the energy equation
};

// Bits of the product node as the array engines encode it (models/mac/mac_bits.hpp).
int product_node_bits(const num::MacSpec& spec);

// The static activity assumed without a simulation: every PE busy every cycle
// for `macs` MACs on a rows x cols array, every data bit toggling with
// probability 1/2 and 1 half the time.
num::Activity static_activity(const MacCost& c, int rows, int cols, uint64_t macs);

// The switching probability per clock of an AND of two independent bits, bit
// a being 1 with probability pa and toggling with probability ra per clock
// (stationary: a clock pair is "1 then 0" with probability ra / 2, so "1 then
// 1" with probability pa - ra / 2), likewise b: the output is 1
// with probability pa*pb and 1 in both clocks with (pa - ra/2)(pb - rb/2), and
// changes with twice the difference,
//   d = pa*rb + pb*ra - ra*rb/2.
// An elementary zero-delay, clock-to-clock calculation (settled values, the
// same view as the engines' toggle counts); the -ra*rb/2 term is both inputs
// changing in the same clock (10 -> 01 leaves the output at 0), which a
// continuous-time transition density (Najm, IEEE TCAD 12(2), 1993: D(y) =
// P(b) D(a) + P(a) D(b)) does not have. d is bilinear in the bits'
// statistics, so over a whole AND plane of two independent operands the
// operands' mean ones fraction and toggle rate per bit give the plane's mean
// exactly. Random operands (p = r = 1/2): 0.375; one operand held (rb = 0):
// pb*ra, the held bits that are 1 pass the other's toggles. Throws
// std::invalid_argument for statistics no bit stream has (r > 2p makes d < 0).
double and_plane_density(double pa, double ra, double pb, double rb);

// The MAC's data switching per component in gate-equivalent toggles (e = 1),
// the logic and register-data terms of the equation above: a logic component's
// gates times its group's rate, a register's bits toggled times FF (the P - 1
// pipeline registers are not here: their toggles are in fwd_reg_toggles).
struct Switching {
  std::string component;  // Component::name
  double toggles = 0;     // gate-equivalent toggles
  bool register_data = false;  // a register's data term (else logic)
};
std::vector<Switching> mac_switching(const num::MacSpec& spec, const MacCost& c, const GateLibrary& g,
                                     const num::Activity& activity);

CostReport cost_report(const num::MacSpec& spec, const MacCost& c, double output_adder_gates, int buffer_bits,
                       int rows, int cols, const GateLibrary& g, const Technology& t, const num::Activity& activity,
                       uint64_t macs, bool from_simulation);

nlohmann::ordered_json to_json(const CostReport& r);

// Calibration against Horowitz, ISSCC 2014, 45 nm (published-numbers.md section 3).
struct ReferenceOp {
  std::string name;
  double horowitz_pj;   // published energy per operation
  double gates;         // the model's gate count for that operation
  double switched = 0.5;  // fraction of those gates the model toggles per operation on random operands
};
std::vector<ReferenceOp> horowitz_ops(const GateLibrary& g);
// Least-squares fit in log space of E = e * switched * gates, the energy model's
// own figure for random operands (half the bits toggle; an integer multiplier
// switches and_plane_density(0.5, 0.5, 0.5, 0.5) of its gates): e = geometric mean of
// horowitz_pj / (switched * gates).
double fit_pj_per_ge_toggle(const std::vector<ReferenceOp>& ops);

}  // namespace qmac::cost
