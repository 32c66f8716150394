// Loading a config: the file, then the --set overrides applied to its tree (so an
// override is checked exactly like the file), then parse_tree().
#include "sim/config/config.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/config/parse_tree.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"

namespace qmac::config {

namespace {

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::string cur;
  for (char ch : key + ".") {
    if (ch != '.') {
      cur += ch;
      continue;
    }
    parts.push_back(cur);
    cur.clear();
  }
  return parts;
}

std::string node_kind(const YAML::Node& n) {
  return n.IsSequence() ? "a sequence" : n.IsScalar() ? "the scalar '" + n.Scalar() + "'" : "not a mapping";
}

// The mapping that holds the last part of `key` (creating mappings on the way);
// `where` names the override in the error when a part is not a mapping.
YAML::Node parent_of(YAML::Node& root, const std::vector<std::string>& parts, const std::string& where) {
  YAML::Node cur = root;  // shares root's node
  std::string path;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    path += (i ? "." : "") + parts[i];
    YAML::Node next = cur[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      cur[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next.reset(cur[parts[i]]);
    } else if (!next.IsMap()) {
      throw InputError(where, path + " is " + node_kind(next) +
                                  " in the config, not a mapping; expected KEY to name a key of a mapping");
    }
    cur.reset(next);
  }
  return cur;
}

// Sets root[key] = value by dotted path, creating mappings on the way.
void apply_set(YAML::Node& root, const Override& set, Source& src) {
  auto [key, value] = parse_set(set.text, set.where);
  const std::vector<std::string> parts = split_key(key);
  parent_of(root, parts, set.where)[parts.back()] = value;
  src.add_override(key, set.where);
}

// An override from another YAML file (a topology, a policy): a null value removes the key.
void apply_file_override(YAML::Node& root, const FileOverride& o, Source& src) {
  const std::vector<std::string> parts = split_key(o.key);
  const std::string where = o.value.IsDefined() && !o.value.Mark().is_null()
                                ? o.file + ":" + std::to_string(o.value.Mark().line + 1) + ":" +
                                      std::to_string(o.value.Mark().column + 1)
                                : o.file;
  YAML::Node parent = parent_of(root, parts, where);
  if (o.value.IsNull()) parent.remove(parts.back());
  else parent[parts.back()] = o.value;
  src.add_file_override(o.key, o.file, o.base_dir, o.mark.is_null() ? o.value.Mark() : o.mark);
}

YAML::Node parse_text(const std::string& text, const std::string& source_name) {
  try {
    return load_single_document(text, source_name);
  } catch (const InputError&) {
    throw;
  } catch (const YAML::Exception& e) {
    const std::string where = e.mark.is_null() ? source_name
                                               : source_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                     std::to_string(e.mark.column + 1);
    throw InputError(where, "YAML syntax error: " + e.msg + "; expected valid YAML (docs/config.md)");
  }
}

Config load_tree(YAML::Node root, const std::string& source_name, const std::vector<Override>& sets,
                 const std::string& base_dir, const std::vector<FileOverride>& before_sets = {},
                 const std::vector<FileOverride>& after_sets = {},
                 const std::optional<std::array<int, 4>>& tensor_shapes = std::nullopt) {
  Source src(source_name);
  if (tensor_shapes) src.set_tensor_shapes(*tensor_shapes);
  if (!sets.empty() || !before_sets.empty() || !after_sets.empty()) {
    if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    if (root.IsMap()) {  // else parse_tree reports the file's shape first
      for (const auto& o : before_sets) apply_file_override(root, o, src);
      for (const auto& s : sets) apply_set(root, s, src);
      for (const auto& o : after_sets) apply_file_override(root, o, src);
    }
  }
  return parse_tree(root, src, base_dir);
}

bool same(const num::AccumulatorSpec& x, const num::AccumulatorSpec& y) {
  return x.kind == y.kind && x.width == y.width && x.frac_bits == y.frac_bits && x.int_overflow == y.int_overflow &&
         x.format == y.format && x.rounding == y.rounding && x.float_overflow == y.float_overflow;
}

bool same(const workload::TensorSpec& x, const workload::TensorSpec& y) {
  const auto& a = x.dist;
  const auto& b = y.dist;
  return a.kind == b.kind && a.low == b.low && a.high == b.high && a.mean == b.mean && a.std == b.std &&
         a.scale == b.scale && a.nu == b.nu && a.fraction == b.fraction && a.magnitude == b.magnitude &&
         a.path == b.path && x.seed == y.seed && x.granularity == y.granularity && x.scale == y.scale &&
         x.nonfinite == y.nonfinite;
}

}  // namespace

std::vector<Override> cli_overrides(const std::vector<std::string>& sets) {
  std::vector<Override> out;
  for (const auto& s : sets) out.push_back({s, "--set " + s});
  return out;
}

std::pair<std::string, YAML::Node> parse_set(const std::string& text, const std::string& where_given) {
  const std::string where = where_given.empty() ? "--set " + text : where_given;
  const size_t eq = text.find('=');
  if (eq == std::string::npos) throw InputError(where, "no '='; expected KEY=VALUE, e.g. array.rows=32");
  const std::string key = text.substr(0, eq);
  for (const auto& part : split_key(key)) {
    bool ok = !part.empty();
    for (char ch : part) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (!ok)
      throw InputError(where, "'" + key + "' is not a dotted key; expected KEY=VALUE with KEY like mac.accumulator.width");
  }
  try {
    return {key, load_single_document(text.substr(eq + 1), where)};
  } catch (const YAML::Exception& e) {
    throw InputError(where, key + ": the value is not valid YAML (" + e.msg +
                                "); expected a scalar or a flow node such as [1, 2] or {a: 1}");
  }
}

