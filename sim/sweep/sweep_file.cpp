#include "sim/sweep/sweep_file.hpp"

#include <algorithm>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "sim/errors.hpp"

namespace qmac::sweep {

namespace fs = std::filesystem;

namespace {

std::string where(const std::string& file, const YAML::Node& n) {
  const YAML::Mark m = n.Mark();
  if (m.line < 0) return file;
  return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

// YAML text of a scalar or a small node, as `--set` parses it back.
std::string yaml_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

long long as_integer(const std::string& file, const YAML::Node& n, const std::string& what) {
  try {
    return n.as<long long>();
  } catch (const YAML::Exception&) {
    throw InputError(where(file, n), what + " must be an integer, got '" + yaml_text(n) + "'");
  }
}

struct Axis {
  std::vector<std::vector<Override>> items;  // one entry per value; each sets one or more keys
};

Axis parse_axis(const std::string& file, const std::string& name, const YAML::Node& node) {
  Axis axis;
  if (node.IsMap()) {
    // An integer range {from, to, step}.
    for (const auto& kv : node) {
      const std::string k = kv.first.as<std::string>();
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
    if ((to - from) / step >= 100000)
      throw InputError(where(file, node), "the range of axis '" + name + "' has over 100000 values");
    for (long long v = from; v <= to; v += step) axis.items.push_back({{name, std::to_string(v)}});
    return axis;
  }
  if (!node.IsSequence() || node.size() == 0)
    throw InputError(where(file, node), "axis '" + name +
                                            "' must be a non-empty list, a range {from, to, step}, or a list of maps "
                                            "(a group axis)");
  const bool group = node[0].IsMap();
  for (const auto& item : node) {
    if (item.IsMap() != group)
      throw InputError(where(file, item), "axis '" + name + "' mixes maps and plain values; a group axis lists maps only");
    if (!group) {
      if (!item.IsScalar())
        throw InputError(where(file, item), "values of axis '" + name + "' must be scalars");
      axis.items.push_back({{name, item.Scalar()}});
      continue;
    }
    std::vector<Override> sets;
    for (const auto& kv : item) {
      if (!kv.first.IsScalar()) throw InputError(where(file, kv.first), "keys of a group item must be dotted paths");
      sets.push_back({kv.first.as<std::string>(), yaml_text(kv.second)});
    }
    if (sets.empty()) throw InputError(where(file, item), "an item of group axis '" + name + "' sets nothing");
    axis.items.push_back(std::move(sets));
  }
  return axis;
}

std::string resolve_base(const std::string& file, const YAML::Node& node) {
  const std::string base = node.as<std::string>();
  const fs::path as_given(base);
  if (fs::exists(as_given)) return fs::absolute(as_given).lexically_normal().string();
  const fs::path beside = fs::path(file).parent_path() / base;
  if (fs::exists(beside)) return fs::absolute(beside).lexically_normal().string();
  throw InputError(where(file, node), "base config '" + base + "' not found (looked in the current directory and in " +
                                          fs::path(file).parent_path().string() + ")");
}

}  // namespace

SweepFile parse(const std::string& path);

SweepFile load_sweep_file(const std::string& path) {
  try {
    return parse(path);
  } catch (const YAML::Exception& e) {
    // A node of the wrong type where a scalar/map was required.
    throw InputError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                     "unexpected YAML node: " + e.msg);
  }
}

SweepFile parse(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw InputError(path, "cannot read the sweep file");
  } catch (const YAML::ParserException& e) {
    throw InputError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                     "YAML syntax error: " + e.msg);
  }
  if (!root.IsMap()) throw InputError(where(path, root), "a sweep file is a map with keys base, set, axes, command");
  SweepFile sw;
  sw.path = path;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "base") {
      sw.base = resolve_base(path, v);
    } else if (key == "command") {
      sw.command = v.as<std::string>();
      if (sw.command != "run" && sw.command != "cost" && sw.command != "qerror")
        throw InputError(where(path, v), "command must be run, cost or qerror, got '" + sw.command + "'");
    } else if (key == "set") {
      if (!v.IsMap()) throw InputError(where(path, v), "'set' must be a map of dotted keys to values");
      for (const auto& s : v) sw.fixed.push_back({s.first.as<std::string>(), yaml_text(s.second)});
    } else if (key == "axes") {
      if (!v.IsMap() || v.size() == 0) throw InputError(where(path, v), "'axes' must be a non-empty map");
    } else {
      throw InputError(where(path, kv.first), "unknown key '" + key + "'; expected base, set, axes, command");
    }
  }
  if (sw.command == "qerror" && !sw.base.empty())
    throw InputError(where(path, root["base"]), "a qerror sweep has no base config: its keys are qerror options");
  const YAML::Node axes_node = root["axes"];
  if (!axes_node) throw InputError(where(path, root), "missing 'axes'");

  std::vector<Axis> axes;
  for (const auto& kv : axes_node) {
    const std::string name = kv.first.as<std::string>();
    axes.push_back(parse_axis(path, name, kv.second));
    for (const auto& item : axes.back().items)
      for (const auto& o : item)
        if (std::find(sw.columns.begin(), sw.columns.end(), o.key) == sw.columns.end()) sw.columns.push_back(o.key);
  }

  size_t total = 1;
  for (const auto& a : axes) {
    total *= a.items.size();
    if (total > 1000000) throw InputError(where(path, axes_node), "the sweep has over a million points");
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

}  // namespace qmac::sweep
