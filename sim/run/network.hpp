// Networks: `qmac run` over a topology's layers (workload.topology). Each layer
// becomes a config of its own -- the run's config, then the topology's
// `defaults`, the layer's `set`, the mixed-precision policy's rule, then its
// shape -- checked by the same config parser, and its G group GEMMs are
// simulated bit-exactly by run::simulate (one forked SystemC child each, as any
// `qmac run`). Per-layer results aggregate into the totals of the run JSON.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config/config.hpp"
#include "sim/run/simulate.hpp"
#include "sim/workload/topology.hpp"

namespace qmac::run {

// ---- one layer's config and data (network_layers.cpp) ------------------------------

// Seed of layer `index`'s tensors when its config says `seed`: every layer draws
// fresh numbers, reproducibly (splitmix64 of seed + golden-ratio * (index + 1)).
uint64_t layer_seed(uint64_t seed, size_t index);

// The overrides that turn the run's config into layer `index`'s: the topology's
// `defaults` and the layer's `set` go before the command line's --set (which
// wins over the topology); `rule` (a policy rule's) and the layer's shape after.
struct LayerOverrides {
  std::vector<config::FileOverride> before_sets, after_sets;
};
LayerOverrides layer_overrides(const workload::Topology& t, size_t index,
                               const std::vector<config::FileOverride>& rule = {});

// Layer `index`'s config (one group's GEMM shape, per-layer seeds). An error
// names the file:line:column that caused it and the layer.
config::Config layer_config(const config::Recipe& recipe, const workload::Topology& t, size_t index,
                            const std::vector<config::FileOverride>& rule = {});

// A layer's whole operands, all groups side by side: A is M x (K * groups) (a
// convolution's im2col of its ifmap), B is K x (N * groups); FP64 values.
// Generated: A's outlier channels (distribution outliers) are its columns -- the
// input features / channels -- and B's are its columns (filters). From .npy: A
// is the GEMM's M x (K*groups), or a convolution's ifmap (H*W) x C (NHWC); B is
// K x (N*groups) with a convolution's rows in (filter row, column, channel) order.
struct LayerData {
  workload::Tensor a, b;
  workload::Tensor ifmap;  // a convolution's activations before lowering (empty otherwise)
};
LayerData layer_data(const config::Config& cfg, const workload::Layer& layer, int threads = 1);

// Quantises a layer's data as cfg says (one scale for the whole layer, or per row
// of A / per column of B, over all groups) and cuts out group g's operands. A
// convolution's activations with one scale per tensor are quantised as its ifmap
// (the tensor an accelerator holds; its scale sees each pixel once) and the codes
// lowered; with per-row scales, the lowered rows (output pixels) are quantised.
struct LayerOperands {
  workload::Quantized qa, qb;
};
LayerOperands quantize_layer(const config::Config& cfg, const workload::Layer& layer, const LayerData& d,
                             int threads = 1);
Operands group_operands(const LayerData& d, const LayerOperands& q, const workload::Layer& layer, int g);

// ---- running (network.cpp) --------------------------------------------------------

// What one layer's simulation produced (all its groups).
struct LayerResult {
  config::Config config;             // as run (one group's shape)
  uint64_t cycles = 0, folds = 0, macs = 0;
  num::Activity activity;
  uint64_t overflows = 0, nonfinite = 0, invalid = 0;
  long double signal = 0, noise = 0, noise_dequantized = 0;  // sums of squares over all outputs
  double max_abs_error = 0, max_abs_error_dequantized = 0;
  // 10 log10(signal / noise) pooled over the groups (+-inf as run::compare); a
  // layer of one group reports run::compare's own value, bit for bit.
  double sqnr_db() const;
  double sqnr_db_vs_dequantized() const;
  std::vector<ErrorStats> group_fp64, group_dequantized;
  memory::Report memory;             // the memory model's counts and stalls, the groups summed (add_report)
  bool analytic = false;             // --engine analytic: cycles, memory and cost from the schedule, no accuracy
};

// Simulates every group of a layer with cfg on d's data.
LayerResult run_layer(const config::Config& cfg, const workload::Layer& layer, const LayerData& d, int threads = 1);
// The config's own single GEMM (its workload, as `qmac run` without a topology), as a LayerResult.
LayerResult run_single(const config::Config& cfg, int threads = 1);
// A layer under the analytic engine (memory::analyze per group: no data, no accuracy).
LayerResult analyze_layer(const config::Config& cfg, const workload::Layer& layer);

// Adds the memory report of one GEMM to a layer's: counts, stalls and cycles
// summed; the average DRAM bandwidth weighted by cycles; the peaks the largest.
void add_report(memory::Report& total, const memory::Report& r);

struct NetworkOptions {
  bool progress = false;             // one line per layer on stderr
  int jobs = 1;                      // layers simulated at once, each in a worker process (network_jobs.cpp)
  int threads = 1;                   // host threads of each layer's simulations (results do not depend on it)
};

// One layer of the network (its policy applied) as its JSON entry of `layers`.
nlohmann::ordered_json run_network_layer(const config::Recipe& recipe, const config::Config& cfg,
                                         const workload::Topology& t, size_t index, int threads = 1);

// Every layer's JSON, in order; opt.jobs > 1 runs that many layers at once in
// forked worker processes (the results are the same: each layer is independent
// and seeded by its index).
nlohmann::ordered_json run_layers(const config::Recipe& recipe, const config::Config& cfg, const workload::Topology& t,
                                  const NetworkOptions& opt);

// The whole network: the run JSON (docs/cli-contract.md) with `layers` and the
// totals under the usual keys. `cfg` is recipe's config (workload.topology set).
nlohmann::ordered_json run_network(const config::Recipe& recipe, const config::Config& cfg,
                                   const NetworkOptions& options = {});

// Loads the topology and derives every layer's config (and every policy rule's
// variant of it) without simulating: `qmac validate`. Returns the topology.
workload::Topology check_network(const config::Recipe& recipe, const config::Config& cfg);

// The per-layer table with totals (stdout of `qmac run` on a topology).
std::string network_table(const nlohmann::ordered_json& j);

}  // namespace qmac::run
