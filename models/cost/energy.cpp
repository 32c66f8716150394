#include "models/cost/energy.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace qmac::cost {

int product_node_bits(const num::MacSpec& spec) {
  const int fw = num::product_range(spec.a, spec.b).fixed_width();
  return fw <= 126 ? std::min(fw, 64) : 64;
}

double and_plane_density(double pa, double ra, double pb, double rb) {
  const double d = pa * rb + pb * ra - ra * rb / 2;
  // A bit toggles at most twice per clock it is 1 (r <= 2p), so d >= ra*rb/2:
  // a negative d means counts that no bit stream has.
  if (d < -1e-12) {
    std::ostringstream m;
    m << "AND-plane switching of inconsistent operand statistics: ones " << pa << " and " << pb << ", toggles "
      << ra << " and " << rb << " per bit and MAC (a bit toggles at most twice as often as it is 1)";
    throw std::invalid_argument(m.str());
  }
  return std::max(0.0, d);
}

namespace {
// An integer x integer multiplier: every partial product is the AND of two
// operand data bits (a float significand's hidden bit is a constant-1 row and
// column, which follows the other operand; those keep the operands' rate).
bool and_plane_multiplier(const num::MacSpec& spec, const Component& comp) {
  return spec.a.is_int() && spec.b.is_int() && comp.name == "significand_multiplier";
}
}  // namespace

num::Activity static_activity(const MacCost& c, int rows, int cols, uint64_t macs) {
  num::Activity a;
  const uint64_t pes = uint64_t(rows) * uint64_t(cols);
  a.macs = macs;
  a.pe_cycles = macs;
  a.cycles = (macs + pes - 1) / pes;
  a.mult_a_toggles = macs * c.a_bits / 2;
  a.mult_b_toggles = macs * c.b_bits / 2;
  a.mult_a_ones = macs * c.a_bits / 2;
  a.mult_b_ones = macs * c.b_bits / 2;
  a.product_toggles = macs * uint64_t(c.product_bits) / 2;
  a.acc_toggles = macs * uint64_t(c.acc_bits) / 2;
  a.fwd_reg_toggles = macs * uint64_t(c.a_bits + c.b_bits) / 2;
  return a;
}

std::vector<Switching> mac_switching(const num::MacSpec& spec, const MacCost& c, const GateLibrary& g,
                                     const num::Activity& act) {
  const int prod_bits = product_node_bits(spec);
  const double rate_mult = double(act.mult_a_toggles + act.mult_b_toggles) / std::max(1, c.a_bits + c.b_bits);
  const double rate_prod = double(act.product_toggles) / std::max(1, prod_bits);
  // The normalise/accumulate group follows the register, except on MACs whose
  // accumulator input is inf/NaN: the register then holds its code (only the
  // output select picks it) while the group keeps normalising and rounding
  // the sum of the product and the held value, whose changes are the
  // product's (per-block netlist: docs/cost-model.md section 8). Those MACs
  // are priced at the product node's mean rate per MAC.
  const double nonfinite_prod =
      act.macs > 0 ? double(act.acc_nonfinite_macs) * rate_prod / double(act.macs) : 0.0;
  const double rate_acc = double(act.acc_toggles) / std::max(1, c.acc_bits) + nonfinite_prod;
  // Per MAC and operand bit: the engines count the operands' one bits on every
  // valid MAC and their toggles between consecutive valid MACs.
  double rate_and = rate_mult;
  if (act.macs > 0) {
    const double macs = double(act.macs), na = std::max(1, c.a_bits) * macs, nb = std::max(1, c.b_bits) * macs;
    // Exactly one operand unsigned: an (n+1) x (m+1) array (rtl_datapath.cpp)
    // whose unsigned operand's zero-extension bit never switches its cells;
    // the signed one's extension bit is its sign bit's copy.
    double live = 1;
    if (spec.a.is_int() && spec.b.is_int() && spec.a.i.is_signed != spec.b.i.is_signed) {
      const double u = spec.a.i.is_signed ? c.b_bits : c.a_bits;
      live = u / (u + 1);
    }
    rate_and = macs * live *
               and_plane_density(double(act.mult_a_ones) / na, double(act.mult_a_toggles) / na,
                                 double(act.mult_b_ones) / nb, double(act.mult_b_toggles) / nb);
  }
  std::vector<Switching> out;
  for (const auto& comp : c.mac) {
    if (comp.is_register()) {
      // Each toggled bit flips one flip-flop. The P - 1 pipeline registers'
      // toggles are part of fwd_reg_toggles (models/array/README.md).
      if (comp.part == Part::pipeline_registers) continue;
      const double toggles =
          comp.part == Part::accumulator_register ? double(act.acc_toggles) : double(act.product_toggles);
      out.push_back(Switching{comp.name, toggles * g.ff, true});
      continue;
    }
    const double rate = and_plane_multiplier(spec, comp)           ? rate_and
                        : comp.group == std::string(kMultiplier) ? rate_mult
                        : comp.group == std::string(kAlignAdd)   ? rate_prod
                                                                 : rate_acc;
    out.push_back(Switching{comp.name, comp.gates * rate, false});
  }
  return out;
}

