// Running a network: every layer's groups through run::simulate, then the
// per-layer results and the totals (network.hpp; README "Networks" says how each
// total is formed).
#include "sim/run/network.hpp"

#include <fnmatch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "sim/cost_files.hpp"
#include "sim/errors.hpp"
#include "sim/run/network_policy.hpp"
#include "sim/run/report.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

namespace {

double sqnr_from(long double signal, long double noise, uint64_t nonfinite) {
  const double inf = std::numeric_limits<double>::infinity();
  if (nonfinite > 0) return -inf;  // as run::compare: an inf/NaN output is an unbounded error
  if (noise == 0) return inf;
  return double(10 * std::log10(signal / noise));
}

ordered_json conv_json(const workload::ConvSpec& c) {
  const workload::ConvGemm g = workload::lower_conv(c);
  return {{"ifmap", {c.ifmap_h, c.ifmap_w}},
          {"channels", c.channels},
          {"filter", {c.filter_h, c.filter_w}},
          {"filters", c.filters},
          {"stride", {c.stride_h, c.stride_w}},
          {"padding", {c.pad_top, c.pad_bottom, c.pad_left, c.pad_right}},
          {"dilation", {c.dilation_h, c.dilation_w}},
          {"rounding", c.rounding == workload::ConvSpec::Rounding::floor ? "floor" : "scalesim"},
          {"ofmap", {g.ofmap_h, g.ofmap_w}}};
}

ordered_json accuracy_json(const LayerResult& r) {
  return {{"sqnr_db", finite_or_null(r.sqnr_db())},
          {"max_abs_error", finite_or_null(r.max_abs_error)},
          {"overflows", r.overflows},
          {"sqnr_db_vs_dequantized", finite_or_null(r.sqnr_db_vs_dequantized())},
          {"max_abs_error_vs_dequantized", finite_or_null(r.max_abs_error_dequantized)},
          {"nonfinite_outputs", r.nonfinite},
          {"invalid_operands", r.invalid}};
}

ordered_json layer_json(const workload::Topology& t, const workload::Layer& L, const LayerResult& r,
                        const ordered_json& policy) {
  const config::Config& c = r.config;
  ordered_json j;
  j["name"] = L.name;
  j["line"] = L.line;
  j["gemm"] = {{"m", L.m}, {"k", L.k}, {"n", L.n}};
  j["groups"] = L.groups;
  j["repeat"] = L.repeat;
  if (L.conv) j["conv"] = conv_json(*L.conv);
  j["precision"] = {{"a", c.mac.a.name}, {"b", c.mac.b.name}, {"accumulator", c.mac.acc.describe()}};
  const ordered_json cj = config::to_json(c);
  j["data"] = {{"a", cj["workload"]["a"]}, {"b", cj["workload"]["b"]}};
  j["cycles"] = r.cycles;
  j["macs"] = r.macs;
  j["folds"] = r.folds;
  j["utilization"] = r.cycles ? double(r.macs) / (double(r.cycles) * c.array.rows * c.array.cols) : 0.0;
  j["accuracy"] = accuracy_json(r);
  j["cost"] = cost_json(c, &r.activity, r.macs);
  j["activity"] = {{"cycles", r.activity.cycles}, {"pe_cycles", r.activity.pe_cycles}, {"macs", r.activity.macs}};
  if (!policy.is_null()) j["policy"] = policy;
  (void)t;
  return j;
}

// The totals of cli-contract.md's keys over all layers, each layer counted
// `repeat` times (README "Networks" states each rule).
void add_totals(ordered_json& out, const std::vector<const workload::Layer*>& layers,
                const std::vector<LayerResult>& results, const ordered_json& layer_js) {
  uint64_t cycles = 0, macs = 0, folds = 0, overflows = 0, nonfinite = 0, invalid = 0;
  double pe_cycles = 0, energy = 0, seconds = 0, max_err = 0;
  long double nsr = 0;  // sum of noise-to-signal ratios
  bool any_exact = false;
  double worst = std::numeric_limits<double>::infinity();
  std::string worst_name;
  double mac_gates = 0, pe_gates = 0, array_gates = 0, area = 0, separate_area = 0, acc_bits = 0;
  std::map<std::string, double> distinct_arrays;  // MAC + array shape -> area
  for (size_t i = 0; i < results.size(); ++i) {
    const LayerResult& r = results[i];
    const uint64_t rep = layers[i]->repeat;
    const config::Config& c = r.config;
    cycles += rep * r.cycles;
    macs += rep * r.macs;
    folds += rep * r.folds;
    overflows += rep * r.overflows;
    nonfinite += rep * r.nonfinite;
    invalid += rep * r.invalid;
    pe_cycles += double(rep) * double(r.cycles) * c.array.rows * c.array.cols;
    const ordered_json& cost = layer_js[i]["cost"];
    energy += double(rep) * cost["energy_pj"].get<double>();
    seconds += double(rep) * double(r.activity.cycles) / (load_technology(c.cost.technology).clock_ghz * 1e9);
    max_err = std::max(max_err, r.max_abs_error);
    const double s = r.sqnr_db();
    if (std::isinf(s) && s > 0) any_exact = true;
    else nsr += (long double)rep * (std::isinf(s) ? std::numeric_limits<long double>::infinity()
                                                  : std::pow(10.0L, (long double)-s / 10));
    if (s < worst || worst_name.empty()) worst = s, worst_name = layers[i]->name;
    mac_gates = std::max(mac_gates, cost["mac_gates"].get<double>());
    pe_gates = std::max(pe_gates, cost["pe_gates"].get<double>());
    array_gates = std::max(array_gates, cost["array_gates"].get<double>());
    area = std::max(area, cost["area_um2"].get<double>());
    acc_bits = std::max(acc_bits, cost["accumulator_bits"].get<double>());
    const std::string key = fmt::format("{}x{} {} x {} -> {}", c.array.rows, c.array.cols, c.mac.a.name, c.mac.b.name,
                                        c.mac.acc.describe());
    distinct_arrays[key] = cost["area_um2"].get<double>();
  }
  for (const auto& [k, a] : distinct_arrays) separate_area += a;
  (void)any_exact;
  const double inf = std::numeric_limits<double>::infinity();
  const double net_sqnr = nonfinite ? -inf : nsr == 0 ? inf : double(-10 * std::log10(nsr));
  out["cycles"] = cycles;
  out["macs"] = macs;
  out["folds"] = folds;
  out["utilization"] = pe_cycles > 0 ? double(macs) / pe_cycles : 0.0;
  out["accuracy"] = {{"sqnr_db", finite_or_null(net_sqnr)},
                     {"max_abs_error", finite_or_null(max_err)},
                     {"overflows", overflows},
                     {"min_layer_sqnr_db", finite_or_null(worst)},
                     {"worst_layer", worst_name},
                     {"nonfinite_outputs", nonfinite},
                     {"invalid_operands", invalid},
                     {"sqnr_method", "additive noise: -10 log10(sum over layers and repeats of 10^(-SQNR_layer/10))"}};
  ordered_json cost;
  cost["mac_gates"] = mac_gates;
  cost["pe_gates"] = pe_gates;
  cost["array_gates"] = array_gates;
  cost["area_um2"] = area;
  cost["area_um2_separate_arrays"] = separate_area;
  cost["energy_pj"] = energy;
  cost["pj_per_mac"] = macs ? energy / double(macs) : 0.0;
  cost["tops_per_w"] = energy > 0 ? 2.0 * double(macs) / energy : 0.0;
  cost["accumulator_bits"] = int(acc_bits);  // the widest layer's
  cost["seconds"] = seconds;
  cost["edp_pj_s"] = energy * seconds;
  cost["distinct_macs"] = distinct_arrays.size();
  out["cost"] = cost;
}

}  // namespace

