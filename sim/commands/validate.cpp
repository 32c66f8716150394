// qmac validate: check a config (and --set overrides) without running it.
// Exit 0 with a one-line summary, or 2 with file:line:column and what was expected.
#include <iostream>

#include "sim/cli.hpp"
#include "sim/cli_options.hpp"
#include "sim/config/config.hpp"
#include "sim/run/network_cli.hpp"

namespace qmac::cli {
namespace {

int run_validate(const std::vector<std::string>& args) {
  po::options_description desc("validate options");
  std::string path, topology;
  std::vector<std::string> sets;
  desc.add_options()
    ("config", po::value(&path), "the config file (YAML); default: the built-in default, as `qmac run`")
    ("set", po::value(&sets)->composing(), "KEY=VALUE override of a config key by dotted path (repeatable)")
    ("topology", po::value(&topology), "a network, as `qmac run --topology`: checks every layer's config");
  po::positional_options_description pos;
  pos.add("config", 1);
  po::variables_map vm;
  if (!parse_args(args, desc, vm, "qmac validate [CONFIG.yaml] [--set KEY=VALUE ...] [--topology FILE]", &pos))
    return 0;
  if (!topology.empty()) add_topology_sets(topology, sets);
  const config::Config c = load_config_argument(vm, path, sets);
  // A network: the topology and every layer's config (with every policy rule that may apply).
  const std::string layers =
      c.workload.topology.empty() ? "" : validate_network(vm.count("config") ? path : "", sets, c);
  std::cout << (path.empty() ? "<default>" : path) << ": ok: " << config::summary(c) << layers << "\n";
  return 0;
}

QMAC_COMMAND("validate", "check a config file (and --set overrides) without running it", run_validate);

}  // namespace
}  // namespace qmac::cli
