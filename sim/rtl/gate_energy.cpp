#include "sim/rtl/gate_energy.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "models/cost/energy.hpp"
#include "models/mac/mac_bits.hpp"
#include "sim/errors.hpp"
#include "sim/rtl/design_io.hpp"
#include "sim/rtl/synth.hpp"
#include "sim/rtl/synth_report.hpp"
#include "sim/rtl/tools.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::rtl {

std::vector<Step> data_stream(const config::Config& base, const std::string& data, int m, int k, int n) {
  std::vector<Step> steps;
  if (data == "zeros") {
    steps.resize(size_t(m) * size_t(k) * size_t(n));  // code 0: +0 in every format
    for (size_t at = 0; at < steps.size(); at += size_t(k)) steps[at].load = true;
    return steps;
  }
  std::vector<std::string> sets = mac_sets(base);
  if (data == "outliers") {
    // One row (token) of A in eight scaled by 30: the activations' outlier channels.
    sets.push_back("workload.a={distribution: outliers, fraction: 0.125, magnitude: 30, seed: 1}");
  } else if (data != "normal") {
    throw InputError("data kind", "'" + data + "'; expected normal, zeros or outliers");
  }
  const config::Config cfg = config::load_default(sets);
  const auto& w = cfg.workload;
  const auto qa = workload::quantize(workload::generate(w.a, m, k, workload::Axis::rows), cfg.mac.a, w.a.granularity,
                                     w.a.scale, workload::Axis::rows);
  const auto qb = workload::quantize(workload::generate(w.b, k, n, workload::Axis::cols), cfg.mac.b, w.b.granularity,
                                     w.b.scale, workload::Axis::cols);
  // Each output's first step restarts the accumulator from zero (the PE's
  // first-of-a-fold tag), as an output-stationary PE does for every output.
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      for (int x = 0; x < k; ++x)
        steps.push_back(Step{qa.codes[size_t(i) * size_t(k) + size_t(x)], qb.codes[size_t(x) * size_t(n) + size_t(j)],
                             x == 0, 0});
  return steps;
}

