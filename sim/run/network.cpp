// Running a network: every layer's groups through run::simulate, then the
// per-layer results and the totals (network.hpp; README "Networks" says how each
// total is formed).
#include "sim/run/network.hpp"

#include <fnmatch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <algorithm>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "sim/cost_files.hpp"
#include "sim/errors.hpp"
#include "sim/run/memory_report.hpp"
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

ordered_json layer_json(const workload::Layer& L, const LayerResult& r, const ordered_json& policy) {
  const config::Config& c = r.config;
  ordered_json j;
  j["name"] = L.name;
  j["line"] = L.line;
  j["gemm"] = {{"m", L.m}, {"k", L.k}, {"n", L.n}};
  j["groups"] = L.groups;
  j["repeat"] = L.repeat;
  if (L.conv) j["conv"] = conv_json(*L.conv);
  j["precision"] = {{"a", c.mac.a.name}, {"b", c.mac.b.name}, {"accumulator", c.mac.acc.describe()}};
  j["array"] = {{"rows", c.array.rows}, {"cols", c.array.cols}, {"dataflow", std::string(array::dataflow_name(c.array.dataflow))}};
  const ordered_json cj = config::to_json(c);
  j["data"] = {{"a", cj["workload"]["a"]}, {"b", cj["workload"]["b"]}};
  j["cycles"] = r.cycles;
  j["macs"] = r.macs;
  j["folds"] = r.folds;
  j["utilization"] = r.cycles ? double(r.macs) / (double(r.cycles) * c.array.rows * c.array.cols) : 0.0;
  if (r.analytic) {
    j["accuracy_note"] = "the analytic engine computes cycles, memory and cost from the schedule without operand data "
                         "or arithmetic, so it has no accuracy; run --engine fast or pe for accuracy.*";
  } else {
    j["accuracy"] = accuracy_json(r);
  }
  j["memory"] = memory_json(c, r.memory);
  // Energy from the simulated activity (static activity under the analytic engine), plus the memory's.
  j["cost"] = cost_json(c, r.analytic ? nullptr : &r.activity, r.macs);
  add_memory_energy(j["cost"], c, r.memory, r.macs);
  // Clocked time of the layer at the technology's clock (the totals' cost.seconds and EDP).
  j["seconds"] = double(r.activity.cycles) / (load_technology(c.cost.technology).clock_ghz * 1e9);
  j["activity"] = {{"cycles", r.activity.cycles}, {"pe_cycles", r.activity.pe_cycles}, {"macs", r.activity.macs}};
  if (!policy.is_null()) j["policy"] = policy;
  return j;
}

// A layer SQNR from its JSON: null is +inf (exact) or -inf (inf/NaN outputs).
double layer_sqnr(const ordered_json& l) {
  const ordered_json& v = l["accuracy"]["sqnr_db"];
  const double inf = std::numeric_limits<double>::infinity();
  return v.is_null() ? (l["accuracy"]["nonfinite_outputs"].get<uint64_t>() > 0 ? -inf : inf) : v.get<double>();
}

// The memory totals: every count summed (each layer `repeat` times), the
// average DRAM bandwidth weighted by the layers' clocked cycles, peaks the largest.
ordered_json memory_totals(const ordered_json& layers) {
  ordered_json t;
  double weight = 0, avg = 0;
  std::function<void(ordered_json&, const ordered_json&, double, const std::string&)> add =
      [&](ordered_json& dst, const ordered_json& src, double rep, const std::string& path) {
        for (auto it = src.begin(); it != src.end(); ++it) {
          const std::string key = path.empty() ? it.key() : path + "." + it.key();
          if (key == "word_bytes" || key == "dram_bandwidth.avg") continue;
          if (it.value().is_object()) {
            if (!dst.contains(it.key())) dst[it.key()] = ordered_json::object();
            add(dst[it.key()], it.value(), rep, key);
          } else if (it.value().is_number() && (key.rfind("calc_bandwidth", 0) == 0 || key == "dram_bandwidth.peak")) {
            dst[it.key()] = std::max(dst.value(it.key(), 0.0), it.value().get<double>());
          } else if (it.value().is_number_unsigned()) {
            dst[it.key()] = dst.value(it.key(), uint64_t(0)) + uint64_t(rep) * it.value().get<uint64_t>();
          } else if (it.value().is_number()) {
            dst[it.key()] = dst.value(it.key(), 0.0) + rep * it.value().get<double>();
          } else if (!dst.contains(it.key())) {
            dst[it.key()] = it.value();  // model, unit
          }
        }
      };
  for (const ordered_json& l : layers) {
    const double rep = l["repeat"].get<double>(), w = rep * l["activity"]["cycles"].get<double>();
    add(t, l["memory"], rep, "");
    avg += w * l["memory"]["dram_bandwidth"]["avg"].get<double>();
    weight += w;
  }
  if (t.contains("dram_bandwidth")) t["dram_bandwidth"]["avg"] = weight > 0 ? avg / weight : 0.0;
  return t;
}