double LayerResult::sqnr_db() const {
  return group_fp64.size() == 1 ? group_fp64[0].sqnr_db : sqnr_from(signal, noise, nonfinite);
}
double LayerResult::sqnr_db_vs_dequantized() const {
  return group_dequantized.size() == 1 ? group_dequantized[0].sqnr_db : sqnr_from(signal, noise_dequantized, nonfinite);
}

namespace {

// Adds one group's simulation (an m x k x n GEMM) to a layer's result.
void add_group(LayerResult& r, const Simulation& s, int m, int k, int n) {
  const long double outputs = (long double)m * n;
  r.cycles += s.result.cycles;
  r.folds += s.result.folds;
  r.macs += uint64_t(m) * uint64_t(k) * uint64_t(n);
  r.activity += s.result.activity;
  r.overflows += s.result.stats.overflows;
  r.invalid += s.result.stats.invalid;
  r.nonfinite += s.vs_fp64.nonfinite;
  r.group_fp64.push_back(s.vs_fp64);
  r.group_dequantized.push_back(s.vs_dequantized);
  // compare() keeps rms over the finite outputs; with none non-finite that is all of them.
  r.signal += (long double)s.vs_fp64.signal_rms * s.vs_fp64.signal_rms * outputs;
  if (s.vs_fp64.nonfinite == 0) {
    r.noise += (long double)s.vs_fp64.rms_error * s.vs_fp64.rms_error * outputs;
    r.noise_dequantized += (long double)s.vs_dequantized.rms_error * s.vs_dequantized.rms_error * outputs;
    r.max_abs_error = std::max(r.max_abs_error, s.vs_fp64.max_abs_error);
    r.max_abs_error_dequantized = std::max(r.max_abs_error_dequantized, s.vs_dequantized.max_abs_error);
  } else {
    r.max_abs_error = r.max_abs_error_dequantized = std::numeric_limits<double>::infinity();
  }
}

}  // namespace

