#include "sim/sweep/sweep_file.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "sim/config/config.hpp"
#include "sim/config/yaml_cursor.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"
#include "sim/qerror/request.hpp"

namespace qmac::sweep {

namespace fs = std::filesystem;

namespace {

std::string where(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return file;
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

std::string scalar_key(const std::string& file, const YAML::Node& key, const std::string& what) {
  if (!key.IsScalar()) throw InputError(where(file, key), what + " must be a plain name, not a list or map");
  return key.Scalar();
}

// True when a plain (unquoted) scalar of this text would read as the same
// string: not a number, boolean or null to the config reader, and parsed by
// YAML as exactly this scalar.
bool plain_is_same_string(const std::string& s) {
  if (s.empty() || s == "true" || s == "false" || s == "null" || s == "~") return false;
  char* end = nullptr;
  std::strtod(s.c_str(), &end);
  if (end == s.c_str() + s.size()) return false;  // a number
  try {
    const YAML::Node n = YAML::Load(s);
    return n.IsScalar() && n.Scalar() == s && n.Tag() == "?";
  } catch (const YAML::Exception&) {
    return false;
  }
}

// YAML text of a scalar or a small node, as `--set` parses it back. A quoted
// scalar stays quoted where it would otherwise change meaning ("5" is a
// string, and a config refuses it as a number); 'student_t:3' needs no quotes.
std::string yaml_text(const YAML::Node& n) {
  if (n.IsScalar() && (n.Tag() != "!" || plain_is_same_string(n.Scalar()))) return n.Scalar();
  YAML::Emitter e;
  if (n.IsScalar()) e << YAML::DoubleQuoted << n.Scalar();
  else e << YAML::Flow << n;
  return e.c_str();
}

long long as_integer(const std::string& file, const YAML::Node& n, const std::string& what) {
  if (!n.IsScalar() || n.Tag() == "!")
    throw InputError(where(file, n), what + " must be an integer, got '" + yaml_text(n) + "'");
  const std::string& s = n.Scalar();
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno == ERANGE)
    throw InputError(where(file, n), what + " must be an integer within the 64-bit range, got '" + s + "'");
  return v;
}

struct Axis {
  std::vector<std::vector<Override>> items;  // one entry per value; each sets one or more keys
};

Axis parse_axis(const std::string& file, const std::string& name, const YAML::Node& key, const YAML::Node& node) {
  Axis axis;
  const std::string at_key = where(file, key);
  if (node.IsMap()) {
    // An integer range {from, to, step}, computed without overflow at the
    // ends of the 64-bit range.
    for (const auto& kv : node) {
      const std::string k = scalar_key(file, kv.first, "a range key");
      if (k != "from" && k != "to" && k != "step")
        throw InputError(where(file, kv.first), "unknown key '" + k + "' in the range of axis '" + name +
                                                    "'; expected from, to, step");
    }
    if (!node["from"] || !node["to"])
      throw InputError(where(file, node), "the range of axis '" + name + "' needs 'from' and 'to' (and optional 'step')");
    const long long from = as_integer(file, node["from"], "'from'");
    const long long to = as_integer(file, node["to"], "'to'");
    const long long step = node["step"] ? as_integer(file, node["step"], "'step'") : 1;
    if (step <= 0) throw InputError(where(file, node["step"]), "'step' must be positive");
    if (to < from) throw InputError(where(file, node), "'to' (" + std::to_string(to) + ") is below 'from'");
    const __int128 count = (static_cast<__int128>(to) - from) / step + 1;
    if (count > __int128(kMaxAxisValues))
      throw InputError(where(file, node), "the range of axis '" + name + "' has over " +
                                              std::to_string(kMaxAxisValues) + " values");
    for (__int128 i = 0; i < count; ++i)
      axis.items.push_back({{name, std::to_string(static_cast<long long>(from + i * step)), at_key}});
    return axis;
  }
  if (!node.IsSequence() || node.size() == 0)
    throw InputError(where(file, node), "axis '" + name +
                                            "' must be a non-empty list, a range {from, to, step}, or a list of maps "
                                            "(a group axis)");
  if (node.size() > kMaxAxisValues)
    throw InputError(where(file, node), "axis '" + name + "' has over " + std::to_string(kMaxAxisValues) + " values");
  const bool group = node[0].IsMap();
  for (const auto& item : node) {
    if (item.IsMap() != group)
      throw InputError(where(file, item), "axis '" + name + "' mixes maps and plain values; a group axis lists maps only");
    if (!group) {
      if (!item.IsScalar())
        throw InputError(where(file, item), "values of axis '" + name + "' must be scalars");
      axis.items.push_back({{name, yaml_text(item), at_key}});
      continue;
    }
    std::vector<Override> sets;
    for (const auto& kv : item) {
      const std::string k = scalar_key(file, kv.first, "keys of a group item");
      for (const auto& o : sets)
        if (o.key == k) throw InputError(where(file, kv.first), "group item sets '" + k + "' twice");
      sets.push_back({k, yaml_text(kv.second), where(file, kv.first)});
    }
    if (sets.empty()) throw InputError(where(file, item), "an item of group axis '" + name + "' sets nothing");
    axis.items.push_back(std::move(sets));
  }
  return axis;
}

std::string resolve_base(const std::string& file, const YAML::Node& node) {
  if (!node.IsScalar() || node.Scalar().empty())
    throw InputError(where(file, node), "'base' must be the path of a config file");
  const std::string base = node.Scalar();
  const fs::path as_given(base);
  std::error_code ec;
  if (fs::exists(as_given, ec)) return fs::absolute(as_given).lexically_normal().string();
  const fs::path beside = fs::path(file).parent_path() / base;
  if (fs::exists(beside, ec)) return fs::absolute(beside).lexically_normal().string();
  throw InputError(where(file, node), "base config '" + base + "' not found (looked in the current directory and in " +
                                          fs::path(file).parent_path().string() + ")");
}

SweepFile parse(const std::string& path) {
  const std::string text = io::read_file(path, io::kMaxTextInput, "sweep file");
  YAML::Node root;
  try {
    root = config::load_single_document(text, path);
  } catch (const YAML::ParserException& e) {
    throw InputError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                     "YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(where(path, root), "a sweep file is a map with keys base, set, axes, command");
  SweepFile sw;
  sw.path = path;
  YAML::Node axes_node, base_node;
  bool have_axes = false;
  for (const auto& kv : root) {
    const std::string key = scalar_key(path, kv.first, "a top-level key");
    const YAML::Node& v = kv.second;
    if (key == "base") {
      base_node.reset(v);
      sw.base = resolve_base(path, v);
    } else if (key == "command") {
      if (!v.IsScalar()) throw InputError(where(path, v), "command must be run, cost or qerror");
      sw.command = v.Scalar();
      if (sw.command != "run" && sw.command != "cost" && sw.command != "qerror")
        throw InputError(where(path, v), "command must be run, cost or qerror, got '" + sw.command + "'");
    } else if (key == "set") {
      if (!v.IsMap()) throw InputError(where(path, v), "'set' must be a map of dotted keys to values");
      for (const auto& s : v) sw.fixed.push_back({scalar_key(path, s.first, "a key of 'set'"), yaml_text(s.second),
                                                  where(path, s.first)});
    } else if (key == "axes") {
      if (!v.IsMap() || v.size() == 0) throw InputError(where(path, v), "'axes' must be a non-empty map");
      axes_node.reset(v);
      have_axes = true;
    } else {
      throw InputError(where(path, kv.first), "unknown key '" + key + "'; expected base, set, axes, command");
    }
  }
  if (sw.command == "qerror" && !sw.base.empty())
    throw InputError(where(path, base_node), "a qerror sweep has no base config: its keys are qerror options");
  if (!have_axes) throw InputError(where(path, root), "missing 'axes'");

  std::vector<Axis> axes;
  for (const auto& kv : axes_node) {
    const std::string name = scalar_key(path, kv.first, "an axis name");
    axes.push_back(parse_axis(path, name, kv.first, kv.second));
    for (const auto& item : axes.back().items)
      for (const auto& o : item)
        if (std::find(sw.columns.begin(), sw.columns.end(), o.key) == sw.columns.end()) sw.columns.push_back(o.key);
  }

  size_t total = 1;
  for (const auto& a : axes) {
    total *= a.items.size();
    if (total > kMaxSweepPoints)
      throw InputError(where(path, axes_node), "the sweep has over " + std::to_string(kMaxSweepPoints) + " points");
  }
  // Odometer order: the last axis varies fastest, like nested loops written in
  // the file's order.
  std::vector<size_t> digit(axes.size(), 0);
  for (size_t id = 0; id < total; ++id) {
    Point p;
    p.id = id;
    for (size_t i = 0; i < axes.size(); ++i)
      for (const auto& o : axes[i].items[digit[i]]) p.overrides.push_back(o);
    sw.points.push_back(std::move(p));
    for (size_t i = axes.size(); i-- > 0;) {
      if (++digit[i] < axes[i].items.size()) break;
      digit[i] = 0;
    }
  }
  return sw;
}

// FNV-1a, 64 bits: a stable hash of the canonical definition text (the same on
// every machine and run, unlike std::hash).
uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

std::string option_text(const Override& o) {
  if (o.value.empty() || o.value.front() != '"') return o.value;
  try {
    const YAML::Node n = YAML::Load(o.value);
    if (n.IsScalar()) return n.Scalar();
  } catch (const YAML::Exception&) {
  }
  return o.value;
}

SweepFile load_sweep_file(const std::string& path) {
  try {
    return parse(path);
  } catch (const YAML::Exception& e) {
    // A node of the wrong type where a scalar/map was required.
    throw InputError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                     "unexpected YAML node: " + e.msg);
  }
}

void validate_points(const SweepFile& sw, const std::vector<const Point*>& points) {
  if (sw.command == "qerror") {
    for (const Point* p : points) {
      std::vector<std::string> args;
      std::vector<const Override*> from;
      for (const auto* list : {&sw.fixed, &p->overrides})
        for (const auto& o : *list) {
          args.insert(args.end(), {"--" + o.key, option_text(o)});
          from.push_back(&o);
        }
      try {
        qerror::Request r;
        qerror::parse_request(args, r);
      } catch (const InputError& e) {
        // "argument --KEY": the sweep key that set it; otherwise the first key.
        // (an unknown option is named inside boost's message: '--KEY')
        std::string at = from.empty() ? sw.path : from.front()->where;
        for (const Override* o : from)
          if (e.where() == "argument --" + o->key || std::string(e.what()).find("'--" + o->key + "'") != std::string::npos)
            at = o->where;
        throw InputError(at, "point " + std::to_string(p->id) + ": " + e.what());
      }
    }
    return;
  }
  // run / cost: the config the child would load (base + set + the point's
  // overrides), parsed once per point from the base file's text.
  std::string base_text, base_dir = ".";
  if (!sw.base.empty()) {
    base_text = io::read_file(sw.base, io::kMaxTextInput, "config file");
    base_dir = fs::path(sw.base).parent_path().string();
  }
  const std::string source = sw.base.empty() ? "<default>" : sw.base;
  for (const Point* p : points) {
    std::vector<config::Override> sets;
    for (const auto* list : {&sw.fixed, &p->overrides})
      for (const auto& o : *list) sets.push_back({o.key + "=" + o.value, o.where});
    try {
      config::load_string_with(base_text, source, sets, base_dir);
    } catch (const InputError& e) {
      throw InputError(e.where(), "point " + std::to_string(p->id) + ": " +
                                      std::string(e.what()).substr(e.where().empty() ? 0 : e.where().size() + 2));
    }
  }
}

std::string fingerprint(const SweepFile& sw) {
  std::string canon = "qmac-sweep-1\ncommand " + sw.command + "\nbase " + sw.base + "\n";
  if (!sw.base.empty()) {
    const std::string text = io::read_file(sw.base, io::kMaxTextInput, "config file");
    char h[17];
    std::snprintf(h, sizeof h, "%016llx", static_cast<unsigned long long>(fnv1a(text)));
    canon += std::string("base_content ") + h + "\n";
  }
  for (const auto& o : sw.fixed) canon += "set " + o.key + "=" + o.value + "\n";
  for (const auto& c : sw.columns) canon += "column " + c + "\n";
  for (const auto& p : sw.points) {
    canon += "point " + std::to_string(p.id);
    for (const auto& o : p.overrides) canon += " " + o.key + "=" + o.value;
    canon += "\n";
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(fnv1a(canon)));
  return out;
}

}  // namespace qmac::sweep
