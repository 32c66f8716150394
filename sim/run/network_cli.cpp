#include "sim/run/network_cli.hpp"

#include <unistd.h>

#include <iostream>

#include "sim/errors.hpp"
#include "sim/run/network.hpp"
#include "sim/run/report.hpp"

namespace qmac::cli {

namespace {

std::string yaml_single_quoted(const std::string& s) {
  std::string q = "'";
  for (char ch : s) q += ch == '\'' ? std::string("''") : std::string(1, ch);
  return q + "'";
}

}  // namespace

void add_topology_sets(const std::string& topology, std::vector<std::string>& sets) {
  sets.push_back("workload.gemm=null");
  sets.push_back("workload.topology=" + yaml_single_quoted(topology));
}

int run_topology(config::Recipe recipe, const config::Config& cfg, const std::string& engine,
                 const std::string& json_path, const std::string& vcd, const std::string& tensors_dir, int jobs,
                 int threads) {
  if (jobs < 1 || jobs > 256) throw InputError("argument --jobs", std::to_string(jobs) + " is out of range; expected 1..256");
  if (!vcd.empty() || !cfg.trace.vcd.empty())
    throw InputError(vcd.empty() ? "trace.vcd" : "argument --vcd",
                     "waveforms trace one GEMM; expected no --vcd / trace.vcd with a topology (run one layer's "
                     "shape as a single GEMM to trace it)");
  if (!tensors_dir.empty())
    throw InputError("argument --save-tensors", "saves one GEMM's tensors; expected no --save-tensors with a topology");
  if (!engine.empty()) {
    if (engine != "fast" && engine != "pe" && engine != "analytic")
      throw InputError("argument --engine", "'" + engine + "' is not an engine; expected fast, pe or analytic");
    recipe.sets.push_back("engine=" + engine);
  }
  run::NetworkOptions opt;
  opt.progress = ::isatty(2);
  opt.jobs = jobs;
  opt.threads = threads;
  run::JsonOutput out(json_path);
  const config::Config run_cfg = config::load(recipe);  // with --engine: the header names the engine that ran
  const auto j = run::run_network(recipe, run_cfg, opt);
  out.write(j);
  if (json_path != "-") std::cout << config::summary(run_cfg) << "\n" << run::network_table(j);
  return 0;
}

std::string validate_network(const std::string& path, const std::vector<std::string>& sets, const config::Config& cfg) {
  const workload::Topology t = run::check_network(config::read_recipe(path, sets), cfg);
  uint64_t macs = 0;
  for (const auto& L : t.layers) macs += L.macs() * L.repeat;
  return ", " + std::to_string(t.layers.size()) + " layers, " + std::to_string(macs) + " MACs";
}

}  // namespace qmac::cli
