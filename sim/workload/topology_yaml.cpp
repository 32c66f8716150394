// qmac's YAML topology (README "Networks"):
//
//   name: resnet18                      # optional (default: the file's stem)
//   source: He et al. 2016, Table 1     # optional free text: where the shapes come from
//   defaults: {KEY: VALUE, ...}         # optional overrides of config keys for every layer
//   data: {a: {distribution: normal}, b: {distribution: normal}}  # optional data model of every layer
//   layers:
//     - name: conv1
//       conv: {ifmap: 224, channels: 3, filter: 7, filters: 64, stride: 2, padding: 3}
//     - name: attn.scores
//       gemm: {m: 128, k: 64, n: 128}
//       groups: 12                      # independent GEMMs of this shape (heads; conv: channel groups)
//       repeat: 12                      # occurs 12 times in the network, simulated once
//       data: {a: {distribution: outliers, fraction: 0.01, magnitude: 20}}  # this layer's data model
//       set: {mac.a: fp16}              # overrides of config keys (dotted, as --set)
//
// `data` sets a tensor's distribution and its parameters (and optionally its
// seed) and nothing else: the config's other workload.a/b keys (quantization)
// stay, and parameters of the config's own distribution are dropped with it.
//
// conv keys: ifmap, filter, stride, dilation: N or [h, w]; padding: N, [h, w] or
// [top, bottom, left, right]; channels, filters; rounding: floor | scalesim.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "sim/config/yaml_cursor.hpp"
#include "sim/errors.hpp"
#include "sim/workload/topology.hpp"

