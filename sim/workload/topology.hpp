// Network topologies: a list of layers, each one GEMM (or G independent GEMMs of
// one shape: channel groups of a convolution, attention heads) plus per-layer
// overrides of config keys. Read from SCALE-Sim v2's convolution CSV, its GEMM
// CSV, or qmac's YAML form (README "Networks" documents all three).
//
// Nothing here knows about the array or the numerics: a layer is shapes and
// YAML overrides; sim/run/network.cpp turns each into a config and simulates it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/workload/tensor.hpp"

namespace qmac::workload {

// A 2-D convolution as written (NHWC, one image).
struct ConvSpec {
  int ifmap_h = 0, ifmap_w = 0, channels = 0;
  int filter_h = 0, filter_w = 0, filters = 0;   // filters: output channels of the whole layer
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;                                  // channel groups; depthwise: groups = channels
  // How the output size is rounded: `floor` is the usual (PyTorch's Conv2d)
  // floor((H + pads - dilation (F - 1) - 1) / stride) + 1; `scalesim` is SCALE-Sim
  // v2's ceil((H - F + stride) / stride) without padding (topology_utils.py), whose
  // last window may run past the ifmap: the missing pixels read as zeros, as
  // SCALE-Sim marks them as no-data (-1) addresses.
  enum class Rounding { floor, scalesim } rounding = Rounding::floor;
};

// The GEMM a convolution becomes (one per channel group).
struct ConvGemm {
  int ofmap_h = 0, ofmap_w = 0;
  int m = 0, k = 0, n = 0;  // per group: ofmap pixels x filter_h*filter_w*channels/groups x filters/groups
};

// Convolution -> GEMM, as SCALE-Sim maps it (operand_matrix.py): every output
// pixel is a row of A, every filter a column of B, and the reduction runs over
// the filter window (filter row, filter column, channel; the channel fastest).
//
// Worked example (ResNet-18's conv1, He et al. 2016): a 224 x 224 x 3 image,
// 64 filters of 7 x 7, stride 2, padding 3 (floor rounding):
//   ofmap = floor((224 + 3 + 3 - 1*(7 - 1) - 1) / 2) + 1 = 112, so 112 x 112
//   M = 112 * 112 = 12544 output pixels, K = 7 * 7 * 3 = 147, N = 64 filters:
//   a 12544 x 147 x 64 GEMM, 118 013 952 MACs.
// The same layer as SCALE-Sim's CSV writes it (no padding: "Conv1,224,224,7,7,3,
// 64,2,") rounds up: ofmap = ceil((224 - 7 + 2) / 2) = ceil(109.5) = 110, so
// M = 12100, K = 147, N = 64; the 110th output row and column read past the
// image's edge (zeros). Depthwise 3 x 3 on 112 x 112 x 32 (groups = 32, 32
// filters, stride 1, padding 1): 32 GEMMs of 12544 x 9 x 1.
// Throws InputError (no `where`: the caller adds the file and line) when the
// shape is impossible (filter larger than the padded ifmap, channels or filters
// not divisible by groups, ...).
ConvGemm lower_conv(const ConvSpec& conv);

// The lowered activations of all groups side by side: an M x (K * groups)
// matrix whose columns [g*K, (g+1)*K) are group g's A (im2col). `ifmap` is
// (ifmap_h * ifmap_w) x channels: pixel (y, x) is row y * ifmap_w + x (NHWC).
// Pixels outside the ifmap (padding, SCALE-Sim's rounding) are zeros.
Tensor im2col(const Tensor& ifmap, const ConvSpec& conv, const ConvGemm& g);
// The same on an ifmap's codes (its quantised values): padding is code 0, which
// is zero in every format qmac has (integers, and +0 of every float convention).
std::vector<uint32_t> im2col_codes(const std::vector<uint32_t>& ifmap_codes, const ConvSpec& conv, const ConvGemm& g);

struct Layer {
  std::string name;
  int line = 0;                     // 1-based line of the layer in the topology file
  std::optional<ConvSpec> conv;     // absent: a plain GEMM layer
  int m = 0, k = 0, n = 0;          // one group's GEMM (from lower_conv for conv layers)
  int groups = 1;                   // independent GEMMs of that shape
  uint64_t repeat = 1;              // the layer occurs this many times in the network (simulated once)
  YAML::Node set;                   // YAML topologies: per-layer overrides, dotted key -> value (a mapping)
  YAML::Node data;                  // YAML topologies: the data model, {a: {distribution: ..., params}, b: ...}

  uint64_t macs() const { return uint64_t(m) * uint64_t(k) * uint64_t(n) * uint64_t(groups); }
};

enum class TopologyFormat { scalesim_conv, scalesim_gemm, yaml };
const char* topology_format_name(TopologyFormat f);

struct Topology {
  std::string path;                 // as given
  std::string name;                 // YAML `name`, else the file's stem
  TopologyFormat format = TopologyFormat::yaml;
  std::string base_dir;             // relative paths in overrides resolve against it
  YAML::Node defaults;              // YAML `defaults`: overrides applied to every layer (a mapping)
  YAML::Node data;                  // YAML `data`: every layer's data model (a layer's own replaces it per tensor)
  std::vector<Layer> layers;
};

// Limits (checked with file:line before anything is allocated): a topology has
// at most kMaxLayers layers; a layer's whole A (M x K*groups), B (K x N*groups),
// ifmap and its outputs (M x N*groups) each hold at most kMaxLayerElements
// elements (the config's 2^26 per matrix).
constexpr size_t kMaxLayers = 100000;
constexpr long long kMaxLayerElements = 1LL << 26;
constexpr uint64_t kMaxRepeat = 1000000;
// A whole network (every layer x its repeat) holds at most 2^60 MACs: totals of
// MACs, cycles and folds are 64-bit counters, and this keeps them exact with a
// margin (a 1x1 array's cycles are about its MACs).
constexpr uint64_t kMaxNetworkMacs = uint64_t(1) << 60;

// Reads a topology. The format comes from the file: `.yaml`/`.yml` is qmac's YAML
// form; otherwise the CSV's header row says which of SCALE-Sim's two it is
// (second column "M": GEMM; a column naming the IFMAP: convolution). Every
// problem is an InputError "FILE:LINE[:COLUMN]: ..." naming the column or key.
Topology load_topology(const std::string& path);

// The SCALE-Sim CSV readers (load_topology dispatches to them); `name` is used in errors.
Topology parse_scalesim_csv(const std::string& text, const std::string& name);
Topology parse_topology_yaml(const std::string& text, const std::string& name, const std::string& base_dir);

// Checks a layer's sizes against the limits above (InputError without `where`).
void check_layer_limits(const Layer& layer);

}  // namespace qmac::workload