namespace {

// Cell models of the flow's gates with one unit of delay each, every output
// transition counted (weighted by the cell's GE) and, separately, every output
// that differs between two samples just before consecutive clock edges.
std::string cell_models(const cost::GateLibrary& g) {
  auto w = [&](const char* type) { return fmt::format("{:.6f}", cost::netlist_cell_ge(g, type)); };
  std::string t =
      "`timescale 1ns/1ps\n"
      "module qmac_toggles #(parameter real W = 1.0) (input y);\n"
      "  reg last = 1'b0;\n  real mine = 0.0;\n"
      "  always @(y) if (qmac_etb.counting) qmac_etb.glitch_ge = qmac_etb.glitch_ge + W;\n"
      "  always @(posedge qmac_etb.sample) begin\n"
      "    if (qmac_etb.counting && y !== last) begin\n"
      "      qmac_etb.settled_ge = qmac_etb.settled_ge + W;\n      mine = mine + W;\n    end\n"
      "    last = y;\n  end\n"
      "  // Per-block measurements: this cell's path, settled GE and weight.\n"
      "  always @(qmac_etb.dump) $fwrite(qmac_etb.fcells, \"%m %f %f\\n\", mine, W);\nendmodule\n";
  const struct { const char* type; const char* ports; const char* expr; } gates[] = {
      {"$_AND_", "input A, B", "A & B"},       {"$_NAND_", "input A, B", "~(A & B)"},
      {"$_OR_", "input A, B", "A | B"},        {"$_NOR_", "input A, B", "~(A | B)"},
      {"$_XOR_", "input A, B", "A ^ B"},       {"$_XNOR_", "input A, B", "~(A ^ B)"},
      {"$_MUX_", "input A, B, S", "S ? B : A"}, {"$_AOI3_", "input A, B, C", "~((A & B) | C)"},
      {"$_OAI3_", "input A, B, C", "~((A | B) & C)"}, {"$_NOT_", "input A", "~A"}};
  for (const auto& x : gates)
    t += fmt::format("module \\{} ({}, output Y);\n  assign #1 Y = {};\n  qmac_toggles #({}) c(Y);\nendmodule\n", x.type,
                     x.ports, x.expr, w(x.type));
  t += fmt::format(
      "module \\$_DFF_P_ (input C, D, output reg Q);\n  initial Q = 1'b0;\n  always @(posedge C) Q <= #1 D;\n"
      "  qmac_toggles #({}) c(Q);\nendmodule\n",
      w("$_DFF_P_"));
  return t;
}

std::string energy_testbench(const Design& d) {
  return fmt::format(
      "`timescale 1ns/1ps\n"
      "module qmac_etb;\n"
      "  reg clk = 1'b0, sample = 1'b0, counting = 1'b0;\n"
      "  real glitch_ge = 0.0, settled_ge = 0.0;\n  event dump;\n  integer fcells;\n"
      "  reg [{}:0] a = 0;\n  reg [{}:0] b = 0;\n  reg [{}:0] inj = 0;\n  reg [7:0] cmd = 0;\n  wire [{}:0] acc;\n"
      "  // The loop closed here: CMD 1 restarts the accumulator from INJ (an output's\n"
      "  // first product meets 0), outside the measured netlist, as in the model.\n"
      "  wire [{}:0] acc_in = cmd == 8'd1 ? inj : acc;\n"
      "  integer fin, fout, facc, n, steps;\n"
      "  qmac_mac dut (.clk(clk), .acc_in(acc_in), .a(a), .b(b), .acc(acc));\n"
      "  initial begin\n"
      "    fin = $fopen(\"stim.txt\", \"r\");\n    fout = $fopen(\"energy.txt\", \"w\");\n"
      "    facc = $fopen(\"accs.txt\", \"w\");\n    steps = 0;\n"
      "    #1000 sample = 1'b1; #1 sample = 1'b0;\n"  // settle from reset
      "    counting = 1'b1;\n"
      "    n = $fscanf(fin, \"%h %h %h %h\\n\", cmd, a, b, inj);\n"
      "    while (n == 4) begin\n"
      "      #999 sample = 1'b1; #0.5 sample = 1'b0;\n"
      // the settled accumulator after the previous step's clock
      "      if (steps > 0) $fwrite(facc, \"%h\\n\", acc);\n"
      "      #0.5 clk = 1'b1; #1 clk = 1'b0;\n"
      "      steps = steps + 1;\n"
      "      n = $fscanf(fin, \"%h %h %h %h\\n\", cmd, a, b, inj);\n"
      "    end\n"
      "    #999 sample = 1'b1; #0.5 sample = 1'b0;\n"
      "    if (steps > 0) $fwrite(facc, \"%h\\n\", acc);\n"
      "    $fwrite(fout, \"%0d %f %f\\n\", steps, settled_ge, glitch_ge);\n"
      "    $fclose(fout);\n    $fclose(facc);\n"
      "    if ($test$plusargs(\"cells\")) begin\n"
      "      fcells = $fopen(\"cells.txt\", \"w\");\n      -> dump;\n      #1 $fclose(fcells);\n    end\n"
      "    $finish;\n  end\nendmodule\n",
      d.a_bits - 1, d.b_bits - 1, d.acc_bits - 1, d.acc_bits - 1, d.acc_bits - 1);
}

// The activity the array engines count on the stream (operand codes, product
// node, accumulator register; models/mac mac_bits.hpp encodings). The
// accumulator after each step is num::Mac's from reference_run (`acc_after`,
// raw register bits with the netlist's timing), not simulated a second time.
num::Activity stream_activity(const num::MacSpec& spec, const std::vector<Step>& stream,
                              const std::vector<u128>& acc_after) {
  const num::Mac mac(spec);
  const mac::MacBits bits(mac);
  num::Activity act;
  uint32_t la = 0, lb = 0;
  uint64_t lp = 0, lacc = bits.acc(num::AccValue{});
  for (size_t i = 0; i < stream.size(); ++i) {
    const Step& s = stream[i];
    const uint64_t p = bits.product(s.a, s.b);
    act.mult_a_toggles += uint64_t(__builtin_popcount(s.a ^ la));
    act.mult_b_toggles += uint64_t(__builtin_popcount(s.b ^ lb));
    act.mult_a_ones += uint64_t(__builtin_popcount(s.a));
    act.mult_b_ones += uint64_t(__builtin_popcount(s.b));
    act.product_toggles += uint64_t(__builtin_popcountll(p ^ lp));
    const uint64_t r = bits.acc(acc_value(spec.acc, acc_after[i]));
    act.acc_toggles += uint64_t(__builtin_popcountll(r ^ lacc));
    // The accumulator this MAC adds to: a restart's loaded value, else the last sum.
    const num::AccValue in = s.load ? acc_value(spec.acc, s.acc) : i ? acc_value(spec.acc, acc_after[i - 1])
                                                                     : num::AccValue{};
    act.acc_nonfinite_macs += uint64_t(!std::isfinite(in.f));
    la = s.a, lb = s.b, lp = p, lacc = r;
    ++act.macs;
  }
  return act;
}

// The output whose sum the accumulator holds after step `i` of a timed stream
// (restarts counted up to it; before the first one, 0).
size_t output_of(const std::vector<Step>& timed, size_t i) {
  const auto loads = size_t(std::count_if(timed.begin(), timed.begin() + std::ptrdiff_t(i) + 1,
                                          [](const Step& s) { return s.load; }));
  return loads ? loads - 1 : 0;
}

// The stream as the netlist's clocks see it: an output's restart moved to the
// clock its first product reaches the accumulator (latency - 1 later).
std::vector<Step> at_accumulator(const std::vector<Step>& stream, int latency) {
  std::vector<Step> timed = stream;
  const size_t shift = size_t(latency - 1);
  for (size_t i = 0; i < timed.size(); ++i) {
    const bool from = i >= shift;
    timed[i].load = from && stream[i - shift].load;
    timed[i].acc = from ? stream[i - shift].acc : 0;
  }
  return timed;
}

// The cost model's switched GE for that activity: cost_report's logic and
// register terms (e = 1: in GE toggles), per MAC.
double model_switched_ge(const num::MacSpec& spec, const cost::MacCost& c, const cost::GateLibrary& g,
                         const num::Activity& act) {
  cost::Technology unit;
  unit.pj_per_ge_toggle = 1;
  unit.leakage_nw_per_ge = 0;
  const auto r = cost::cost_report(spec, c, 0, 1, 1, 1, g, unit, act, act.macs, true);
  return (r.energy_breakdown.at("logic") + r.energy_breakdown.at("registers")) / double(act.macs);
}

// cells.txt of the testbench (+cells): "PATH SETTLED_GE WEIGHT" per cell, PATH
// qmac_etb.dut.u_<block>.<cell>.c; summed per block, per MAC, in the design's
// block order (the top's own cells as "(top)"), with the model's component figure.
std::vector<BlockSwitching> block_switching(const Design& d, const std::string& cells_txt, uint64_t macs,
                                            const std::vector<cost::Switching>& model) {
  std::vector<BlockSwitching> out;
  for (const auto& b : d.blocks) out.push_back(BlockSwitching{b.module, 0, 0, 0});
  out.push_back(BlockSwitching{"(top)", 0, 0, 0});
  std::istringstream in(read_text(cells_txt));
  std::string path;
  double settled = 0, weight = 0;
  const std::string prefix = "qmac_etb.dut.u_";
  while (in >> path >> settled >> weight) {
    std::string block = "(top)";
    if (path.rfind(prefix, 0) == 0) block = path.substr(prefix.size(), path.find('.', prefix.size()) - prefix.size());
    auto it = std::find_if(out.begin(), out.end(), [&](const BlockSwitching& x) { return x.block == block; });
    if (it == out.end()) throw RuntimeError("gate-level simulation: a cell in an unknown block: " + path);
    it->netlist += settled / double(macs);
    it->netlist_ge += weight;
  }
  for (auto& b : out)
    for (const auto& s : model)
      if (s.component == b.block) b.model += s.toggles / double(macs);
  return out;
}

}  // namespace

