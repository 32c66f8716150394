// Applying a mixed-precision policy (sim/config/policy.hpp) to one layer of a
// network: which rule switches it, measured on the layer itself.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "sim/run/network.hpp"

namespace qmac::run {

struct PolicyOutcome {
  int rule = -1;                 // the rule that switched the layer; -1: the default precision
  LayerResult result;            // the layer simulated at the chosen precision
  nlohmann::ordered_json json;   // what was measured and decided (null without a policy)
};

// Simulates layer `index` of `t` under `cfg`'s policy: rules in order, the first
// whose pattern and condition hold applies its overrides. Simulations a
// condition needed are reused for the result, never repeated.
PolicyOutcome run_layer_with_policy(const config::Recipe& recipe, const config::Config& cfg,
                                    const workload::Topology& t, size_t index, int threads = 1);

// Statistics of a tensor's values (policy.hpp): Pearson's kurtosis
// E[(x-mean)^4] / var^2 (3 for a Gaussian) and max |x - mean| / std. A constant
// tensor has kurtosis 0 and max/std 0.
double kurtosis(const std::vector<double>& x);
double max_over_std(const std::vector<double>& x);

}  // namespace qmac::run
