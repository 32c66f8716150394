// qmac cost: the hardware cost model alone, no simulation (cli-contract.md).
#include <iostream>

#include <fmt/format.h>

#include "models/cost/energy.hpp"
#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/config/config.hpp"
#include "sim/cost_files.hpp"
#include "sim/run/report.hpp"

namespace qmac::cli {
namespace {

int calibrate(const std::string& library) {
  const cost::GateLibrary g = load_gate_library(library);
  const auto ops = cost::horowitz_ops(g);
  const double e = cost::fit_pj_per_ge_toggle(ops);
  std::cout << fmt::format("gate library {}: fitted energy per gate-equivalent toggle e = {:.5g} pJ\n", g.name, e);
  std::cout << fmt::format("{:<12}{:>10}{:>16}{:>14}{:>10}\n", "operation", "gates", "Horowitz pJ", "model pJ",
                           "ratio");
  for (const auto& op : ops) {
    const double model = e * op.switched * op.gates;
    std::cout << fmt::format("{:<12}{:>10.0f}{:>16.3f}{:>14.3f}{:>10.2f}\n", op.name, op.gates, op.horowitz_pj, model,
                             model / op.horowitz_pj);
  }
  std::cout << fmt::format(
      "Model: E = e x switched x gates, the energy model's random operands: half the bits toggle, {} of an integer "
      "multiplier's gates (an AND plane); reference: Horowitz, ISSCC 2014, 45 nm.\n",
      cost::and_plane_density(0.5, 0.5, 0.5, 0.5));
  return 0;
}

int run_cost(const std::vector<std::string>& args) {
  po::options_description desc("cost options");
  std::string path, json_path;
  std::vector<std::string> sets;
  desc.add_options()
    ("config", po::value(&path), "config file (YAML); default: the built-in default")
    ("set", po::value(&sets)->composing(), "KEY=VALUE override of a config key by dotted path (repeatable)")
    ("json", po::value(&json_path), "write {config, cost} as JSON to FILE (- for stdout)")
    ("calibrate", "fit the energy per gate toggle to Horowitz's 45 nm energies with the config's gate library");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac cost [CONFIG.yaml] [--set KEY=VALUE ...] [--json FILE|-] [--calibrate]", &pos))
    return 0;
  const config::Config cfg = load_config_argument(vm, path, sets);
  if (vm.count("calibrate")) return calibrate(cfg.cost.gate_library);
  if (!cfg.workload.topology.empty())  // its GEMM would be the unused default, not the network
    throw InputError("workload.topology", "qmac cost prices one GEMM; expected a config without a topology (for a "
                                          "network's cost per layer without simulating: qmac run --engine analytic)");
  nlohmann::ordered_json j;
  j["config"] = config::to_json(cfg);
  j["cost"] = run::cost_json(cfg, nullptr);
  if (!json_path.empty()) run::write_json(j, json_path);
  if (json_path != "-") {
    std::cout << config::summary(cfg) << "\n" << run::table(j);
    std::cout << "  (energy: static estimate, every PE busy and half the data bits toggling per MAC; `qmac run` "
                 "measures it from the simulated activity)\n";
  }
  return 0;
}

QMAC_COMMAND("cost", "the hardware cost model alone: gates per component, area, energy (no simulation)", run_cost);

}  // namespace
}  // namespace qmac::cli