SwitchedGe switched_ge(const config::Config& cfg, const std::vector<Step>& stream, const cost::GateLibrary& g,
                       const std::string& workdir, bool per_block) {
  // The MAC's datapath with its accumulator input a port: the testbench
  // closes the loop and restarts it where the stream says (Step::load).
  const Design d = generate_design(cfg, MacPorts::acc_in);
  const SynthResult r = synthesize(d, workdir);
  const std::vector<Step> timed = at_accumulator(stream, d.latency);
  const num::MacSpec spec = config::mac_spec(cfg);
  const std::vector<u128> expected = reference_run(spec, d.latency, timed);
  std::string stim;
  for (const Step& s : timed)
    stim += std::string(s.load ? "1 " : "0 ") + hex(s.a, d.a_bits) + " " + hex(s.b, d.b_bits) + " " +
            hex(s.acc, d.acc_bits) + "\n";
  write_text(workdir + "/stim.txt", stim);
  write_text(workdir + "/cells.v", cell_models(g));
  write_text(workdir + "/qmac_etb.v", energy_testbench(d));
  // The netlist's totals; its accumulator after every step must be num::Mac's
  // (the gate-level netlist ran the same stream, restarts included).
  auto result = [&](const std::string& log, double& settled, double& glitches) {
    unsigned long long steps = 0;
    if (std::sscanf(read_text(workdir + "/energy.txt").c_str(), "%llu %lf %lf", &steps, &settled, &glitches) != 3 ||
        steps != stream.size())
      throw RuntimeError("gate-level simulation did not run the whole stream (see " + workdir + "/" + log + ")");
    std::istringstream accs(read_text(workdir + "/accs.txt"));
    std::string got;
    for (size_t i = 0; i < expected.size(); ++i) {
      const std::string want = hex(expected[i], d.acc_bits);
      if (!(accs >> got) || got != want)
        throw RuntimeError(fmt::format("gate-level simulation: after step {} (output {}) the netlist's accumulator is "
                                       "{}, num::Mac's {} (see {}/accs.txt)",
                                       i, output_of(timed, i), got, want, workdir));
    }
    return steps;
  };
  simulate_icarus(workdir, "qmac_etb", {"qmac_etb.v", "cells.v", r.netlist_path}, "the netlist", "energy");
  SwitchedGe out;
  const unsigned long long steps = result("vvp_energy.log", out.settled, out.glitches);
  out.macs = steps;
  if (spec.acc.kind == num::AccKind::floating && !expected.empty()) {
    // Where a float accumulator sits at inf/NaN its register holds while the
    // adder keeps aligning and normalising every product: the regime the
    // model's register-driven rate under-prices (docs/cost-model.md section 8).
    const auto nonfinite = std::count_if(expected.begin(), expected.end(), [&](u128 raw) {
      return !std::isfinite(acc_value(spec.acc, raw).f);
    });
    out.acc_nonfinite = double(nonfinite) / double(expected.size());
  }
  out.settled /= double(steps);
  out.glitches /= double(steps);
  num::Activity act = stream_activity(spec, timed, expected);
  // Every step is a valid MAC: each of the P - 1 pipeline registers loads the
  // product node, as the engines count it into fwd_reg_toggles.
  act.fwd_reg_toggles = uint64_t(cfg.mac.pipeline_stages - 1) * act.product_toggles;
  const cost::MacCost c = cost::mac_cost(spec, cfg.mac.pipeline_stages, g);
  out.model = model_switched_ge(spec, c, g, act);
  if (per_block) {
    const std::string hier = synthesize_hierarchical(d, workdir);
    simulate_icarus(workdir, "qmac_etb", {"qmac_etb.v", "cells.v", hier}, "the hierarchical netlist", "energy_hier",
                    {"+cells"});
    double settled = 0, glitches = 0;
    result("vvp_energy_hier.log", settled, glitches);
    auto model = cost::mac_switching(spec, c, g, act);
    if (act.fwd_reg_toggles)
      model.push_back(cost::Switching{"pipeline_registers", double(act.fwd_reg_toggles) * g.ff, true});
    out.blocks = block_switching(d, workdir + "/cells.txt", steps, model);
  }
  return out;
}

}  // namespace qmac::rtl
