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
  pb.add("operand_registers", kPeRegisters, "reg(" + w(fwd) + ")", reg(g, fwd), fwd);
  cost.a_bits = s.a.bits();
  cost.b_bits = s.b.bits();
  double ffs = 0;
  for (const auto* v : {&cost.mac, &cost.pe_extra})
    for (const auto& c : *v)
      if (c.name.find("register") != std::string::npos) ffs += c.gates / g.ff;
  cost.flip_flops = int(std::lround(ffs));
  return cost;
}

void add_stationary_shadow(MacCost& cost, int bits, const GateLibrary& g) {
  Builder pb{g, cost.pe_extra};
  pb.add("shadow_stationary_register", kPeRegisters, "reg(" + w(bits) + ")", reg(g, bits), bits);
  cost.flip_flops += bits;
}

double output_adder_gates(const num::AccumulatorSpec& buffer, const GateLibrary& g) {
  if (buffer.kind != num::AccKind::floating) return adder(g, buffer.width);
  return g.datapath == Datapath::rtl ? detail::rtl_float_adder(buffer, g) : detail::paper_float_adder(buffer, g);
}

}  // namespace qmac::cost
