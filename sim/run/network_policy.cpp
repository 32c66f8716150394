// run_layer_with_policy: the rules of a policy tried in order on one layer.
#include "sim/run/network_policy.hpp"

#include <fnmatch.h>

#include <cmath>
#include <optional>

#include "sim/errors.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

namespace {

struct Moments {
  long double mean = 0, var = 0, m4 = 0, max_dev = 0;
};

Moments moments(const std::vector<double>& x) {
  Moments m;
  if (x.empty()) return m;
  for (double v : x) m.mean += v;
  m.mean /= x.size();
  for (double v : x) {
    const long double d = v - m.mean, d2 = d * d;
    m.var += d2;
    m.m4 += d2 * d2;
    m.max_dev = std::max(m.max_dev, std::fabs(d));
  }
  m.var /= x.size();
  m.m4 /= x.size();
  return m;
}

// The values a tensor statistic measures: B, or A as the layer holds it — a
// convolution's ifmap, not its lowered im2col matrix, whose padding zeros and
// repeated pixels would inflate the kurtosis of plain Gaussian data (about 3/p
// for a non-padded fraction p).
const std::vector<double>& measured_values(const LayerData& d, char tensor) {
  if (tensor == 'b') return d.b.values;
  return d.ifmap.values.empty() ? d.a.values : d.ifmap.values;
}

bool same_data(const config::Config& x, const config::Config& y) {
  const auto jx = config::to_json(x)["workload"], jy = config::to_json(y)["workload"];
  return jx["a"] == jy["a"] && jx["b"] == jy["b"];
}

}  // namespace

double kurtosis(const std::vector<double>& x) {
  const Moments m = moments(x);
  return m.var > 0 ? double(m.m4 / (m.var * m.var)) : 0.0;
}

double max_over_std(const std::vector<double>& x) {
  const Moments m = moments(x);
  return m.var > 0 ? double(m.max_dev / std::sqrt(m.var)) : 0.0;
}

PolicyOutcome run_layer_with_policy(const config::Recipe& recipe, const config::Config& cfg,
                                    const workload::Topology& t, size_t index, int threads) {
  const workload::Layer& L = t.layers[index];
  const config::Config cfg0 = layer_config(recipe, t, index);
  const bool analytic = cfg0.engine == array::Engine::analytic;
  std::optional<LayerData> data0_store;  // generated once, when a simulation or a statistic needs it
  auto data0 = [&]() -> const LayerData& {
    if (!data0_store) data0_store = layer_data(cfg0, L, threads);
    return *data0_store;
  };
  auto data_for = [&](const config::Config& c) -> LayerData {
    return analytic ? LayerData{} : same_data(c, cfg0) ? data0() : layer_data(c, L, threads);
  };
  PolicyOutcome out;
  if (cfg.policy.empty()) {
    out.result = analytic ? analyze_layer(cfg0, L) : run_layer(cfg0, L, data0(), threads);
    return out;
  }
  std::optional<LayerResult> at_default;
  auto default_result = [&]() -> const LayerResult& {
    if (!at_default) at_default = analytic ? analyze_layer(cfg0, L) : run_layer(cfg0, L, data0(), threads);
    return *at_default;
  };
  std::optional<LayerResult> at_rule;  // the chosen rule's result, when a condition already ran it
  ordered_json checks = ordered_json::array();
  for (size_t k = 0; k < cfg.policy.rules.size() && out.rule < 0; ++k) {
    const config::PolicyRule& rule = cfg.policy.rules[k];
    if (fnmatch(rule.layers.c_str(), L.name.c_str(), 0) != 0) continue;
    std::optional<LayerResult> tried;
    if (rule.when) {
      const config::Condition& w = *rule.when;
      double value = 0;
      switch (w.measure) {
        case config::Measure::kurtosis: value = kurtosis(measured_values(data0(), w.tensor)); break;
        case config::Measure::max_over_std: value = max_over_std(measured_values(data0(), w.tensor)); break;
        case config::Measure::sqnr_db:
        case config::Measure::sqnr_gain_db:
          if (analytic)
            throw InputError(rule.where, std::string("policy measure ") + config::measure_name(w.measure) +
                                             " needs the layer's accuracy, which the analytic engine does not "
                                             "compute; expected --engine fast or pe, or a measure of the tensors");
          break;
        default: break;
      }
      switch (w.measure) {
        case config::Measure::sqnr_db: value = default_result().sqnr_db(); break;
        case config::Measure::sqnr_gain_db: {
          const config::Config c = layer_config(recipe, t, index, rule.set);
          tried = run_layer(c, L, data_for(c), threads);
          const double s1 = tried->sqnr_db(), s0 = default_result().sqnr_db();
          value = s1 == s0 ? 0.0 : s1 - s0;  // (equal infinities gain nothing)
          break;
        }
        default: break;
      }
      const bool holds = w.holds(value);
      std::string measure = config::measure_name(w.measure);
      if (w.measure == config::Measure::kurtosis || w.measure == config::Measure::max_over_std)
        measure += std::string("(") + w.tensor + ")";
      checks.push_back({{"rule", k},
                        {"measure", measure},
                        {"value", finite_or_null(value)},
                        {w.above ? "above" : "below", w.threshold},
                        {"holds", holds}});
      if (!holds) continue;
    }
    out.rule = int(k);
    at_rule = std::move(tried);
  }
  if (out.rule < 0) {
    out.result = default_result();
  } else if (at_rule) {
    out.result = std::move(*at_rule);
  } else {
    const config::Config c = layer_config(recipe, t, index, cfg.policy.rules[size_t(out.rule)].set);
    out.result = run_layer(c, L, data_for(c), threads);
  }
  out.json = {{"switched", out.rule >= 0},
              {"rule", out.rule >= 0 ? ordered_json(out.rule) : ordered_json(nullptr)},
              {"where", out.rule >= 0 ? ordered_json(cfg.policy.rules[size_t(out.rule)].where) : ordered_json(nullptr)},
              {"checks", checks}};
  return out;
}

}  // namespace qmac::run
