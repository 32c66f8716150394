// The RTL of a config, and the folders qmac rtl / qmac synth write into.
#pragma once

#include <string>

#include "models/rtl/rtl.hpp"
#include "sim/config/config.hpp"

namespace qmac::rtl {

// The MAC of the config (mac.*); a spec the generator cannot build is an
// InputError naming the config key (exit 2). `ports`: as generate_mac.
Design generate_design(const config::Config& cfg, MacPorts ports = MacPorts::mac);

// The PE of the config (mac.*, array.dataflow, array.double_buffer), the
// RtlError of a PE qmac does not build as an InputError naming the key.
PeDesign generate_pe_design(const config::Config& cfg);

// Makes `dir` ready for writing named files: creates it if missing (only it,
// never its parents: a missing parent is an InputError naming `option`); an
// existing non-folder is an InputError too. Files already in it are kept
// unless the caller overwrites them by name.
void prepare_output_dir(const std::string& dir, const std::string& option);

}  // namespace qmac::rtl
