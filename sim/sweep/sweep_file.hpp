// The sweep file (docs/cli-contract.md, "Sweep file"): a base config, fixed
// overrides, and axes whose cartesian product is the set of points.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace qmac::sweep {

// One `--set key=value` override; value is YAML text (a scalar or flow node).
struct Override {
  std::string key;
  std::string value;
};

struct Point {
  size_t id = 0;                    // 0-based, stable: the position in the documented order
  std::vector<Override> overrides;  // the swept keys of this point, axis by axis
};

struct SweepFile {
  std::string path;                 // the sweep file itself
  std::string base;                 // resolved base config path; empty = the built-in default
  std::string command = "run";      // run | cost | qerror (keys are then qerror options: format, dist, ...)
  std::vector<Override> fixed;      // `set:`
  std::vector<std::string> columns; // swept keys in column order (group axes contribute their keys)
  std::vector<Point> points;        // cartesian product; the LAST axis varies fastest
};

// Parses and validates a sweep file; errors are qmac::InputError with
// file:line:column. `base` is looked up relative to the current directory,
// then to the sweep file's directory.
SweepFile load_sweep_file(const std::string& path);

}  // namespace qmac::sweep