CostReport cost_report(const num::MacSpec& spec, const MacCost& c, double output_adder_gates, int buffer_bits,
                       int rows, int cols, const GateLibrary& g, const Technology& t, const num::Activity& act,
                       uint64_t macs, bool from_simulation) {
  CostReport r;
  r.library = g.name;
  r.technology = t.name;
  r.energy_basis = from_simulation ? "activity" : "static";
  r.macs = macs;
  r.accumulator_bits = c.acc_bits;
  r.mac_gates = c.mac_gates();
  r.pe_gates = c.pe_gates();
  r.array_gates = double(rows) * cols * r.pe_gates + double(cols) * output_adder_gates;
  r.area_um2 = r.array_gates * t.um2_per_ge;
  r.breakdown = c.breakdown();
  r.groups = c.groups();

  const double e = t.pj_per_ge_toggle;
  double logic = 0, regs = 0;
  for (const auto& s : mac_switching(spec, c, g, act)) (s.register_data ? regs : logic) += s.toggles * e;
  regs += double(act.fwd_reg_toggles + act.psum_reg_toggles) * g.ff * e;
  const double clock = double(act.pe_cycles) * c.flip_flops * t.ff_clock_ge_toggles * e;
  const double out_adders = output_adder_gates * double(act.out_buffer_toggles) / std::max(1, buffer_bits) * e;
  const double seconds_ns = double(act.cycles) / t.clock_ghz;
  const double leakage = r.array_gates * t.leakage_nw_per_ge * seconds_ns * 1e-6;  // nW x ns = 1e-6 pJ
  r.energy_breakdown = {{"logic", logic}, {"registers", regs}, {"clock", clock},
                        {"output_adders", out_adders}, {"leakage", leakage}};
  r.energy_pj = logic + regs + clock + out_adders + leakage;
  r.pj_per_mac = macs ? r.energy_pj / double(macs) : 0;
  r.tops_per_w = r.energy_pj > 0 ? 2.0 * double(macs) / r.energy_pj : 0;  // 2 ops per MAC; ops/pJ = TOPS/W
  const double peak_ops = 2.0 * rows * cols * t.clock_ghz * 1e9;
  r.tops_per_mm2 = r.area_um2 > 0 ? peak_ops / 1e12 / (r.area_um2 * 1e-6) : 0;
  return r;
}

nlohmann::ordered_json to_json(const CostReport& r) {
  nlohmann::ordered_json j;
  j["mac_gates"] = r.mac_gates;
  j["pe_gates"] = r.pe_gates;
  j["array_gates"] = r.array_gates;
  j["area_um2"] = r.area_um2;
  j["energy_pj"] = r.energy_pj;
  j["pj_per_mac"] = r.pj_per_mac;
  j["tops_per_w"] = r.tops_per_w;
  j["tops_per_mm2"] = r.tops_per_mm2;
  j["accumulator_bits"] = r.accumulator_bits;
  j["breakdown"] = r.breakdown;
  j["groups"] = r.groups;
  j["energy_breakdown_pj"] = r.energy_breakdown;
  j["energy_basis"] = r.energy_basis;
  j["gate_library"] = r.library;
  j["technology"] = r.technology;
  return j;
}

std::vector<ReferenceOp> horowitz_ops(const GateLibrary& g) {
  auto fp_add = [&](const char* fmt) {
    num::AccumulatorSpec s;
    s.kind = num::AccKind::floating;
    s.format = num::parse_format(fmt);
    return output_adder_gates(s, g);
  };
  // An FP multiplier: significand array, exponent sum minus bias, sign, hidden
  // bits, a one-bit normalisation (p MUX2) and the rounding incrementer.
  auto fp_mul = [&](const char* fmt) {
    const num::FloatFormat f = num::parse_format(fmt).f;
    const int p = f.precision(), x = f.exp_bits + 1;
    return multiplier(g, p, p) + x * g.fa + adder(g, x + 1) + g.xor2 + 2 * (f.exp_bits - 1) * g.or2 + p * g.mux2 +
           incrementer(g, p);
  };
  // Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm, 0.9 V. The
  // integer multipliers switch as mac_switching prices them on random operands.
  const double and_plane = and_plane_density(0.5, 0.5, 0.5, 0.5);
  return {{"int8 add", 0.03, adder(g, 8)},
          {"int32 add", 0.1, adder(g, 32)},
          {"int8 mult", 0.2, multiplier(g, 8, 8), and_plane},
          {"int32 mult", 3.1, multiplier(g, 32, 32), and_plane},
          {"fp16 add", 0.4, fp_add("fp16")},
          {"fp32 add", 0.9, fp_add("fp32")},
          {"fp16 mult", 1.1, fp_mul("fp16")},
          {"fp32 mult", 3.7, fp_mul("fp32")}};
}

double fit_pj_per_ge_toggle(const std::vector<ReferenceOp>& ops) {
  double log_sum = 0;
  for (const auto& op : ops) log_sum += std::log(op.horowitz_pj / (op.switched * op.gates));
  return std::exp(log_sum / double(ops.size()));
}

}  // namespace qmac::cost
