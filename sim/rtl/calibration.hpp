// The cost model against committed synthesis results (docs/synthesis.json, made
// by scripts/synth.sh): per config the MAC's estimate vs its netlist under a
// gate library, and each config's ratio to INT8 x INT8 -> INT32 both ways.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/cost/gates.hpp"

namespace qmac::rtl {

struct CalibrationRow {
  std::string name;
  double synth = 0, estimate = 0;              // MAC gate equivalents under the library
  double synth_ratio = 0, estimate_ratio = 0;  // to the baseline config's
  double error() const { return estimate / synth - 1; }
  double ratio_error() const { return estimate_ratio / synth_ratio - 1; }
};

// Rows for every result of the file (the estimate recomputed by the current cost
// model), ratios to the result named `baseline`.
std::vector<CalibrationRow> calibration_rows(const nlohmann::json& file, const cost::GateLibrary& g,
                                             const std::string& baseline = "int8_int32");

// Per config and block: estimate vs synthesis (markdown), for docs.
std::string calibration_markdown(const nlohmann::json& file, const std::vector<cost::GateLibrary>& libs);

// Per config: the cost model's components summed against the same blocks'
// netlists synthesised alone (the flattened MAC also optimises across blocks).
struct BlockSum {
  std::string name;
  bool float_accumulator = false;
  double estimate = 0, netlist = 0;  // over the blocks that have a component of the same name
  double unmatched_estimate = 0;     // components without a block of that name
};
std::vector<BlockSum> block_sums(const nlohmann::json& file, const cost::GateLibrary& g);

// Per component (block synthesised alone) of every config: netlist vs formula
// under one library, as a markdown table with one row per block name and one
// column per config (name: netlist / estimate).
std::string blocks_markdown(const nlohmann::json& file, const cost::GateLibrary& g);

}  // namespace qmac::rtl
