// qmac synth: the reference RTL of the config's MAC synthesised with Yosys + ABC
// (one gate set for every config, docs/rtl.md), the whole MAC and each component
// block alone, priced under every gate library next to the cost model's estimate.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/config/config.hpp"
#include "sim/io/files.hpp"
#include "sim/cost_files.hpp"
#include "sim/rtl/calibration.hpp"
#include "sim/rtl/design_io.hpp"
#include "sim/rtl/gate_energy.hpp"
#include "sim/rtl/pe_synth.hpp"
#include "sim/rtl/synth_report.hpp"
#include "sim/rtl/tools.hpp"
#include "sim/run/report.hpp"

namespace qmac::cli {
namespace {

namespace fs = std::filesystem;

// A synthesis results file (scripts/synth.sh writes about 225 KB for its 30
// configs) is read whole, so it must be a regular file of at most this many
// bytes: a device or FIFO (a typo naming /dev/zero) is refused before reading,
// not read up to the general results limit of 1 GiB.
constexpr size_t kMaxCalibrationInput = size_t{64} << 20;

std::string read_calibration_file(const std::string& file) {
  std::error_code ec;
  const fs::file_status st = fs::status(file, ec);
  if (!ec && fs::exists(st) && !fs::is_regular_file(st))
    throw InputError("argument --calibration",
                     "'" + file + "' is not a regular file; expected the JSON results file of scripts/synth.sh");
  return io::read_file(file, kMaxCalibrationInput, "synthesis results file");
}

int run_synth(const std::vector<std::string>& args) {
  po::options_description desc("synth options");
  std::string path, json_path, keep;
  std::vector<std::string> sets;
  desc.add_options()
    ("config", po::value(&path), "config file (YAML); default: the built-in default")
    ("set", po::value(&sets)->composing(), "KEY=VALUE override of a config key by dotted path (repeatable)")
    ("json", po::value(&json_path), "write the cells and gate equivalents as JSON to FILE (- for stdout)")
    ("keep", po::value(&keep), "keep the Verilog, Yosys script, logs and gate-level netlist in folder DIR")
    ("cells", "synthesise the formulas' building-block cells (and2 ... fa, ff) alone and price them")
    ("calibration", po::value<std::string>(), "print estimate vs netlist tables (markdown) for a results FILE of scripts/synth.sh")
    ("blocks", "with --calibration: the per-block table under the config's gate library; with --energy: switching per "
               "block, measured on the hierarchical netlist, next to the model's per-component figure")
    ("energy", po::value<std::string>()->implicit_value("normal,zeros,outliers"),
     "switched gate equivalents per MAC: the netlist simulated on these data kinds vs the cost model's activity figure")
    ("pe", "synthesise the config's PE (array.dataflow, array.double_buffer: qmac rtl's qmac_pe) vs the cost model's PE");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac synth [CONFIG.yaml] [--set KEY=VALUE ...] [--json FILE|-] [--keep DIR] [--cells | --pe]", &pos))
    return 0;
  const config::Config cfg = path.empty() ? config::load_default(sets) : config::load(path, sets);
  if (vm.count("blocks") && !vm.count("calibration") && !vm.count("energy"))
    throw InputError("argument --blocks", "goes with --calibration FILE or --energy (a per-block table of either)");
  if (vm.count("pe")) {
    for (const char* other : {"cells", "calibration", "blocks", "energy"})
      if (vm.count(other))
        throw InputError("argument --pe", std::string("cannot be combined with --") + other +
                                              " (--pe synthesises the PE; run the other report separately)");
    const auto libs = rtl::report_libraries(cfg.cost.gate_library);
    rtl::generate_pe_design(cfg);  // a config without a PE fails here, before any file is opened
    run::JsonOutput out(json_path);
    if (!keep.empty()) rtl::prepare_output_dir(keep, "--keep");
    rtl::ScratchDir scratch("qmac_synth_pe_");
    const auto j = rtl::pe_synth_json(cfg, libs, keep.empty() ? scratch.path() : keep);
    out.write(j);
    if (json_path != "-") std::cout << rtl::pe_synth_table(j);
    return 0;
  }
  if (vm.count("calibration")) {
    const std::string file = vm["calibration"].as<std::string>();
    nlohmann::json results;
    try {
      results = nlohmann::json::parse(read_calibration_file(file));
    } catch (const nlohmann::json::exception& e) {
      throw InputError("argument --calibration", file + " is not a JSON results file: " + e.what());
    }
    if (vm.count("blocks")) {
      std::cout << rtl::blocks_markdown(results, load_gate_library(cfg.cost.gate_library));
    } else {
      std::vector<cost::GateLibrary> libs{load_gate_library("yosys"), load_gate_library("paper")};
      std::cout << rtl::calibration_markdown(results, libs);
    }
    return 0;
  }
  if (vm.count("energy")) {
    // Every kind is checked, and the JSON file opened, before anything is
    // printed or the first netlist is simulated.
    const std::string kinds_arg = vm["energy"].as<std::string>();
    std::vector<std::string> kinds;
    for (size_t at = 0; at <= kinds_arg.size();) {
      const size_t comma = std::min(kinds_arg.find(',', at), kinds_arg.size());
      const std::string kind = kinds_arg.substr(at, comma - at);
      at = comma + 1;
      if (kind != "normal" && kind != "zeros" && kind != "outliers")
        throw InputError("argument --energy", "'" + kind + "' is not a data kind; expected normal, zeros or outliers "
                                              "(comma-separated)");
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
    }
    const cost::GateLibrary g = load_gate_library(cfg.cost.gate_library);
    run::JsonOutput out(json_path);
    nlohmann::ordered_json j;
    j["config"] = rtl::mac_sets(cfg);
    j["gate_library"] = g.name;
    j["stream"] = "output-stationary PE: 8 x 4 outputs of K = 64 (2048 MACs), each from a zero accumulator, operands "
                  "generated and quantised as qmac run";
    const bool table = !out.to_stdout();  // --json -: the JSON alone on stdout
    if (table)
      std::cout << "switched gate equivalents per MAC (library " << g.name
                << "): model | netlist settled | netlist with unit-delay glitches\n";
    for (const auto& kind : kinds) {
      const auto stream = rtl::data_stream(cfg, kind, 8, 64, 4);
      rtl::ScratchDir scratch("qmac_energy_");
      const bool per_block = vm.count("blocks") > 0;
      const auto e = rtl::switched_ge(cfg, stream, g, scratch.path(), per_block);
      j["data"][kind] = {{"macs", e.macs}, {"model", e.model}, {"netlist_settled", e.settled},
                         {"netlist_glitches", e.glitches}, {"accumulator_nonfinite_fraction", nullptr}};
      if (e.acc_nonfinite) j["data"][kind]["accumulator_nonfinite_fraction"] = *e.acc_nonfinite;
      if (table)
        std::cout << "  " << kind << ": " << e.model << " | " << e.settled << " | " << e.glitches
                  << (e.acc_nonfinite.value_or(0) > 0
                          ? fmt::format(" (accumulator inf/NaN after {:.3g} % of MACs)", 100 * *e.acc_nonfinite)
                          : std::string())
                  << "\n";
      if (!per_block) continue;
      // Per block: the hierarchical netlist (module boundaries kept), settled.
      auto& blocks = j["data"][kind]["blocks"] = nlohmann::ordered_json::array();
      double total = 0;
      for (const auto& b : e.blocks) {
        blocks.push_back({{"block", b.block}, {"netlist_settled", b.netlist}, {"netlist_ge", b.netlist_ge},
                          {"model", b.model}});
        total += b.netlist;
      }
      j["data"][kind]["netlist_hierarchical_settled"] = total;
      if (!table) continue;
      std::cout << fmt::format("    {:<26} {:>9} {:>9} {:>9} {:>11}\n", "block (hierarchical netlist)", "netlist",
                               "model", "block GE", "netlist/GE");
      for (const auto& b : e.blocks)
        std::cout << fmt::format("    {:<26} {:>9.1f} {:>9.1f} {:>9.1f} {:>11.3f}\n", b.block, b.netlist, b.model,
                                 b.netlist_ge, b.netlist_ge > 0 ? b.netlist / b.netlist_ge : 0.0);
      std::cout << fmt::format("    {:<26} {:>9.1f} {:>9.1f}\n", "total", total, e.model);
    }
    out.write(j);
    return 0;
  }
  if (vm.count("cells")) {
    const auto libs = rtl::report_libraries(cfg.cost.gate_library);
    run::JsonOutput out(json_path);
    rtl::ScratchDir scratch("qmac_synth_");
    const auto j = rtl::formula_cells_json(libs, scratch.path());
    out.write(j);
    if (json_path == "-") return 0;
    std::cout << "Formula cells synthesised alone (" << j["flow"].get<std::string>() << "):\n";
    for (auto it = j["cells"].begin(); it != j["cells"].end(); ++it) {
      std::cout << "  " << it.key() << ":";
      for (auto g = it.value()["ge"].begin(); g != it.value()["ge"].end(); ++g)
        std::cout << " " << g.key() << " " << g.value().get<double>();
      std::cout << "   netlist " << it.value()["netlist"].dump() << "\n";
    }
    return 0;
  }
  const rtl::Design d = rtl::generate_design(cfg);
  const auto libs = rtl::report_libraries(cfg.cost.gate_library);
  run::JsonOutput out(json_path);  // before --keep's folder is made: a failed open leaves nothing behind
  if (!keep.empty()) rtl::prepare_output_dir(keep, "--keep");
  rtl::ScratchDir scratch("qmac_synth_");
  const std::string work = keep.empty() ? scratch.path() : keep;
  const rtl::SynthResult r = rtl::synthesize(d, work);
  const auto j = rtl::synth_json(cfg, r, libs);
  out.write(j);
  if (json_path != "-") std::cout << rtl::synth_table(j);
  return 0;
}

QMAC_COMMAND("synth", "synthesise the config's MAC RTL with Yosys: cells and gate equivalents per block vs the cost model",
             run_synth);

}  // namespace
}  // namespace qmac::cli
