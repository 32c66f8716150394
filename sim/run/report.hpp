// Reports of `qmac run` / `qmac cost`: the human table and the JSON file.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/run/simulate.hpp"

namespace qmac::run {

// The "cost" object of cli-contract.md for a config: gates, area, and energy
// from `activity` (a simulation's), or from the static assumption when null.
// `macs`: the MACs the activity did (0: the config's GEMM, m*k*n).
nlohmann::ordered_json cost_json(const config::Config& cfg, const num::Activity* activity, uint64_t macs = 0);

// Adds the "cost" object (the cost model, with energy from the run's activity).
void add_cost(nlohmann::ordered_json& j, const Simulation& s);

// A readable summary of a run or cost JSON.
std::string table(const nlohmann::ordered_json& j);

// Writes JSON to a file by sim/io rules ("-": stdout).
void write_json(const nlohmann::ordered_json& j, const std::string& path);

}  // namespace qmac::run