Config from_yaml(const YAML::Node& root, const std::string& source_name, const std::string& base_dir) {
  return parse_tree(root, Source(source_name), base_dir);
}

Config load_string_with(const std::string& yaml_text, const std::string& source_name,
                        const std::vector<Override>& sets, const std::string& base_dir) {
  return load_tree(parse_text(yaml_text, source_name), source_name, sets, base_dir);
}

Config load_string(const std::string& yaml_text, const std::string& source_name, const std::vector<std::string>& sets,
                   const std::string& base_dir) {
  return load_string_with(yaml_text, source_name, cli_overrides(sets), base_dir);
}

Config load_with(const std::string& path, const std::vector<Override>& sets) {
  const std::string text = io::read_file(path, io::kMaxTextInput, "config file");
  std::string dir = std::filesystem::path(path).parent_path().string();
  return load_string_with(text, path, sets, dir.empty() ? "." : dir);
}

Config load(const std::string& path, const std::vector<std::string>& sets) {
  return load_with(path, cli_overrides(sets));
}

Recipe read_recipe(const std::string& path, const std::vector<std::string>& sets) {
  Recipe r;
  r.sets = sets;
  if (path.empty()) {
    r.source_name = "<default>";
    return r;
  }
  r.text = io::read_file(path, io::kMaxTextInput, "config file");
  r.source_name = path;
  const std::string dir = std::filesystem::path(path).parent_path().string();
  r.base_dir = dir.empty() ? "." : dir;
  return r;
}

Config load(const Recipe& r, const std::vector<FileOverride>& before_sets, const std::vector<FileOverride>& after_sets,
            const std::optional<std::array<int, 4>>& tensor_shapes) {
  return load_tree(parse_text(r.text, r.source_name), r.source_name, cli_overrides(r.sets), r.base_dir, before_sets,
                   after_sets, tensor_shapes);
}

Config load_default(const std::vector<std::string>& sets) { return load_string("", "<default>", sets, "."); }
Config load_default_with(const std::vector<Override>& sets) { return load_string_with("", "<default>", sets, "."); }

Config default_config() { return load_default(std::vector<std::string>{}); }

bool operator==(const Config& x, const Config& y) {
  return x.array.rows == y.array.rows && x.array.cols == y.array.cols && x.array.dataflow == y.array.dataflow &&
         x.array.cycles_as_last_index == y.array.cycles_as_last_index &&
         x.array.double_buffer == y.array.double_buffer &&
         same(x.array.output_buffer, y.array.output_buffer) && x.mac.a == y.mac.a && x.mac.b == y.mac.b &&
         same(x.mac.acc, y.mac.acc) && x.mac.fused == y.mac.fused && x.mac.pipeline_stages == y.mac.pipeline_stages &&
         x.workload.m == y.workload.m && x.workload.k == y.workload.k && x.workload.n == y.workload.n &&
         same(x.workload.a, y.workload.a) && same(x.workload.b, y.workload.b) &&
         x.cost.gate_library == y.cost.gate_library && x.cost.technology == y.cost.technology &&
         x.trace.vcd == y.trace.vcd && x.trace.pes == y.trace.pes && x.trace.first_cycle == y.trace.first_cycle &&
         x.trace.last_cycle == y.trace.last_cycle && x.engine == y.engine &&
         x.workload.topology == y.workload.topology && policy_json(x.policy) == policy_json(y.policy) && x.memory.model == y.memory.model &&
         x.memory.sram_kib_a == y.memory.sram_kib_a && x.memory.sram_kib_b == y.memory.sram_kib_b &&
         x.memory.sram_kib_c == y.memory.sram_kib_c && x.memory.double_buffered == y.memory.double_buffered &&
         x.memory.dram_bandwidth == y.memory.dram_bandwidth && x.memory.dram_latency == y.memory.dram_latency &&
         x.memory.output_format.has_value() == y.memory.output_format.has_value() &&
         (!x.memory.output_format || x.memory.output_format->name == y.memory.output_format->name);
}

num::MacSpec mac_spec(const Config& c) { return num::MacSpec{c.mac.a, c.mac.b, c.mac.acc, c.mac.fused}; }

array::ArrayOptions array_options(const Config& c) {
  array::ArrayOptions o;
  o.rows = c.array.rows;
  o.cols = c.array.cols;
  o.dataflow = c.array.dataflow;
  o.cycles_as_last_index = c.array.cycles_as_last_index;
  o.double_buffer = c.array.double_buffer;
  return o;
}

array::TraceOptions trace_options(const Config& c) {
  array::TraceOptions t;
  t.pes = c.trace.pes.empty() ? array::default_trace_pes(c.array.rows, c.array.cols) : c.trace.pes;
  t.first_cycle = c.trace.first_cycle;
  t.last_cycle = c.trace.last_cycle;
  return t;
}

}  // namespace qmac::config
