// qmac minacc: the narrowest accumulator per layer and format (sim/run/network_minacc.hpp).
#include <iostream>
#include <sstream>

#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/config/config.hpp"
#include "sim/errors.hpp"
#include "sim/run/network_cli.hpp"
#include "sim/run/network_minacc.hpp"
#include "sim/run/report.hpp"

namespace qmac::cli {
namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

int run_minacc(const std::vector<std::string>& args) {
  po::options_description desc("minacc options");
  std::string path, json_path, topology, formats, kinds, layers = "*";
  double tolerance = 0.1;
  std::vector<std::string> sets;
  desc.add_options()
    ("config", po::value(&path), "config file (YAML); default: the built-in default")
    ("set", po::value(&sets)->composing(), "KEY=VALUE override of a config key by dotted path (repeatable)")
    ("topology", po::value(&topology), "search every layer of a network (as `qmac run --topology`)")
    ("formats", po::value(&formats), "operand formats, comma-separated (mac.a = mac.b = each); default int8,fp8_e4m3,fp8_e5m2")
    ("kinds", po::value(&kinds), "accumulator kinds to search: int, fixed, float (comma-separated); default all that apply")
    ("layers", po::value(&layers), "glob on layer names (default *)")
    ("tolerance-db", po::value(&tolerance), "SQNR loss allowed against an exact accumulator (default 0.1 dB)")
    ("json", po::value(&json_path), "write the results as JSON to FILE (- for stdout)");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm,
                  "qmac minacc [CONFIG.yaml] [--set KEY=VALUE ...] [--topology FILE] [--formats F,...] "
                  "[--kinds int,fixed,float] [--layers GLOB] [--tolerance-db X] [--json FILE|-]",
                  &pos))
    return 0;
  run::MinaccOptions opt;
  if (vm.count("formats")) {
    opt.formats = split_list(formats);
    if (opt.formats.empty()) throw InputError("argument --formats", "is empty; expected format names, e.g. int8,fp8_e4m3");
    for (const auto& f : opt.formats) parse_arg("--formats", [&] { return num::parse_format(f); });
  }
  if (vm.count("kinds")) {
    opt.kinds = split_list(kinds);
    for (const auto& k : opt.kinds)
      if (k != "int" && k != "fixed" && k != "float")
        throw InputError("argument --kinds", "'" + k + "' is not an accumulator kind; expected int, fixed or float");
  }
  if (!(tolerance >= 0 && tolerance < 100))
    throw InputError("argument --tolerance-db", "expected a number of dB in [0, 100)");
  opt.tolerance_db = tolerance;
  opt.layers = layers;
  if (!topology.empty()) add_topology_sets(topology, sets);
  const config::Config cfg = load_config_argument(vm, path, sets);
  run::JsonOutput out(json_path);
  const auto j = run::run_minacc(config::read_recipe(vm.count("config") ? path : "", sets), cfg, opt);
  out.write(j);
  if (json_path != "-") std::cout << config::summary(cfg) << "\n" << run::minacc_table(j);
  return 0;
}

QMAC_COMMAND("minacc", "the narrowest accumulator per layer and format within 0.1 dB of an exact one", run_minacc);

}  // namespace
}  // namespace qmac::cli
