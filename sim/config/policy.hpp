// Mixed-precision policies: the config's own MAC is the default precision; rules
// switch layers of a topology to another one (any config keys: W8A16, FP8-E4M3, a
// wider accumulator, ...) by layer-name pattern and/or by a statistic measured on
// the layer itself. sim/run/network_policy.cpp applies them.
//
//   policy:                               # or: policy: FILE.yaml holding this mapping; none: no policy
//     name: w8a16_where_int8_hurts        # a label for reports (default: the file's stem, or "custom")
//     rules:                              # tried in order; the first that matches a layer applies
//       - layers: "*.ffn_down"            # glob on the layer name (fnmatch); default "*"
//         when: {measure: kurtosis, tensor: a, above: 10}   # optional
//         set: {mac.a: fp16, mac.accumulator.type: float}   # dotted keys, as --set
//
// Measures, each taken on the layer at the default precision:
//   kurtosis      E[(x - mean)^4] / var^2 of the layer's FP64 tensor `a` or `b`
//                 (3 for a Gaussian; outlier channels raise it); a convolution's `a` is
//                 its ifmap, not the lowered matrix (whose padding zeros would count);
//   max_over_std  max |x - mean| / std of that tensor;
//   sqnr_db       the layer's output SQNR vs FP64 at the default precision (a simulation);
//   sqnr_gain_db  the rule's precision's SQNR minus the default's (two simulations).
// Each `when` has exactly one of `above` / `below` (strict).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace qmac::config {

class Cursor;

// One override that comes from a YAML file other than the config (a topology
// layer's `set`, a policy rule): `value` keeps its marks, so an error in it is
// reported at `file`:line:column; relative paths in it resolve against base_dir.
struct FileOverride {
  std::string key;                            // dotted path
  YAML::Node value;                           // a null value removes the key
  std::string file, base_dir;
  YAML::Mark mark = YAML::Mark::null_mark();  // where the key is in `file` (errors about the key itself)
};

// The mapping {KEY: VALUE, ...} of a YAML file as overrides, in file order.
std::vector<FileOverride> overrides_from(const YAML::Node& mapping, const std::string& file, const std::string& base_dir);

enum class Measure { kurtosis, max_over_std, sqnr_db, sqnr_gain_db };
const char* measure_name(Measure m);

struct Condition {
  Measure measure = Measure::kurtosis;
  char tensor = 'a';        // kurtosis, max_over_std: 'a' (activations) or 'b' (weights)
  bool above = true;        // true: measured > threshold; false: measured < threshold
  double threshold = 0;
  bool holds(double measured) const { return above ? measured > threshold : measured < threshold; }
};

struct PolicyRule {
  std::string layers = "*";             // fnmatch glob on the layer name
  std::optional<Condition> when;
  std::vector<FileOverride> set;
  std::string where;                    // "file:line:column" of the rule, for reports
};

struct Policy {
  std::string name;                     // empty: no policy
  std::string file;                     // absolute path when the policy came from a file
  std::vector<PolicyRule> rules;
  bool empty() const { return rules.empty() && name.empty(); }
};

// Why `pattern` is not a well-formed fnmatch(3) glob, or "" when it is. POSIX
// fnmatch takes an unclosed '[' or a trailing '\\' literally (glibc does), so a
// typo such as "*.ffn_[up" would silently match nothing; qmac refuses it instead.
std::string glob_problem(const std::string& pattern);

// Parses the `policy` key (a mapping, or a path to a YAML file holding one).
Policy parse_policy(const Cursor& c, const std::string& base_dir);

// The policy as it appears in the run JSON's "config" (and --print-config): the
// file's path, or the inline mapping.
nlohmann::ordered_json policy_json(const Policy& p);

// A YAML node as JSON (scalars as strings: YAML gives them their type only when a
// key reads them, and the config parser reads the text).
nlohmann::ordered_json yaml_to_json(const YAML::Node& n);

}  // namespace qmac::config
