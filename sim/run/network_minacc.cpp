// qmac minacc: bisection over accumulator widths through the simulator
// (network_minacc.hpp states the search and its assumptions).
#include "sim/run/network_minacc.hpp"

#include <fnmatch.h>

#include <cmath>
#include <functional>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "models/numerics/codec.hpp"
#include "sim/config/policy.hpp"
#include "sim/errors.hpp"
#include "sim/run/report.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

namespace {

constexpr int kExactIntBits = 64;
constexpr int kExactFixedBits = 126;

// One accumulator choice as config overrides (the output buffer back to its default).
std::vector<config::FileOverride> mac_overrides(const std::string& format, const std::string& acc_yaml) {
  std::vector<config::FileOverride> o;
  for (const char* key : {"mac.a", "mac.b"}) o.push_back({key, YAML::Node(format), "qmac minacc", "."});
  o.push_back({"mac.accumulator", YAML::Load(acc_yaml), "qmac minacc", "."});
  o.push_back({"array.output_buffer", YAML::Node(YAML::NodeType::Null), "qmac minacc", "."});
  return o;
}

// The kinds of accumulator a format's products go into, and how the search
// parameter (bits) becomes an accumulator.
struct Kind {
  std::string name;
  std::function<std::string(int bits)> yaml;   // the accumulator at `bits`
  std::function<std::string(int bits)> label;  // e.g. "int18", "fixed41", "e8m10"
  int exact_bits = 0, max_bits = 0;            // the search's top; exact_bits < 0: reference is another kind
  std::string exact_yaml, baseline_yaml, baseline_label;
};

bool valid(const num::Format& f, const num::AccumulatorSpec& acc) {
  try {
    num::validate(num::MacSpec{f, f, acc, true});
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// The accumulators a format's search needs: its exact reference and its
// baseline (INT32 / FP32). A format whose products these cannot hold (bf16's
// Kulisch register is wider than 126 bits; int32's products do not fit INT32)
// is refused before any simulation, naming the argument.
void check_minacc_options(const MinaccOptions& opt) {
  if (const std::string why = config::glob_problem(opt.layers); !why.empty())
    throw InputError("argument --layers", "'" + opt.layers + "' " + why + "; expected a glob on layer names, e.g. '*.ffn_*'");
  size_t searches = 0;
  for (const std::string& format : opt.formats) {
    const num::Format f = num::parse_format(format);
    auto need = [&](const num::AccumulatorSpec& acc, const std::string& what) {
      try {
        num::validate(num::MacSpec{f, f, acc, true});
      } catch (const std::exception& e) {
        throw InputError("argument --formats", "'" + format + "': its " + what + " (" + acc.describe() +
                                                   ") cannot take its products: " + e.what() +
                                                   "; expected a format whose products both hold (e.g. int4..int16, fp8_*, fp16)");
      }
    };
    num::AccumulatorSpec exact, base;
    const bool int_kind = f.is_int();
    if (int_kind) {
      exact.kind = base.kind = num::AccKind::integer;
      exact.width = kExactIntBits;
      base.width = 32;
    } else {
      exact = num::kulisch_for(f, f);
      exact.width = kExactFixedBits;
      base.kind = num::AccKind::floating;
      base.format = num::parse_format("fp32");
    }
    need(exact, "exact accumulator");
    need(base, "baseline accumulator");
    for (const auto& k : opt.kinds)
      if (int_kind ? k == "int" : (k == "fixed" || k == "float")) ++searches;
  }
  if (searches == 0)
    throw InputError("argument --kinds", "no kind applies to the formats; expected int for integer formats, fixed "
                                         "or float for floating-point ones");
}

struct Evaluation {
  int bits = 0;
  LayerResult result;
  ordered_json cost;
};

struct Target {
  std::string name;
  const workload::Layer* layer = nullptr;  // null: the config's single GEMM
  size_t index = 0;
  uint64_t macs = 0;
  int m = 0, k = 0, n = 0, groups = 1;
};

}  // namespace

ordered_json run_minacc(const config::Recipe& recipe, const config::Config& cfg, const MinaccOptions& opt) {
  if (cfg.engine == array::Engine::analytic)
    throw InputError("engine", "the analytic engine computes no accuracy, which minacc searches by; expected fast or pe");
  check_minacc_options(opt);
  std::optional<workload::Topology> topo;
  std::vector<Target> targets;
  if (!cfg.workload.topology.empty()) {
    topo = check_network(recipe, cfg);
    for (size_t i = 0; i < topo->layers.size(); ++i) {
      const workload::Layer& L = topo->layers[i];
      if (fnmatch(opt.layers.c_str(), L.name.c_str(), 0) != 0) continue;
      targets.push_back({L.name, &L, i, L.macs(), L.m, L.k, L.n, L.groups});
    }
    if (targets.empty())
      throw InputError("argument --layers", "'" + opt.layers + "' matches no layer of " + topo->path +
                                                "; expected a glob on its layer names");
  } else {
    const auto& w = cfg.workload;
    targets.push_back({"gemm", nullptr, 0, uint64_t(w.m) * w.k * w.n, w.m, w.k, w.n, 1});
  }
  ordered_json out;
  out["config"] = config::to_json(cfg);
  out["tolerance_db"] = opt.tolerance_db;
  ordered_json layers = ordered_json::array();
  for (const Target& t : targets) {
    // The layer's data once (it does not depend on the MAC); each evaluation quantises it.
    std::optional<LayerData> data;
    std::map<std::string, std::pair<LayerResult, ordered_json>> cache;  // format + accumulator -> its run
    auto evaluate = [&](const std::string& format, const std::string& acc_yaml) {
      const std::string key = format + " " + acc_yaml;
      if (auto it = cache.find(key); it != cache.end()) return it->second;
      const auto o = mac_overrides(format, acc_yaml);
      config::Config c;
      LayerResult r;
      if (t.layer) {
        c = layer_config(recipe, *topo, t.index, o);
        if (!data) data = layer_data(c, *t.layer);
        r = run_layer(c, *t.layer, *data);
      } else {
        c = config::load(recipe, {}, o);
        r = run_single(c);
      }
      ordered_json cost = cost_json(c, &r.activity, r.macs);
      return cache.emplace(key, std::make_pair(std::move(r), std::move(cost))).first->second;
    };
    ordered_json lj;
    lj["name"] = t.name;
    lj["gemm"] = {{"m", t.m}, {"k", t.k}, {"n", t.n}};
    lj["groups"] = t.groups;
    lj["macs"] = t.macs;
    ordered_json results = ordered_json::array();
    for (const std::string& format : opt.formats) {
      const num::Format f = num::parse_format(format);
      std::vector<Kind> kinds;
      if (f.is_int()) {
        kinds.push_back({"int", [](int b) { return fmt::format("{{type: int, width: {}}}", b); },
                         [](int b) { return fmt::format("int{}", b); }, kExactIntBits, kExactIntBits,
                         fmt::format("{{type: int, width: {}}}", kExactIntBits), "{type: int, width: 32}", "int32"});
      } else {
        const num::AccumulatorSpec k = num::kulisch_for(f, f);
        const std::string exact = fmt::format("{{type: fixed, width: {}, frac_bits: {}}}", kExactFixedBits, k.frac_bits);
        kinds.push_back({"fixed",
                         [k](int b) { return fmt::format("{{type: fixed, width: {}, frac_bits: {}}}", b, k.frac_bits); },
                         [](int b) { return fmt::format("fixed{}", b); }, kExactFixedBits, kExactFixedBits, exact,
                         "{type: float, format: fp32}", "fp32"});
        kinds.push_back({"float", [](int b) { return fmt::format("{{type: float, format: e8m{}}}", b); },
                         [](int b) { return fmt::format("e8m{}", b); }, -1, 23, exact, "{type: float, format: fp32}",
                         "fp32"});
      }
      for (const Kind& kind : kinds) {
        if (std::find(opt.kinds.begin(), opt.kinds.end(), kind.name) == opt.kinds.end()) continue;
        // The smallest width the numerics core accepts.
        int lo = 1;
        auto spec_at = [&](int b) {
          num::AccumulatorSpec s;
          if (kind.name == "float") {
            s.kind = num::AccKind::floating;
            s.format = num::parse_format(fmt::format("e8m{}", b));
          } else if (kind.name == "fixed") {
            s = num::kulisch_for(f, f);
            s.width = b;
          } else {
            s.kind = num::AccKind::integer;
            s.width = b;
          }
          return s;
        };
        while (lo < kind.max_bits && !valid(f, spec_at(lo))) ++lo;
        std::map<int, Evaluation> evals;
        auto at = [&](int b) -> const Evaluation& {
          auto it = evals.find(b);
          if (it == evals.end()) {
            auto [r, c] = evaluate(format, kind.yaml(b));
            it = evals.emplace(b, Evaluation{b, std::move(r), std::move(c)}).first;
          }
          return it->second;
        };
        auto [exact, exact_cost] = evaluate(format, kind.exact_yaml);
        const double target = exact.sqnr_db() - opt.tolerance_db;
        auto good = [&](int b) { return at(b).result.sqnr_db() >= target; };
        std::optional<int> best;
        if (good(kind.max_bits)) {
          int a = lo, z = kind.max_bits;  // good(z); find the smallest good in [a, z]
          while (a < z) {
            const int mid = a + (z - a) / 2;
            if (good(mid)) z = mid;
            else a = mid + 1;
          }
          best = z;
        }
        auto [base, base_cost] = evaluate(format, kind.baseline_yaml);
        ordered_json rj;
        rj["format"] = format;
        rj["kind"] = kind.name;
        rj["exact_sqnr_db"] = finite_or_null(exact.sqnr_db());
        rj["exact"] = exact.config.mac.acc.describe();
        auto summary = [](const LayerResult& r, const ordered_json& c) {
          return ordered_json{{"accumulator", r.config.mac.acc.describe()},
                              {"sqnr_db", finite_or_null(r.sqnr_db())},
                              {"overflows", r.overflows},
                              {"area_um2", c["area_um2"]},
                              {"energy_pj", c["energy_pj"]}};
        };
        rj["baseline"] = summary(base, base_cost);
        if (best) {
          const Evaluation& e = at(*best);
          rj["min"] = summary(e.result, e.cost);
          rj["min"]["bits"] = *best;
          rj["min"]["label"] = kind.label(*best);
          rj["area_saved"] = 1.0 - e.cost["area_um2"].get<double>() / base_cost["area_um2"].get<double>();
          rj["energy_saved"] = 1.0 - e.cost["energy_pj"].get<double>() / base_cost["energy_pj"].get<double>();
        } else {
          rj["min"] = nullptr;  // even the widest of this kind is not within the tolerance
        }
        ordered_json ev = ordered_json::array();
        for (const auto& [b, e] : evals) ev.push_back({{"bits", b}, {"sqnr_db", finite_or_null(e.result.sqnr_db())}});
        rj["evaluations"] = ev;
        results.push_back(rj);
      }
    }
    lj["results"] = results;
    layers.push_back(lj);
  }
  out["layers"] = layers;
  return out;
}

std::string minacc_table(const ordered_json& j) {
  std::string out = fmt::format("  narrowest accumulator within {} dB of an exact one (bisection through the simulator)\n",
                                j["tolerance_db"].get<double>());
  out += fmt::format("  {:<16} {:<10} {:<6} {:>9} {:>10} {:>10} {:>8} {:>10} {:>11}\n", "layer", "format", "kind",
                     "min", "SQNR dB", "exact dB", "vs", "area -%", "energy -%");
  auto db = [](const ordered_json& v) { return v.is_null() ? std::string("inf") : fmt::format("{:.2f}", v.get<double>()); };
  for (const auto& l : j["layers"])
    for (const auto& r : l["results"]) {
      const bool found = !r["min"].is_null();
      out += fmt::format("  {:<16} {:<10} {:<6} {:>9} {:>10} {:>10} {:>8} {:>10} {:>11}\n",
                         l["name"].get<std::string>().substr(0, 16), r["format"].get<std::string>(),
                         r["kind"].get<std::string>(), found ? r["min"]["label"].get<std::string>() : "none",
                         found ? db(r["min"]["sqnr_db"]) : "-", db(r["exact_sqnr_db"]),
                         r["baseline"]["accumulator"].get<std::string>().substr(0, 5),
                         found ? fmt::format("{:.1f}", 100 * r["area_saved"].get<double>()) : "-",
                         found ? fmt::format("{:.1f}", 100 * r["energy_saved"].get<double>()) : "-");
    }
  return out;
}

}  // namespace qmac::run
