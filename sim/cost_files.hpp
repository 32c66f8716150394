// Gate libraries and technologies from YAML: shipped names (configs/gates/NAME.yaml,
// configs/tech/NAME.yaml) or paths. Errors name file:line:column.
#pragma once

#include <string>
#include <vector>

#include "models/cost/energy.hpp"
#include "models/cost/gates.hpp"
#include "models/memory/energy.hpp"

namespace qmac {

// `name_or_path`: a shipped name (e.g. "paper", "nangate45") or a path to a YAML
// file (anything containing '/' or ending in .yaml). Shipped files are looked
// up in $QMAC_CONFIGS, then relative to the running executable (install prefix
// share/qmac/configs, or a build tree inside the source tree), then the source
// tree qmac was built from, then ./configs (see config_roots in cost_files.cpp).
cost::GateLibrary load_gate_library(const std::string& name_or_path);
cost::Technology load_technology(const std::string& name_or_path);
// The technology file's `memory` section (SRAM and DRAM energies per byte).
memory::MemoryEnergy load_memory_energy(const std::string& name_or_path);

// The path of the shipped configs/KIND/NAME.yaml (looked up as above), or "" when none has it.
std::string find_shipped(const std::string& kind, const std::string& name);

// The shipped names in a configs/ subfolder ("gates" or "tech").
std::vector<std::string> shipped_names(const std::string& kind);

}  // namespace qmac