LayerResult run_layer(const config::Config& cfg, const workload::Layer& L, const LayerData& d) {
  LayerResult r;
  r.config = cfg;
  const LayerOperands q = quantize_layer(cfg, d);
  for (int g = 0; g < L.groups; ++g) add_group(r, simulate(cfg, group_operands(d, q, L, g), nullptr), L.m, L.k, L.n);
  return r;
}

LayerResult run_single(const config::Config& cfg) {
  LayerResult r;
  r.config = cfg;
  add_group(r, simulate(cfg, nullptr), cfg.workload.m, cfg.workload.k, cfg.workload.n);
  return r;
}

workload::Topology check_network(const config::Recipe& recipe, const config::Config& cfg) {
  workload::Topology t = workload::load_topology(cfg.workload.topology);
  for (size_t i = 0; i < t.layers.size(); ++i) {
    layer_config(recipe, t, i);
    for (const auto& rule : cfg.policy.rules)  // every rule that may switch the layer must make a valid config
      if (fnmatch(rule.layers.c_str(), t.layers[i].name.c_str(), 0) == 0) layer_config(recipe, t, i, rule.set);
  }
  return t;
}

ordered_json run_network(const config::Recipe& recipe, const config::Config& cfg, const NetworkOptions& opt) {
  const workload::Topology t = check_network(recipe, cfg);
  ordered_json out;
  out["config"] = config::to_json(cfg);
  uint64_t total_macs = 0;
  for (const auto& L : t.layers) total_macs += L.macs() * L.repeat;
  out["topology"] = {{"path", t.path},
                     {"name", t.name},
                     {"format", workload::topology_format_name(t.format)},
                     {"layers", t.layers.size()},
                     {"macs", total_macs}};
  std::vector<LayerResult> results;
  std::vector<const workload::Layer*> layers;
  ordered_json layer_js = ordered_json::array();
  std::vector<std::string> switched;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < t.layers.size(); ++i) {
    const workload::Layer& L = t.layers[i];
    const auto t0 = std::chrono::steady_clock::now();
    PolicyOutcome p = run_layer_with_policy(recipe, cfg, t, i);
    if (p.rule >= 0) switched.push_back(L.name);
    layer_js.push_back(layer_json(t, L, p.result, p.json));
    results.push_back(std::move(p.result));
    layers.push_back(&L);
    if (opt.progress)
      std::fprintf(stderr, "qmac run: layer %zu/%zu %s: %.2f s (%.1f s in all)\n", i + 1, t.layers.size(),
                   L.name.c_str(), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  out["layers"] = layer_js;
  add_totals(out, layers, results, layer_js);
  if (!cfg.policy.empty())
    out["policy"] = {{"name", cfg.policy.name}, {"switched", switched}, {"switched_count", switched.size()}};
  return out;
}

}  // namespace qmac::run
