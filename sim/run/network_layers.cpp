// A network layer's config (the run's config + the layer's overrides, checked by
// the config parser) and its data (generated or .npy, lowered, quantised, cut
// into groups). See network.hpp.
#include <string>

#include "sim/errors.hpp"
#include "sim/run/network.hpp"

namespace qmac::run {

namespace {

YAML::Mark line_mark(int line) {
  YAML::Mark m;
  m.line = line - 1;
  m.column = 0;
  return m;
}

// Rethrows a config error of a layer with the layer named (the error's own
// file:line:column stays first: it says which value is wrong).
[[noreturn]] void in_layer(const InputError& e, const workload::Topology& t, const workload::Layer& L) {
  std::string what = e.what();
  if (!e.where().empty() && what.rfind(e.where() + ": ", 0) == 0) what.erase(0, e.where().size() + 2);
  throw InputError(e.where(), what + " (in layer '" + L.name + "', " + t.path + ":" + std::to_string(L.line) + ")");
}

workload::Tensor columns(const workload::Tensor& t, int first, int count) {
  workload::Tensor s;
  s.rows = t.rows;
  s.cols = count;
  s.values.resize(size_t(t.rows) * size_t(count));
  for (int r = 0; r < t.rows; ++r)
    std::copy_n(&t.values[size_t(r) * t.cols + first], count, &s.values[size_t(r) * count]);
  return s;
}

workload::Quantized columns(const workload::Quantized& q, int first, int count) {
  workload::Quantized s;
  s.rows = q.rows;
  s.cols = count;
  s.format = q.format;
  s.channel_axis = q.channel_axis;
  s.codes.resize(size_t(q.rows) * size_t(count));
  for (int r = 0; r < q.rows; ++r)
    std::copy_n(&q.codes[size_t(r) * q.cols + first], count, &s.codes[size_t(r) * count]);
  // Per-row scales (A) belong to every column; per-column scales (B) are cut too.
  if (q.scales.size() == 1 || q.channel_axis == workload::Axis::rows) s.scales = q.scales;
  else s.scales.assign(q.scales.begin() + first, q.scales.begin() + first + count);
  return s;
}

}  // namespace

uint64_t layer_seed(uint64_t seed, size_t index) {
  // splitmix64 (Steele, Lea, Flood 2014): a bijective mix, so distinct inputs give distinct seeds.
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (uint64_t(index) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

LayerOverrides layer_overrides(const workload::Topology& t, size_t index, const std::vector<config::FileOverride>& rule) {
  const workload::Layer& L = t.layers.at(index);
  LayerOverrides o;
  // The data model (the layer's, else the topology's, per tensor): the distribution
  // and its parameters replace the config's; its other keys (quantization) stay.
  for (const char* tensor : {"a", "b"}) {
    const YAML::Node d = L.data.IsMap() && L.data[tensor] ? L.data[tensor]
                         : t.data.IsMap() && t.data[tensor] ? t.data[tensor]
                                                            : YAML::Node();
    if (!d.IsMap()) continue;
    const std::string prefix = std::string("workload.") + tensor + ".";
    for (const char* p : {"distribution", "low", "high", "mean", "std", "scale", "nu", "fraction", "magnitude", "path"})
      o.before_sets.push_back({prefix + p, YAML::Node(YAML::NodeType::Null), t.path, t.base_dir, d.Mark()});
    for (auto& x : config::overrides_from(d, t.path, t.base_dir)) {
      x.key = prefix + x.key;
      o.before_sets.push_back(std::move(x));
    }
  }
  for (auto& x : config::overrides_from(t.defaults, t.path, t.base_dir)) o.before_sets.push_back(std::move(x));
  for (auto& x : config::overrides_from(L.set, t.path, t.base_dir)) o.before_sets.push_back(std::move(x));
  o.after_sets = rule;
  // The layer's shape replaces the network: one group's GEMM, no topology or policy of its own.
  YAML::Node gemm(YAML::NodeType::Map);
  gemm["m"] = L.m;
  gemm["k"] = L.k;
  gemm["n"] = L.n;
  for (const char* key : {"workload.topology", "policy"})
    o.after_sets.push_back({key, YAML::Node(YAML::NodeType::Null), t.path, t.base_dir, line_mark(L.line)});
  o.after_sets.push_back({"workload.gemm", gemm, t.path, t.base_dir, line_mark(L.line)});
  return o;
}

config::Config layer_config(const config::Recipe& recipe, const workload::Topology& t, size_t index,
                            const std::vector<config::FileOverride>& rule) {
  config::Config c;
  try {
    const LayerOverrides o = layer_overrides(t, index, rule);
    const workload::Layer& L = t.layers[index];
    // .npy operands are the layer's whole tensors (layer_data): a convolution's ifmap, G groups side by side.
    const std::array<int, 4> shapes = {L.conv ? L.conv->ifmap_h * L.conv->ifmap_w : L.m,
                                       L.conv ? L.conv->channels : L.k * L.groups, L.k, L.n * L.groups};
    c = config::load(recipe, o.before_sets, o.after_sets, shapes);
  } catch (const InputError& e) {
    in_layer(e, t, t.layers[index]);
  }
  c.workload.a.seed = layer_seed(c.workload.a.seed, index);
  c.workload.b.seed = layer_seed(c.workload.b.seed, index);
  return c;
}

LayerData layer_data(const config::Config& cfg, const workload::Layer& L, int threads) {
  LayerData d;
  const auto& w = cfg.workload;
  if (L.conv) {
    const workload::ConvSpec& c = *L.conv;
    d.ifmap = workload::generate(w.a, c.ifmap_h * c.ifmap_w, c.channels, workload::Axis::cols, threads);
    d.a = workload::im2col(d.ifmap, c, workload::lower_conv(c));
  } else {
    d.a = workload::generate(w.a, L.m, L.k * L.groups, workload::Axis::cols, threads);
  }
  d.b = workload::generate(w.b, L.k, L.n * L.groups, workload::Axis::cols, threads);
  check_finite(d.a, w.a, cfg.mac.a, "a");
  check_finite(d.b, w.b, cfg.mac.b, "b");
  return d;
}

LayerOperands quantize_layer(const config::Config& cfg, const workload::Layer& L, const LayerData& d, int threads) {
  const auto& w = cfg.workload;
  LayerOperands q;
  if (L.conv && w.a.granularity == workload::Granularity::per_tensor) {
    const workload::Quantized f = quantize_named(d.ifmap, cfg.mac.a, w.a, workload::Axis::rows, "a", threads);
    q.qa.rows = d.a.rows;
    q.qa.cols = d.a.cols;
    q.qa.format = f.format;
    q.qa.channel_axis = workload::Axis::rows;
    q.qa.scales = f.scales;  // one scale
    q.qa.codes = workload::im2col_codes(f.codes, *L.conv, workload::lower_conv(*L.conv));
  } else {
    q.qa = quantize_named(d.a, cfg.mac.a, w.a, workload::Axis::rows, "a", threads);
  }
  q.qb = quantize_named(d.b, cfg.mac.b, w.b, workload::Axis::cols, "b", threads);
  return q;
}

Operands group_operands(const LayerData& d, const LayerOperands& q, const workload::Layer& L, int g) {
  Operands o;
  o.a = columns(d.a, g * L.k, L.k);
  o.b = columns(d.b, g * L.n, L.n);
  o.qa = columns(q.qa, g * L.k, L.k);
  o.qb = columns(q.qb, g * L.n, L.n);
  return o;
}

}  // namespace qmac::run
