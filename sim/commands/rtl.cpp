// qmac rtl: the reference Verilog of a config's MAC unit (models/rtl), bit-exact
// with the C++ model (tests/rtl co-simulate it), into -o DIR.
#include <filesystem>
#include <iostream>

#include "models/rtl/rtl.hpp"
#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/config/config.hpp"
#include "sim/io/files.hpp"
#include "sim/rtl/design_io.hpp"
#include "sim/rtl/tools.hpp"

namespace qmac::cli {
namespace {

int run_rtl(const std::vector<std::string>& args) {
  po::options_description desc("rtl options");
  std::string path, out_dir;
  std::vector<std::string> sets;
  desc.add_options()
    ("config", po::value(&path), "config file (YAML); default: the built-in default")
    ("set", po::value(&sets)->composing(), "KEY=VALUE override of a config key by dotted path (repeatable)")
    ("output,o", po::value(&out_dir), "folder to write qmac_mac.v, qmac_tb.v and qmac_pe.v into (created if missing; its parent must exist)");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  const std::string usage = "qmac rtl [CONFIG.yaml] [--set KEY=VALUE ...] -o DIR";
  if (!parse_args(args, desc, vm, usage, &pos)) return 0;
  if (out_dir.empty()) throw InputError("arguments", "missing -o DIR (where to write the Verilog)\nusage: " + usage);
  const config::Config cfg = path.empty() ? config::load_default(sets) : config::load(path, sets);
  const rtl::Design d = rtl::generate_design(cfg);
  rtl::prepare_output_dir(out_dir, "-o");
  std::vector<rtl::File> files = d.files;
  files.push_back(rtl::File{"qmac_tb.v", rtl::testbench(d, "stim.txt", "out.txt", "qmac_tb.vcd")});
  // The PE around the MAC, when qmac builds one for this MAC (see rtl::generate_pe).
  std::string no_pe;
  try {
    files.push_back(rtl::generate_pe_design(cfg).file);
  } catch (const InputError& e) {
    no_pe = e.what();
  }
  for (const auto& f : files) {
    io::write_file((std::filesystem::path(out_dir) / f.name).string(), f.text);
    std::cout << (std::filesystem::path(out_dir) / f.name).string() << "\n";
  }
  std::cout << "top module qmac_mac (" << d.blocks.size() << " component modules), latency " << d.latency
            << " clock(s); testbench qmac_tb reads stim.txt (CMD A B ACC per clock, hex) and writes out.txt:\n"
            << "  iverilog -g2005 -s qmac_tb -o sim.vvp qmac_tb.v qmac_mac.v && vvp -n sim.vvp\n";
  if (no_pe.empty())
    std::cout << "qmac_pe.v: the " << array::dataflow_name(cfg.array.dataflow)
              << " PE of the array (module qmac_pe, with qmac_mac.v's component modules)\n";
  else
    std::cout << "no qmac_pe.v: " << no_pe << "\n";
  return 0;
}

QMAC_COMMAND("rtl", "reference Verilog of the config's MAC unit and PE (bit-exact with the model) into a folder", run_rtl);

}  // namespace
}  // namespace qmac::cli
