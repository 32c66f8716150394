// qmac run: simulate one configured GEMM on the systolic array (cli-contract.md).
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/config/config.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"
#include "sim/run/memory_report.hpp"
#include "sim/run/network_cli.hpp"
#include "sim/run/report.hpp"
#include "sim/run/simulate.hpp"
#include "sim/run/threads.hpp"

namespace qmac::cli {
namespace {

int run_run(const std::vector<std::string>& args) {
  po::options_description desc("run options");
  std::string path, engine, json_path, vcd, tensors_dir, threads, topology;
  int jobs = 1;
  std::vector<std::string> sets;
  desc.add_options()
    ("config", po::value(&path), "config file (YAML); default: the built-in default (see --print-config)")
    ("set", po::value(&sets)->composing(), "KEY=VALUE override of a config key by dotted path (repeatable)")
    ("engine", po::value(&engine), "fast | pe | analytic (default: the config's engine, fast); analytic: cycles, "
                                    "memory and cost from the schedule, no simulation, no accuracy")
    ("json", po::value(&json_path), "write the results as JSON to FILE (- for stdout)")
    ("vcd", po::value(&vcd), "write a VCD waveform of the traced PEs (trace.pes, trace.cycles) to FILE")
    ("save-tensors", po::value(&tensors_dir), "write a.npy, b.npy (dequantised inputs) and c.npy (output) to DIR")
    ("threads", po::value(&threads), "host threads (default: $QMAC_THREADS, else every core); results are the same for any number")
    ("topology", po::value(&topology), "run a network instead of the config's GEMM: a SCALE-Sim conv or GEMM CSV, a "
                                        "YAML topology or a shipped network's name (sets workload.topology, replaces "
                                        "workload.gemm)")
    ("jobs,j", po::value(&jobs), "with a topology: layers simulated at once, each in its own process (default 1; "
                                  "the results do not depend on it; each gets threads / N threads)")
    ("print-config", "print the fully resolved config as YAML and exit");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm,
                  "qmac run [CONFIG.yaml] [--set KEY=VALUE ...] [--topology FILE|NAME] [--engine fast|pe|analytic] "
                  "[--json FILE|-] [--vcd FILE] [--save-tensors DIR] [--threads N] [-j N] [--print-config]",
                  &pos))
    return 0;
  for (const char* opt : {"json", "vcd", "save-tensors", "engine"})
    if (vm.count(opt) && vm[opt].as<std::string>().empty())
      throw InputError(std::string("argument --") + opt, "is empty; expected a value");

  const int host_threads = run::resolve_threads(vm.count("threads") ? &threads : nullptr);
  const bool threads_chosen = vm.count("threads") || std::getenv("QMAC_THREADS");
  if (!topology.empty()) add_topology_sets(topology, sets);
  config::Config cfg = load_config_argument(vm, path, sets);
  if (!cfg.workload.topology.empty() && !vm.count("print-config"))
    return run_topology(config::read_recipe(vm.count("config") ? path : "", sets), cfg, engine, json_path, vcd,
                        tensors_dir, jobs, threads_chosen ? host_threads : std::max(1, host_threads / std::max(1, jobs)));
  if (vm.count("jobs")) throw InputError("argument --jobs", "applies to a topology's layers; expected --topology with it");
  if (!engine.empty()) cfg.engine = parse_arg("--engine", [&] { return array::parse_engine(engine); });
  if (!vcd.empty()) cfg.trace.vcd = vcd;
  if (vm.count("print-config")) {
    std::cout << config::to_yaml(cfg);
    return 0;
  }
  if (cfg.engine == array::Engine::analytic) {
    if (!cfg.trace.vcd.empty()) throw InputError("argument --vcd", "the analytic engine has no waveforms; use --engine pe");
    if (!tensors_dir.empty())
      throw InputError("argument --save-tensors", "the analytic engine computes no tensors; use --engine fast or pe");
    run::JsonOutput out(json_path);
    const auto j = run::analytic_json(cfg);
    out.write(j);
    if (json_path != "-") std::cout << config::summary(cfg) << "\n" << run::table(j);
    return 0;
  }
  array::TraceOptions trace;
  const bool tracing = !cfg.trace.vcd.empty();
  if (tracing) {
    // Waveforms need per-PE signals: the pe engine (bit- and cycle-identical to fast).
    if (cfg.engine == array::Engine::fast) {
      if (!engine.empty())
        throw InputError("argument --vcd", "waveforms come from the pe engine's signals; drop --engine fast");
      std::cerr << "qmac run: tracing with the pe engine (identical outputs and cycles to fast)\n";
      cfg.engine = array::Engine::pe;
    }
    trace = config::trace_options(cfg);
  }
  // The config checked the engine it names; the command line may have switched it.
  if (cfg.engine == array::Engine::pe && (long long)cfg.array.rows * cfg.array.cols > array::kMaxPeEnginePes)
    throw InputError(engine.empty() ? "argument --vcd" : "argument --engine",
                     "the pe engine takes at most " + std::to_string(array::kMaxPeEnginePes) +
                         " PEs (256 x 256), the array has " +
                         std::to_string((long long)cfg.array.rows * cfg.array.cols) +
                         "; expected a smaller array (waveforms need the pe engine)");

  // Output files are opened before the simulation (an unwritable path fails
  // now, not after it) and replace their targets only when complete.
  run::JsonOutput json_out(json_path);
  std::unique_ptr<io::OutputFile> vcd_file;
  if (tracing) {
    vcd_file = std::make_unique<io::OutputFile>(cfg.trace.vcd);
    trace.vcd_fd = vcd_file->fd();
  }
  if (!tensors_dir.empty()) io::check_output_dir(tensors_dir, "--save-tensors");

  run::Simulation sim = run::simulate(cfg, tracing ? &trace : nullptr, host_threads);
  sim.profile.start("cost");
  auto j = run::to_json(sim);
  run::add_cost(j, sim);
  if (vcd_file) vcd_file->commit();
  sim.profile.stop();
  if (run::profile_requested()) std::cerr << sim.profile.text() << "\n";
  if (!tensors_dir.empty()) run::save_tensors(sim, tensors_dir);
  json_out.write(j);
  if (json_path != "-") std::cout << config::summary(cfg) << "\n" << run::table(j);
  return 0;
}

QMAC_COMMAND("run", "simulate a quantised GEMM on the systolic array: cycles, accuracy, cost", run_run);

}  // namespace
}  // namespace qmac::cli
