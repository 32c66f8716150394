// The sweep file (docs/cli-contract.md, "Sweep file"): a base config, fixed
// overrides, and axes whose cartesian product is the set of points.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace qmac::sweep {

// One `--set key=value` override; value is YAML text (a scalar or flow node).
struct Override {
  std::string key;
  std::string value;
  std::string where;  // the sweep file's file:line:column of the key that sets it (for errors)
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

// The value as a command-line option of `qmac qerror` (the scalar itself; an
// Override's value is YAML text, quoted where quotes matter to a config).
std::string option_text(const Override& o);

// Limits that keep a typo from asking for an unbounded sweep.
inline constexpr size_t kMaxSweepPoints = 1000000;
inline constexpr size_t kMaxAxisValues = 100000;

// Parses a sweep file; errors are qmac::InputError with file:line:column.
// `base` is looked up relative to the current directory, then to the sweep
// file's directory. The points are not checked here: validate_points does that.
SweepFile load_sweep_file(const std::string& path);

// Checks every point of `points` before anything runs, the way its child
// process would (`qmac run|cost` loads the config with the point's overrides;
// `qerror` parses its options): the first bad point is an InputError at the
// sweep file's file:line:column of the key that set the bad value.
void validate_points(const SweepFile& sw, const std::vector<const Point*>& points);

// A fingerprint of everything that decides a sweep's results: the command, the
// base config's path and content, `set:`, the columns, and every point's
// overrides. Stored beside the results (OUT.sweep.json) so that --resume
// refuses results of a different definition.
std::string fingerprint(const SweepFile& sw);

}  // namespace qmac::sweep
