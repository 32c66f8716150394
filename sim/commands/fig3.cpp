// qmac fig3: the paper's Fig. 3 (van Baalen et al., arXiv 2303.17951) recomputed
// by the cost model — 15 bars (INT8, FP8-E2..E5 x fixed / FP16 / FP32
// accumulators) with their multiplier / align+add / normalise+accumulate split,
// next to the published chart readings (../shared/reference/published-numbers.md
// section 1, tabulated in models/cost/fig3.cpp). Every qmac number comes from
// cost::fig3_bars(); the paper's come from that table.
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/cost/fig3.hpp"
#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/cost_files.hpp"
#include "sim/run/report.hpp"

namespace qmac::cli {
namespace {

double group(const cost::Fig3Bar& b, const char* name) {
  const auto it = b.groups.find(name);
  return it == b.groups.end() ? 0.0 : it->second;
}

int run_fig3(const std::vector<std::string>& args) {
  po::options_description desc("fig3 options");
  std::string library = "paper", json_path;
  desc.add_options()
    ("library", po::value(&library), "gate library: a shipped name (paper, nangate45) or a YAML path")
    ("json", po::value(&json_path), "write the bars as JSON to FILE (- for stdout)");
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac fig3 [--library NAME|FILE] [--json FILE|-]")) return 0;
  const cost::GateLibrary lib = load_gate_library(library);
  const auto bars = cost::fig3_bars(lib);
  // Ratios are to each side's own INT8 + fixed bar (the paper's first bar).
  const double base = bars.front().gates, paper_base = bars.front().paper_gates;

  nlohmann::ordered_json j;
  j["gate_library"] = lib.name;
  j["gate_library_source"] = lib.source;
  j["paper"] = "van Baalen et al., arXiv 2303.17951, Fig. 3 (chart readings, about +-15 gates; "
               "shared/reference/published-numbers.md section 1)";
  j["bars"] = nlohmann::ordered_json::array();
  for (const auto& b : bars) {
    nlohmann::ordered_json o;
    o["input"] = b.input;
    o["input_format"] = b.spec.a.name;
    o["accumulator"] = b.accumulator;
    o["accumulator_spec"] = b.spec.acc.describe();
    o["gates"] = b.gates;
    o["multiplier"] = group(b, cost::kMultiplier);
    o["align_add"] = group(b, cost::kAlignAdd);
    o["normalize_accumulate"] = group(b, cost::kNormalizeAccumulate);
    o["ratio"] = b.gates / base;
    o["paper_gates"] = b.paper_gates;
    o["paper_ratio"] = b.paper_gates / paper_base;
    o["rel_diff"] = b.gates / b.paper_gates - 1.0;
    j["bars"].push_back(o);
  }
  if (!json_path.empty()) run::write_json(j, json_path);
  if (json_path == "-") return 0;

  std::cout << fmt::format("Fig. 3 of arXiv 2303.17951: gates per MAC, gate library '{}'\n", lib.name);
  std::cout << fmt::format("{:<7} {:<6} {:<34} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7} {:>6} {:>6}\n", "input", "acc",
                           "accumulator", "mult", "align", "norm", "qmac", "paper", "diff", "ratio", "paper");
  for (const auto& o : j["bars"]) {
    std::cout << fmt::format(
        "{:<7} {:<6} {:<34} {:>6.0f} {:>6.0f} {:>6.0f} {:>7.0f} {:>7.0f} {:>+6.1f}% {:>5.2f}x {:>5.2f}x\n",
        o["input"].get<std::string>(), o["accumulator"].get<std::string>(),
        o["accumulator_spec"].get<std::string>(), o["multiplier"].get<double>(), o["align_add"].get<double>(),
        o["normalize_accumulate"].get<double>(), o["gates"].get<double>(), o["paper_gates"].get<double>(),
        100 * o["rel_diff"].get<double>(), o["ratio"].get<double>(), o["paper_ratio"].get<double>());
  }
  std::cout << "mult / align / norm: multiplier, align+add, normalise+accumulate groups (qmac); ratio: to INT8 + fixed.\n"
               "Paper values: chart readings (+-15 gates) from shared/reference/published-numbers.md section 1.\n";
  return 0;
}

QMAC_COMMAND("fig3", "the paper's Fig. 3 (gates per MAC, INT8 vs FP8) recomputed by the cost model", run_fig3);

}  // namespace
}  // namespace qmac::cli
