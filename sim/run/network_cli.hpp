// `qmac run --topology FILE` (or a config with workload.topology): the command's
// network path, kept out of sim/commands/run.cpp.
#pragma once

#include <string>
#include <vector>

#include "sim/config/config.hpp"

namespace qmac::cli {

// --topology FILE as overrides: it replaces the config's GEMM with the network.
void add_topology_sets(const std::string& topology, std::vector<std::string>& sets);

// Runs the network of cfg (loaded from recipe); the other arguments are run's
// options (--engine applies to every layer; --vcd and --save-tensors are refused:
// a waveform or tensors of every layer is not what they mean). `threads`: host
// threads of each layer's simulation (each of `jobs` workers).
int run_topology(config::Recipe recipe, const config::Config& cfg, const std::string& engine,
                 const std::string& json_path, const std::string& vcd, const std::string& tensors_dir, int jobs = 1,
                 int threads = 1);

// `qmac validate` of a network config: loads the topology and derives every
// layer's config; returns ", N layers" for the summary line.
std::string validate_network(const std::string& path, const std::vector<std::string>& sets, const config::Config& cfg);

}  // namespace qmac::cli
