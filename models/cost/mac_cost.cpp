// A MAC unit and its PE as components priced by a gate library: the
// decomposition is the library's (GateLibrary::datapath): the paper's smallest
// datapath (paper_datapath.cpp) or qmac's reference RTL (rtl_datapath.cpp).
#include "models/cost/mac_cost.hpp"

#include <cmath>

#include "models/cost/datapaths.hpp"

namespace qmac::cost {

using detail::Builder;
using detail::w;

namespace {

double sum(const std::vector<Component>& v) {
  double s = 0;
  for (const auto& c : v) s += c.gates;
  return s;
}

}  // namespace

double MacCost::mac_gates() const { return sum(mac); }
double MacCost::pe_gates() const { return sum(mac) + sum(pe_extra); }

std::map<std::string, double> MacCost::groups() const {
  std::map<std::string, double> out;
  for (const auto* v : {&mac, &pe_extra})
    for (const auto& c : *v) out[c.group] += c.gates;
  return out;
}

std::map<std::string, double> MacCost::breakdown() const {
  std::map<std::string, double> out;
  for (const auto* v : {&mac, &pe_extra})
    for (const auto& c : *v) out[c.name] += c.gates;
  return out;
}

MacCost mac_cost(const num::MacSpec& s, int pipeline_stages, const GateLibrary& g) {
  num::validate(s);
  MacCost cost;
  Builder b{g, cost.mac};
  cost.product_bits = g.datapath == Datapath::rtl ? detail::rtl_datapath(s, pipeline_stages, b)
                                                  : detail::paper_datapath(s, pipeline_stages, b);
  cost.acc_bits = s.acc.kind == num::AccKind::floating ? s.acc.format.bits() : s.acc.width;
  // The PE forwards both operands through registers (WS: activations right,
  // weights held; OS: both; IS: weights right, inputs held) plus a valid bit.
  Builder pb{g, cost.pe_extra};
  const int fwd = s.a.bits() + s.b.bits() + 1;
  pb.add("operand_registers", kPeRegisters, "reg(" + w(fwd) + ")", reg(g, fwd), fwd, Part::pe_register);
  cost.a_bits = s.a.bits();
  cost.b_bits = s.b.bits();
  double ffs = 0;
  for (const auto* v : {&cost.mac, &cost.pe_extra})
    for (const auto& c : *v)
      if (c.is_register()) ffs += c.gates / g.ff;
  cost.flip_flops = int(std::lround(ffs));
  return cost;
}

void add_stationary_shadow(MacCost& cost, int bits, const GateLibrary& g) {
  Builder pb{g, cost.pe_extra};
  pb.add("shadow_stationary_register", kPeRegisters, "reg(" + w(bits) + ")", reg(g, bits), bits, Part::pe_register);
  cost.flip_flops += bits;
}

void add_pe(MacCost& cost, int stages, const PeShape& shape, const GateLibrary& g) {
  const bool db = shape.double_buffer && !shape.output_stationary;
  if (db) add_stationary_shadow(cost, shape.stationary_bits, g);
  if (g.datapath != Datapath::rtl) return;
  Builder pb{g, cost.pe_extra};
  const int acc = cost.acc_bits, y = shape.stationary_bits, ctrl = 2 * (stages - 1);
  const int ffs = 1 + ctrl;  // the partial-sum valid bit; two control bits per pipeline register
  if (shape.output_stationary) {
    // acc_d = en ? (first ? 0 : acc) (+) a*b : acc -- add is constant 1, so the
    // pass-through mux folds away: a hold mux and an AND per bit, one inverter.
    pb.add("accumulator_hold_restart", kPeRegisters, w(acc) + "(mux2 + and2) + inv", acc * (g.mux2 + g.and2) + g.inv, acc);
    pb.add("valid_logic", kPeRegisters, "and2", g.and2, 1);
    // y's valid bit and x's first-step bit, forwarded with the operands.
    pb.add("forwarded_flag_registers", kPeRegisters, "reg(2)", reg(g, 2), 2, Part::pe_register);
    cost.flip_flops += 2;
  } else {
    // acc_d = en ? (add ? psum_in (+) a*b : psum_in) : acc
    pb.add("partial_sum_hold_pass", kPeRegisters, w(acc) + "x2 mux2", acc * 2 * g.mux2, acc);
    pb.add("stationary_load_enable", kPeRegisters, w(y) + " mux2", y * g.mux2, y);
    // swap: the active register's load enable and the multiplier's bypass mux.
    if (db) pb.add("stationary_swap", kPeRegisters, w(y) + "x2 mux2", y * 2 * g.mux2, y);
    pb.add("valid_logic", kPeRegisters, "2 and2", 2 * g.and2, 2);
  }
  pb.add("valid_and_control_registers", kPeRegisters, "reg(" + w(ffs) + ")", reg(g, ffs), ffs, Part::pe_register);
  cost.flip_flops += ffs;
}

double output_adder_gates(const num::AccumulatorSpec& buffer, const GateLibrary& g) {
  if (buffer.kind != num::AccKind::floating) return adder(g, buffer.width);
  return g.datapath == Datapath::rtl ? detail::rtl_float_adder(buffer, g) : detail::paper_float_adder(buffer, g);
}

}  // namespace qmac::cost