// The totals of cli-contract.md's keys over all layers, each layer counted
// `repeat` times (README "Networks" states each rule), from the layers' JSON.
void add_totals(ordered_json& out, const ordered_json& layers) {
  uint64_t cycles = 0, macs = 0, folds = 0, overflows = 0, nonfinite = 0, invalid = 0;
  double pe_cycles = 0, energy = 0, seconds = 0, max_err = 0;
  long double nsr = 0;  // sum of noise-to-signal ratios
  double worst = std::numeric_limits<double>::infinity();
  std::string worst_name;
  double mac_gates = 0, pe_gates = 0, array_gates = 0, area = 0, separate_area = 0, acc_bits = 0;
  std::map<std::string, double> distinct_arrays;  // MAC + array shape -> area
  const bool accuracy = std::all_of(layers.begin(), layers.end(), [](const ordered_json& l) { return l.contains("accuracy"); });
  for (const ordered_json& l : layers) {
    const uint64_t rep = l["repeat"];
    const ordered_json& cost = l["cost"];
    cycles += rep * l["cycles"].get<uint64_t>();
    macs += rep * l["macs"].get<uint64_t>();
    folds += rep * l["folds"].get<uint64_t>();
    pe_cycles += double(rep) * l["cycles"].get<double>() * l["array"]["rows"].get<double>() * l["array"]["cols"].get<double>();
    energy += double(rep) * cost["energy_pj"].get<double>();
    seconds += double(rep) * l["seconds"].get<double>();
    mac_gates = std::max(mac_gates, cost["mac_gates"].get<double>());
    pe_gates = std::max(pe_gates, cost["pe_gates"].get<double>());
    array_gates = std::max(array_gates, cost["array_gates"].get<double>());
    area = std::max(area, cost["area_um2"].get<double>());
    acc_bits = std::max(acc_bits, cost["accumulator_bits"].get<double>());
    const auto& p = l["precision"];
    const std::string key = fmt::format("{}x{} {} x {} -> {}", l["array"]["rows"].get<int>(),
                                        l["array"]["cols"].get<int>(), p["a"].get<std::string>(),
                                        p["b"].get<std::string>(), p["accumulator"].get<std::string>());
    distinct_arrays[key] = cost["area_um2"].get<double>();
    if (!accuracy) continue;
    const ordered_json& acc = l["accuracy"];
    overflows += rep * acc["overflows"].get<uint64_t>();
    nonfinite += rep * acc["nonfinite_outputs"].get<uint64_t>();
    invalid += rep * acc["invalid_operands"].get<uint64_t>();
    max_err = acc["max_abs_error"].is_null() ? std::numeric_limits<double>::infinity()
                                             : std::max(max_err, acc["max_abs_error"].get<double>());
    const double s = layer_sqnr(l);
    if (!(std::isinf(s) && s > 0))
      nsr += (long double)rep * (std::isinf(s) ? std::numeric_limits<long double>::infinity()
                                               : std::pow(10.0L, (long double)-s / 10));
    if (s < worst || worst_name.empty()) worst = s, worst_name = l["name"].get<std::string>();
  }
  for (const auto& [k, a] : distinct_arrays) separate_area += a;
  const double inf = std::numeric_limits<double>::infinity();
  const double net_sqnr = nonfinite ? -inf : nsr == 0 ? inf : double(-10 * std::log10(nsr));
  out["cycles"] = cycles;
  out["macs"] = macs;
  out["folds"] = folds;
  out["utilization"] = pe_cycles > 0 ? double(macs) / pe_cycles : 0.0;
  if (accuracy)
    out["accuracy"] = {{"sqnr_db", finite_or_null(net_sqnr)},
                     {"max_abs_error", finite_or_null(max_err)},
                     {"overflows", overflows},
                     {"min_layer_sqnr_db", finite_or_null(worst)},
                     {"worst_layer", worst_name},
                     {"nonfinite_outputs", nonfinite},
                     {"invalid_operands", invalid},
                       {"sqnr_method", "additive noise: -10 log10(sum over layers and repeats of 10^(-SQNR_layer/10))"}};
  else
    out["accuracy_note"] = "the analytic engine computes no accuracy (see the layers' accuracy_note)";
  out["memory"] = memory_totals(layers);
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
  memory::Report mem = s.memory;
  mem.stall_cycles = s.result.stall_cycles;  // as the engine executed them (as qmac run reports)
  add_report(r.memory, mem);
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

// memory::Counts (words) and ByteCounts (bytes) have the same fields.
template <class Counts>
void add_counts(Counts& t, const Counts& r) {
  t.sram_reads_a += r.sram_reads_a, t.sram_reads_b += r.sram_reads_b, t.sram_reads_c += r.sram_reads_c;
  t.sram_writes_a += r.sram_writes_a, t.sram_writes_b += r.sram_writes_b, t.sram_writes_c += r.sram_writes_c;
  t.dram_reads_a += r.dram_reads_a, t.dram_reads_b += r.dram_reads_b, t.dram_reads_c += r.dram_reads_c;
  t.dram_writes_c += r.dram_writes_c;
}

void add_report(memory::Report& t, const memory::Report& r) {
  const double cycles = double(t.cycles) + double(r.cycles);
  t.dram_bandwidth_avg =
      cycles > 0 ? (t.dram_bandwidth_avg * double(t.cycles) + r.dram_bandwidth_avg * double(r.cycles)) / cycles : 0.0;
  t.dram_bandwidth_peak = std::max(t.dram_bandwidth_peak, r.dram_bandwidth_peak);
  t.model = r.model;  // (every GEMM of a layer has the layer's memory model)
  t.stall_cycles += r.stall_cycles;
  t.cycles += r.cycles;
  add_counts(t.words, r.words);
  add_counts(t.bytes, r.bytes);
  t.refetched_tiles_a += r.refetched_tiles_a;
  t.refetched_tiles_b += r.refetched_tiles_b;
  t.spilled_tiles_c += r.spilled_tiles_c;
  t.calc_bandwidth_a = std::max(t.calc_bandwidth_a, r.calc_bandwidth_a);
  t.calc_bandwidth_b = std::max(t.calc_bandwidth_b, r.calc_bandwidth_b);
  t.calc_bandwidth_c = std::max(t.calc_bandwidth_c, r.calc_bandwidth_c);
}

LayerResult analyze_layer(const config::Config& cfg, const workload::Layer& L) {
  memory::Analysis a;
  try {
    a = memory::analyze(config::array_options(cfg), L.m, L.k, L.n, cfg.mac.pipeline_stages, cfg.memory,
                        word_bytes(cfg));
  } catch (const ModelError& e) {
    throw InputError("memory", e.what());
  }
  LayerResult r;
  r.config = cfg;
  r.analytic = true;
  for (int g = 0; g < L.groups; ++g) {  // G identical GEMMs, one after the other
    r.cycles += a.cycles;
    r.folds += a.folds;
    r.macs += a.macs;
    r.activity.cycles += a.clocked;
    add_report(r.memory, a.memory);
  }
  return r;
}

LayerResult run_layer(const config::Config& cfg, const workload::Layer& L, const LayerData& d, int threads) {
  if (cfg.engine == array::Engine::analytic) return analyze_layer(cfg, L);
  LayerResult r;
  r.config = cfg;
  const LayerOperands q = quantize_layer(cfg, L, d, threads);
  for (int g = 0; g < L.groups; ++g)
    add_group(r, simulate(cfg, group_operands(d, q, L, g), nullptr, threads), L.m, L.k, L.n);
  return r;
}

LayerResult run_single(const config::Config& cfg, int threads) {
  LayerResult r;
  r.config = cfg;
  add_group(r, simulate(cfg, nullptr, threads), cfg.workload.m, cfg.workload.k, cfg.workload.n);
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

ordered_json run_network_layer(const config::Recipe& recipe, const config::Config& cfg, const workload::Topology& t,
                               size_t index, int threads) {
  PolicyOutcome p = run_layer_with_policy(recipe, cfg, t, index, threads);
  return layer_json(t.layers[index], p.result, p.json);
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
  const ordered_json layers = run_layers(recipe, cfg, t, opt);
  out["layers"] = layers;
  add_totals(out, layers);
  if (!cfg.policy.empty()) {
    std::vector<std::string> switched;
    for (const auto& l : layers)
      if (l["policy"]["switched"].get<bool>()) switched.push_back(l["name"].get<std::string>());
    out["policy"] = {{"name", cfg.policy.name}, {"switched", switched}, {"switched_count", switched.size()}};
    // A rule whose glob names no layer of this network never applies: say so
    // (a shipped policy may target layers another network does not have, but a
    // typo in a name must not pass as "nothing needed switching").
    ordered_json unmatched = ordered_json::array();
    for (size_t k = 0; k < cfg.policy.rules.size(); ++k) {
      const config::PolicyRule& rule = cfg.policy.rules[k];
      bool any = false;
      for (const auto& L : t.layers) any = any || fnmatch(rule.layers.c_str(), L.name.c_str(), 0) == 0;
      if (!any) unmatched.push_back({{"rule", k}, {"layers", rule.layers}, {"where", rule.where}});
    }
    out["policy"]["rules_matching_no_layer"] = unmatched;
  }
  return out;
}

}  // namespace qmac::run
