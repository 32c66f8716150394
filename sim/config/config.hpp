// The qmac run configuration: what `qmac run`, `qmac cost` and `qmac validate`
// read from YAML (docs/config.md lists every key with its default).
//
//   Config c = config::load("configs/examples/int8.yaml", {"array.rows=32"});
//   array::run_gemm(config::mac_spec(c), c.array.output_buffer, c.mac.pipeline_stages,
//                   config::array_options(c), gemm, c.engine, &trace);
//
// A Config is always fully resolved: every default is filled in (the fixed
// accumulator's Kulisch width, the output buffer, the accumulator type implied by
// the operands), so to_yaml() prints everything and load() of that text gives back
// an equal Config. Every error in a file or a --set is a qmac::InputError with
// "file:line:column" or "--set KEY=VALUE" and what was expected.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "models/array/array.hpp"
#include "models/memory/memory.hpp"
#include "models/numerics/accumulator.hpp"
#include "sim/config/policy.hpp"
#include "sim/workload/tensor_spec.hpp"

namespace qmac::config {

struct Config {
  struct Array {
    int rows = 16, cols = 16;
    array::Dataflow dataflow = array::Dataflow::ws;
    bool cycles_as_last_index = true;     // array::ArrayOptions (SCALE-Sim's reporting convention)
    bool double_buffer = false;           // array::ArrayOptions (shadow stationary registers, WS/IS)
    num::AccumulatorSpec output_buffer;   // where partial sums of successive K-folds are added
  } array;
  struct Mac {
    num::Format a, b;                     // A = activations/inputs, B = weights
    num::AccumulatorSpec acc;
    bool fused = true;
    int pipeline_stages = 1;
  } mac;
  struct Workload {
    int m = 64, k = 64, n = 64;
    workload::TensorSpec a, b;            // npy paths are absolute (resolved against the config file)
    std::string topology;                 // a network (absolute path; empty: the one GEMM above)
  } workload;
  struct Cost {
    std::string gate_library = "paper";   // a shipped name, or an absolute path to a YAML file
    std::string technology = "45nm";
  } cost;
  struct Trace {
    std::string vcd;                      // empty: no waveform
    std::vector<std::pair<int, int>> pes; // (row, col); empty: array::default_trace_pes
    uint64_t first_cycle = 0, last_cycle = 999;
  } trace;
  memory::Config memory;                  // buffers, DRAM, stalls (models/memory; memory.model: ideal by default)
  array::Engine engine = array::Engine::fast;
  Policy policy;                          // mixed precision over a topology's layers (policy.hpp)
};

bool operator==(const Config& x, const Config& y);
inline bool operator!=(const Config& x, const Config& y) { return !(x == y); }

// The built-in default of cli-contract.md: a 16x16 weight-stationary array, INT8 x
// INT8 into a 32-bit wrapping integer accumulator, a 64x64x64 GEMM of seeded
// normal data (A seed 1, B seed 2), fast engine.
Config default_config();

// One override: "KEY=VALUE" (KEY a dotted path, VALUE YAML text) and where it
// came from, for error messages: "--set KEY=VALUE" for the command line, a
// sweep file's file:line:column for its axes and `set:`.
struct Override {
  std::string text;
  std::string where;
};
// The command line's --set arguments as overrides.
std::vector<Override> cli_overrides(const std::vector<std::string>& sets);

// Reads a config file and applies `sets` ("KEY=VALUE", in order, later wins) on
// top of it. Relative paths inside the file are relative to the file's directory.
Config load(const std::string& path, const std::vector<std::string>& sets = {});
Config load_with(const std::string& path, const std::vector<Override>& sets);
// The built-in default with `sets` applied (`qmac run` without a CONFIG).
Config load_default(const std::vector<std::string>& sets = {});
Config load_default_with(const std::vector<Override>& sets);
// The same from YAML text; `source_name` names it in error messages, relative paths
// in it are relative to `base_dir`.
Config load_string(const std::string& yaml_text, const std::string& source_name,
                   const std::vector<std::string>& sets = {}, const std::string& base_dir = ".");
Config load_string_with(const std::string& yaml_text, const std::string& source_name,
                        const std::vector<Override>& sets, const std::string& base_dir = ".");
// From an already parsed tree (no overrides).
Config from_yaml(const YAML::Node& root, const std::string& source_name, const std::string& base_dir = ".");

// What a config is loaded from, kept so that variants of it -- a network's
// layers, a mixed-precision policy's precisions -- are derived from the same file
// and overrides and checked exactly like them (sim/run/network.cpp).
struct Recipe {
  std::string text;                  // the config file's YAML ("" for the built-in default)
  std::string source_name;           // its path as given ("<default>")
  std::string base_dir = ".";        // relative paths in the file are relative to this
  std::vector<std::string> sets;     // --set KEY=VALUE, in order
};
Recipe read_recipe(const std::string& path, const std::vector<std::string>& sets = {});  // "" = the built-in default
// The file, then `before_sets` (a topology's data model), then the --set's (the
// command line wins over the topology), then `after_sets` (a policy's precision,
// a layer's shape), in order (later wins), then parse_tree.
// `tensor_shapes` {rows_a, cols_a, rows_b, cols_b}: the shapes .npy operands must
// have when they are not the GEMM's (a network layer's whole tensors).
Config load(const Recipe& recipe, const std::vector<FileOverride>& before_sets = {},
            const std::vector<FileOverride>& after_sets = {},
            const std::optional<std::array<int, 4>>& tensor_shapes = std::nullopt);

// Splits "KEY=VALUE" (KEY a dotted path, VALUE a YAML scalar or flow node);
// throws InputError naming `where` (default "--set KEY=VALUE") when malformed.
std::pair<std::string, YAML::Node> parse_set(const std::string& text, const std::string& where = "");

// The resolved config as YAML (what `qmac run --print-config` prints) and as the
// "config" object of the run JSON (same keys, same nesting).
std::string to_yaml(const Config& c);
nlohmann::ordered_json to_json(const Config& c);
// One line: array, MAC, GEMM, engine.
std::string summary(const Config& c);

num::MacSpec mac_spec(const Config& c);
array::ArrayOptions array_options(const Config& c);
// pes filled with the default corners when empty; vcd_fd is left for the caller
// to open (the destination file is written by sim/io rules).
array::TraceOptions trace_options(const Config& c);

}  // namespace qmac::config
