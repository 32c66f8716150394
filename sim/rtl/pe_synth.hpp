// Synthesis of the config's PE (qmac_pe: forwarding, stationary and valid
// registers around the MAC with PE ports) against the cost model's PE.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/gates.hpp"
#include "sim/config/config.hpp"

namespace qmac::rtl {

// Synthesises qmac_pe and qmac_mac (each flattened, the flow of synth.hpp) in
// `workdir`; per library: the netlists' gate equivalents against the cost
// model's pe_gates, mac_gates and the PE's components beyond the MAC
// (cost::add_pe as a run prices them). An InputError for a config qmac builds
// no PE for.
nlohmann::ordered_json pe_synth_json(const config::Config& cfg, const std::vector<cost::GateLibrary>& libs,
                                     const std::string& workdir);
std::string pe_synth_table(const nlohmann::ordered_json& j);

}  // namespace qmac::rtl
