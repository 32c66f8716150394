// `qmac synth`'s report: the synthesised MAC and its blocks priced under every
// gate library, next to the cost model's estimate of the same components.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/config.hpp"
#include "sim/rtl/synth.hpp"

namespace qmac::rtl {

// Shipped gate libraries (configs/gates/*.yaml), plus `extra` when it is a path.
std::vector<cost::GateLibrary> report_libraries(const std::string& extra);

nlohmann::ordered_json synth_json(const config::Config& cfg, const SynthResult& r,
                                  const std::vector<cost::GateLibrary>& libs);
std::string synth_table(const nlohmann::ordered_json& j);

// The config's mac.* keys as --set overrides ("mac.a=fp8_e4m3", ...): enough to
// rebuild the MAC from the JSON (tests/rtl/calibration_test.cpp does).
std::vector<std::string> mac_sets(const config::Config& cfg);

// The building-block cells of the cost formulas (and2, or2, ao21, oa21, mux2,
// xor2, ha, fa, ff), each synthesised alone through the flow and priced under
// every library: what `cells:` of configs/gates/yosys.yaml states.
nlohmann::ordered_json formula_cells_json(const std::vector<cost::GateLibrary>& libs, const std::string& workdir);

}  // namespace qmac::rtl
