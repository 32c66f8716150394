// The `policy` config key (policy.hpp): parsing with file:line:column errors, and
// its JSON form for the resolved config.
#include "sim/config/policy.hpp"

#include <cctype>
#include <filesystem>

#include "sim/config/parse_tree.hpp"
#include "sim/config/yaml_cursor.hpp"
#include "sim/errors.hpp"

namespace qmac::config {

namespace {

namespace fs = std::filesystem;

Condition parse_condition(const Cursor& c) {
  c.expect_map({"measure", "tensor", "above", "below"});
  if (!c.has("measure")) c.fail("has no measure; expected measure: kurtosis | max_over_std | sqnr_db | sqnr_gain_db");
  Condition w;
  const std::string m = c["measure"].choice({"kurtosis", "max_over_std", "sqnr_db", "sqnr_gain_db"});
  w.measure = m == "kurtosis"       ? Measure::kurtosis
              : m == "max_over_std" ? Measure::max_over_std
              : m == "sqnr_db"      ? Measure::sqnr_db
                                    : Measure::sqnr_gain_db;
  const bool of_tensor = w.measure == Measure::kurtosis || w.measure == Measure::max_over_std;
  if (of_tensor) {
    if (!c.has("tensor")) c.fail("measure " + m + " needs tensor: a (activations) or b (weights)");
    w.tensor = c["tensor"].choice({"a", "b"})[0];
  } else if (c.has("tensor")) {
    c["tensor"].fail_at_key("does not apply to measure " + m + " (a property of the layer's output); expected no tensor");
  }
  if (c.has("above") == c.has("below")) c.fail("needs exactly one of above: X or below: X");
  w.above = c.has("above");
  w.threshold = c[w.above ? "above" : "below"].number();
  return w;
}

std::string rule_where(const Cursor& c) {
  return c.source().where(c.path(), c.node());
}

}  // namespace

std::vector<FileOverride> overrides_from(const YAML::Node& mapping, const std::string& file,
                                         const std::string& base_dir) {
  std::vector<FileOverride> out;
  if (!mapping.IsDefined() || !mapping.IsMap()) return out;
  for (auto it = mapping.begin(); it != mapping.end(); ++it) {
    const YAML::Node key = it->first;
    out.push_back({key.Scalar(), it->second, file, base_dir, key.Mark()});
  }
  return out;
}

const char* measure_name(Measure m) {
  switch (m) {
    case Measure::kurtosis: return "kurtosis";
    case Measure::max_over_std: return "max_over_std";
    case Measure::sqnr_db: return "sqnr_db";
    case Measure::sqnr_gain_db: return "sqnr_gain_db";
  }
  return "?";
}

std::string glob_problem(const std::string& pattern) {
  // POSIX.1-2017 2.13.1 (patterns matching a single character) and XBD 9.3.5
  // (bracket expressions): '\\' quotes the next character; '[' opens a bracket
  // expression closed by the first ']' that is not its first member (after an
  // optional '!' or '^') and not inside a "[:class:]", "[.x.]" or "[=x=]".
  static const char* const kClasses[] = {"alnum", "alpha", "blank", "cntrl", "digit", "graph",
                                         "lower", "print", "punct", "space", "upper", "xdigit"};
  const size_t n = pattern.size();
  for (size_t i = 0; i < n; ++i) {
    if (pattern[i] == '\\') {
      if (++i == n) return "ends in a lone '\\' (it quotes the next character)";
      continue;
    }
    if (pattern[i] != '[') continue;
    const size_t open = i;
    size_t j = i + 1;
    if (j < n && (pattern[j] == '!' || pattern[j] == '^')) ++j;
    if (j < n && pattern[j] == ']') ++j;  // a ']' first is a member
    for (; j < n && pattern[j] != ']'; ++j) {
      if (pattern[j] != '[' || j + 1 >= n || (pattern[j + 1] != ':' && pattern[j + 1] != '.' && pattern[j + 1] != '='))
        continue;
      const char kind = pattern[j + 1];
      const size_t end = pattern.find(std::string{kind, ']'}, j + 2);
      if (end == std::string::npos)
        return "has an unclosed \"[" + std::string(1, kind) + "\" at column " + std::to_string(j + 1);
      if (kind == ':') {
        const std::string cls = pattern.substr(j + 2, end - j - 2);
        bool known = false;
        for (const char* k : kClasses) known = known || cls == k;
        if (!known) return "names no character class '" + cls + "' (known: alnum, alpha, digit, lower, upper, space, ...)";
      }
      j = end + 1;
    }
    if (j >= n) return "has an unclosed '[' at column " + std::to_string(open + 1) + " (\\[ is a literal '[')";
    i = j;
  }
  return "";
}

Policy parse_policy(const Cursor& at, const std::string& base_dir) {
  Policy p;
  // No policy: absent, null, or `none` (a sweep axis value; a file named none is ./none).
  if (!at.present() || at.node().IsNull() || (at.node().IsScalar() && at.node().Scalar() == "none")) return p;
  // A file: parse it with its own Source, so errors name it.
  std::optional<Source> file_src;
  YAML::Node root = at.node();
  std::string file = at.source().name(), dir = at.source().base_dir_for(at.path(), base_dir);
  if (at.node().IsScalar()) {
    p.file = resolve_shipped_or_path(at, base_dir, "policies", "a policy: a YAML file, a shipped policy or a mapping");
    try {
      root = YAML::LoadFile(p.file);
    } catch (const YAML::Exception& e) {
      const std::string where = e.mark.is_null() ? p.file
                                                 : p.file + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                       std::to_string(e.mark.column + 1);
      throw InputError(where, "YAML syntax error: " + e.msg + "; expected a policy (sim/config/policy.hpp)");
    }
    file_src.emplace(p.file);
    file = p.file;
    dir = fs::path(p.file).parent_path().string();
  } else if (at.source().from_override(at.path())) {
    file = at.source().where(at.path(), YAML::Mark::null_mark());  // "--set policy=..."
  }
  const Cursor c = file_src ? Cursor(*file_src, "policy", root) : at;
  if (!c.node().IsMap()) c.fail("is not a mapping; expected {name, rules: [...]} or a policy file");
  c.expect_map({"name", "rules"});
  p.name = c.has("name") ? c["name"].string("the policy's name")
                         : (p.file.empty() ? "custom" : fs::path(p.file).stem().string());
  const Cursor rules = c["rules"];
  if (rules.present() && !rules.node().IsNull() && !rules.node().IsSequence())
    rules.fail("is not a list; expected rules: a list of {layers, when, set}");
  for (size_t i = 0; rules.present() && rules.node().IsSequence() && i < rules.node().size(); ++i) {
    const Cursor r(c.source(), rules.path() + "[" + std::to_string(i) + "]", rules.node()[i]);
    r.expect_map({"layers", "when", "set"});
    if (!r.present() || r.node().IsNull()) r.fail("is empty; expected {layers, when, set}");
    PolicyRule rule;
    rule.where = rule_where(r);
    if (r.has("layers")) {
      rule.layers = r["layers"].string("a glob on layer names, e.g. \"*.ffn_down\"");
      if (const std::string why = glob_problem(rule.layers); !why.empty())
        r["layers"].fail("'" + rule.layers + "' " + why + "; expected a glob on layer names, e.g. \"*.ffn_down\"");
    }
    if (r.has("when")) rule.when = parse_condition(r["when"]);
    const Cursor set = r["set"];
    const std::string set_expected = "expected set: {KEY: VALUE, ...} with the dotted config keys this rule changes";
    if (!set.present()) r.fail("has no set; " + set_expected);
    if (!set.node().IsMap() || set.node().size() == 0) set.fail("is not a mapping or empty; " + set_expected);
    for (auto it = set.node().begin(); it != set.node().end(); ++it) {
      const YAML::Node key = it->first;
      const std::string k = key.IsScalar() ? key.Scalar() : "";
      bool ok = !k.empty();
      for (char ch : k) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.');
      if (!ok || k.rfind("policy", 0) == 0 || k.rfind("workload.topology", 0) == 0 ||
          k.rfind("workload.gemm", 0) == 0 || k == "workload" || k.rfind("trace", 0) == 0)
        c.source().fail(set.path(), key.Mark(),
                        "'" + k + "' cannot be set by a rule; expected dotted keys of the MAC, array, "
                        "workload.a/b or cost (e.g. mac.a)");
    }
    rule.set = overrides_from(set.node(), file, dir);
    p.rules.push_back(std::move(rule));
  }
  return p;
}

nlohmann::ordered_json yaml_to_json(const YAML::Node& n) {
  using json = nlohmann::ordered_json;
  if (n.IsMap()) {
    json j = json::object();
    for (auto it = n.begin(); it != n.end(); ++it) j[it->first.Scalar()] = yaml_to_json(it->second);
    return j;
  }
  if (n.IsSequence()) {
    json j = json::array();
    for (const auto& e : n) j.push_back(yaml_to_json(e));
    return j;
  }
  if (n.IsScalar()) return n.Scalar();
  return nullptr;
}

nlohmann::ordered_json policy_json(const Policy& p) {
  using json = nlohmann::ordered_json;
  if (p.empty()) return nullptr;
  if (!p.file.empty()) return p.file;
  json rules = json::array();
  for (const auto& r : p.rules) {
    json jr;
    jr["layers"] = r.layers;
    if (r.when) {
      json w;
      w["measure"] = measure_name(r.when->measure);
      if (r.when->measure == Measure::kurtosis || r.when->measure == Measure::max_over_std)
        w["tensor"] = std::string(1, r.when->tensor);
      w[r.when->above ? "above" : "below"] = r.when->threshold;
      jr["when"] = w;
    }
    json set = json::object();
    for (const auto& o : r.set) set[o.key] = yaml_to_json(o.value);
    jr["set"] = set;
    rules.push_back(jr);
  }
  return json{{"name", p.name}, {"rules", rules}};
}

}  // namespace qmac::config
