// Runs the points of a sweep, each in its own `qmac run|cost` child process (a
// SystemC design elaborates once per process), -j at a time.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/sweep_file.hpp"

namespace qmac::sweep {

struct SweepOptions {
  std::string out_csv;         // results; OUT.jsonl (OUT.csv with .jsonl) holds the full JSON per point
  int jobs = 1;
  bool resume = false;
  bool retry_failed = false;   // with resume: points whose row records an error run again
  size_t shard_index = 0;      // --shard I/N runs the points with id % N == I (0-based)
  size_t shard_count = 1;
  std::string qmac_exe;        // the executable to run points with (default: this one)
};

// The points of this shard, in order.
std::vector<const Point*> shard_points(const SweepFile& sw, size_t index, size_t count);

// argv of the child that runs one point (its JSON written to json_path; empty: none).
std::vector<std::string> point_command(const SweepFile& sw, const Point& p, const std::string& exe,
                                       const std::string& json_path);

// Result keys (dotted paths into the run/cost JSON) that become CSV columns.
const std::vector<std::string>& result_columns(const std::string& command);

// The JSON-lines path beside a CSV path (results.csv -> results.jsonl).
std::string jsonl_path_for(const std::string& csv_path);
// The sweep definition's fingerprint beside a CSV path (results.sweep.json).
std::string definition_path_for(const std::string& csv_path);

// Runs the sweep; returns the exit code (0 all ok, 1 some points failed).
int run_sweep(const SweepFile& sw, const SweepOptions& opt);

}  // namespace qmac::sweep