namespace qmac::workload {

namespace {

using config::Cursor;
using config::Source;

constexpr long long kMaxDim = 1 << 20;

Cursor item(const Cursor& seq, size_t i) {
  return Cursor(seq.source(), seq.path() + "[" + std::to_string(i) + "]", seq.node()[i]);
}

// N or a list of `sizes` (e.g. [h, w]) of integers in lo..kMaxDim.
std::vector<int> ints(const Cursor& c, std::vector<size_t> sizes, long long lo, const std::string& expected) {
  if (c.node().IsScalar()) return {int(c.integer(lo, kMaxDim))};
  if (!c.node().IsSequence() || std::find(sizes.begin(), sizes.end(), c.node().size()) == sizes.end())
    c.fail("is not " + expected + "; expected " + expected);
  std::vector<int> v;
  for (size_t i = 0; i < c.node().size(); ++i) v.push_back(int(item(c, i).integer(lo, kMaxDim)));
  return v;
}

void pair_of(const Cursor& c, int& h, int& w, long long lo) {
  const auto v = ints(c, {2}, lo, "an integer or [height, width]");
  h = v[0];
  w = v.size() == 2 ? v[1] : v[0];
}

ConvSpec parse_conv(const Cursor& c) {
  c.expect_map({"ifmap", "channels", "filter", "filters", "stride", "padding", "dilation", "rounding"});
  for (const char* key : {"ifmap", "channels", "filter", "filters"})
    if (!c.has(key)) c.fail(std::string("has no '") + key + "'; expected ifmap, channels, filter and filters");
  ConvSpec s;
  pair_of(c["ifmap"], s.ifmap_h, s.ifmap_w, 1);
  s.channels = int(c["channels"].integer(1, kMaxDim));
  pair_of(c["filter"], s.filter_h, s.filter_w, 1);
  s.filters = int(c["filters"].integer(1, kMaxDim));
  if (c.has("stride")) pair_of(c["stride"], s.stride_h, s.stride_w, 1);
  if (c.has("dilation")) pair_of(c["dilation"], s.dilation_h, s.dilation_w, 1);
  if (c.has("padding")) {
    const auto p = ints(c["padding"], {2, 4}, 0, "an integer, [height, width] or [top, bottom, left, right]");
    if (p.size() == 1) s.pad_top = s.pad_bottom = s.pad_left = s.pad_right = p[0];
    else if (p.size() == 2) s.pad_top = s.pad_bottom = p[0], s.pad_left = s.pad_right = p[1];
    else s.pad_top = p[0], s.pad_bottom = p[1], s.pad_left = p[2], s.pad_right = p[3];
  }
  if (c.has("rounding"))
    s.rounding = c["rounding"].choice({"floor", "scalesim"}) == "floor" ? ConvSpec::Rounding::floor
                                                                      : ConvSpec::Rounding::scalesim;
  return s;
}

// Keys a layer may not override: its shape comes from the topology, and the
// topology, policy and waveform belong to the whole run.
bool forbidden_key(const std::string& key, std::string& why) {
  for (const char* k : {"workload.topology", "workload.gemm", "policy", "trace", "workload"}) {
    const std::string p = k;
    if (key == p || (p != "workload" && key.rfind(p + ".", 0) == 0)) {
      why = p == "workload" ? "replaces the layer's shape and topology; expected workload.a or workload.b"
            : p == "workload.gemm" ? "is the layer's shape, set by gemm/conv; expected another key"
                                   : "applies to the whole run, not a layer; expected another key";
      return true;
    }
  }
  return false;
}

// {a: {...}, b: {...}}: each a distribution with its parameters (checked by the
// config parser when a layer's config is made).
YAML::Node parse_data(const Cursor& c) {
  if (!c.present() || c.node().IsNull()) return YAML::Node(YAML::NodeType::Map);
  c.expect_map({"a", "b"});
  for (const char* t : {"a", "b"}) {
    const Cursor x = c[t];
    if (!x.present()) continue;
    x.expect_map({"distribution", "low", "high", "mean", "std", "scale", "nu", "fraction", "magnitude", "path", "seed"});
    if (!x.has("distribution"))
      x.fail("has no distribution; expected {distribution: NAME, its parameters} (docs/config.md, workload keys)");
  }
  return c.node();
}

YAML::Node parse_overrides(const Cursor& c) {
  if (!c.present() || c.node().IsNull()) return YAML::Node(YAML::NodeType::Map);
  if (!c.node().IsMap()) c.fail("is not a mapping; expected {KEY: VALUE, ...} with dotted config keys");
  for (auto it = c.node().begin(); it != c.node().end(); ++it) {
    const YAML::Node key = it->first;
    const std::string k = key.IsScalar() ? key.Scalar() : "";
    bool ok = !k.empty() && k.front() != '.' && k.back() != '.' && k.find("..") == std::string::npos;
    for (char ch : k) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.');
    if (!ok)
      c.source().fail(c.path(), key.Mark(),
                      "'" + k + "' is not a dotted config key; expected keys such as mac.a or workload.a.seed");
    std::string why;
    if (forbidden_key(k, why)) c.source().fail(c.path() + "." + k, key.Mark(), why);
  }
  return c.node();
}

Layer parse_layer(const Cursor& c) {
  c.expect_map({"name", "gemm", "conv", "groups", "repeat", "data", "set"});
  Layer L;
  L.line = c.node().Mark().line + 1;
  if (!c.has("name")) c.fail("has no name; expected name: and one of gemm: or conv:");
  L.name = c["name"].string("the layer's name");
  if (c.has("gemm") == c.has("conv")) c.fail("needs exactly one of gemm: {m, k, n} or conv: {...}");
  if (c.has("groups")) L.groups = int(c["groups"].integer(1, kMaxDim));
  if (c.has("repeat")) L.repeat = c["repeat"].integer(1, (long long)kMaxRepeat);
  L.set = parse_overrides(c["set"]);
  L.data = parse_data(c["data"]);
  if (c.has("gemm")) {
    const Cursor g = c["gemm"];
    g.expect_map({"m", "k", "n"});
    for (const char* key : {"m", "k", "n"})
      if (!g.has(key)) g.fail(std::string("has no '") + key + "'; expected {m, k, n}");
    L.m = int(g["m"].integer(1, kMaxDim));
    L.k = int(g["k"].integer(1, kMaxDim));
    L.n = int(g["n"].integer(1, kMaxDim));
  } else {
    ConvSpec s = parse_conv(c["conv"]);
    s.groups = L.groups;
    try {
      const ConvGemm g = lower_conv(s);
      L.m = g.m, L.k = g.k, L.n = g.n;
    } catch (const InputError& e) {
      (c.has("groups") && (s.channels % s.groups || s.filters % s.groups) ? c["groups"] : c["conv"]).fail(e.what());
    }
    L.conv = s;
  }
  try {
    check_layer_limits(L);
  } catch (const InputError& e) {
    c.fail(e.what());
  }
  return L;
}

}  // namespace

Topology parse_topology_yaml(const std::string& text, const std::string& name, const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    const std::string where =
        e.mark.is_null() ? name : name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    throw InputError(where, "YAML syntax error: " + e.msg + "; expected a YAML topology (README \"Networks\")");
  }
  const Source src(name);
  const Cursor top(src, "", root);
  top.expect_map({"name", "source", "defaults", "data", "layers"});
  Topology t;
  t.path = name;
  t.format = TopologyFormat::yaml;
  t.base_dir = base_dir;
  t.name = top.has("name") ? top["name"].string("the network's name") : std::filesystem::path(name).stem().string();
  if (top.has("source")) top["source"].string("where the shapes come from (free text)");
  t.defaults = parse_overrides(top["defaults"]);
  t.data = parse_data(top["data"]);
  const Cursor layers = top["layers"];
  if (!layers.present() || !layers.node().IsSequence() || layers.node().size() == 0)
    layers.fail("is missing or not a list; expected layers: a list of {name, gemm or conv, ...}");
  if (layers.node().size() > kMaxLayers)
    layers.fail(std::to_string(layers.node().size()) + " layers; expected at most " + std::to_string(kMaxLayers));
  // Names address layers (policy rules, minacc --layers, the results): two layers
  // of one name would be switched and reported together. A layer that occurs
  // several times is one entry with `repeat`. (SCALE-Sim's CSVs repeat names --
  // its MLPERF and DeepBench files do -- and are read as SCALE-Sim reads them.)
  std::map<std::string, int> first_line;
  for (size_t i = 0; i < layers.node().size(); ++i) {
    const Cursor c = item(layers, i);
    t.layers.push_back(parse_layer(c));
    const Layer& L = t.layers.back();
    const auto [at, fresh] = first_line.emplace(L.name, L.line);
    if (!fresh)
      c["name"].fail("'" + L.name + "' names the layer at line " + std::to_string(at->second) +
                     " too; expected unique layer names (repeat: N for a layer that occurs N times)");
  }
  return t;
}

}  // namespace qmac::workload
