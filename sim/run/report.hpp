// Reports of `qmac run` / `qmac cost`: the human table and the JSON file.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "models/cost/mac_cost.hpp"

#include "sim/io/files.hpp"
#include "sim/run/simulate.hpp"

namespace qmac::run {

// The "cost" object of cli-contract.md for a config: gates, area, and energy
// from `activity` (a simulation's), or from the static assumption when null.
// `macs`: the MACs the activity did (0: the config's GEMM, m*k*n).
nlohmann::ordered_json cost_json(const config::Config& cfg, const num::Activity* activity, uint64_t macs = 0);
// How the config's array uses its PEs (cost::add_pe).
cost::PeShape pe_shape(const config::Config& cfg);

// Adds the "cost" object (the cost model, with energy from the run's activity).
void add_cost(nlohmann::ordered_json& j, const Simulation& s);

// A readable summary of a run or cost JSON.
std::string table(const nlohmann::ordered_json& j);

// Writes JSON to a file by sim/io rules ("-": stdout).
void write_json(const nlohmann::ordered_json& j, const std::string& path);

// A --json destination opened before a command does its work, so that an
// unwritable path fails at once instead of after a long simulation or
// synthesis; the file replaces its target only when write() completes (sim/io
// rules). "" is no JSON, "-" standard output.
class JsonOutput {
 public:
  explicit JsonOutput(std::string path);
  ~JsonOutput();
  JsonOutput(const JsonOutput&) = delete;
  JsonOutput& operator=(const JsonOutput&) = delete;
  bool none() const { return path_.empty(); }
  bool to_stdout() const { return path_ == "-"; }
  // Writes j and commits the file (nothing for "").
  void write(const nlohmann::ordered_json& j);

 private:
  std::string path_;
  std::unique_ptr<io::OutputFile> file_;
};

}  // namespace qmac::run
