// Internal to sim/config: the tree -> Config conversion with every check.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/config/config.hpp"
#include "sim/config/yaml_cursor.hpp"

namespace qmac::config {

// `root` is the whole (overridden) tree; values that came from --set are known to
// `src`. Relative paths are resolved against `base_dir` (file values) or the
// current directory (--set values).
Config parse_tree(const YAML::Node& root, const Source& src, const std::string& base_dir);

// The absolute path of a file named at `c` (relative to `base_dir`, or to where an
// override came from); the file must exist.
std::string resolve_path(const Cursor& c, const std::string& base_dir, const std::string& expected);

// A shipped name (configs/KIND/NAME.yaml, e.g. a network or a policy: no '/',
// no .yaml/.yml/.csv ending) or a file path (resolve_path); its absolute path.
std::string resolve_shipped_or_path(const Cursor& c, const std::string& base_dir, const std::string& kind,
                                    const std::string& expected);

// YAML names of the enum-valued keys (shared with the emitter).
const char* acc_type_name(num::AccKind k);
const char* int_overflow_yaml(num::IntOverflow o);
const char* dist_name(workload::DistKind k);
const char* granularity_name(workload::Granularity g);
const char* scale_method_name(workload::ScaleMethod s);

}  // namespace qmac::config
