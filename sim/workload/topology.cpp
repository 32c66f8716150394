// load_topology: picks the reader by the file (topology.hpp), and the limits
// every layer is checked against before anything is allocated.
#include "sim/workload/topology.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "sim/errors.hpp"
#include "sim/io/files.hpp"

namespace qmac::workload {

const char* topology_format_name(TopologyFormat f) {
  switch (f) {
    case TopologyFormat::scalesim_conv: return "scalesim_conv";
    case TopologyFormat::scalesim_gemm: return "scalesim_gemm";
    case TopologyFormat::yaml: return "yaml";
  }
  return "?";
}

void check_layer_limits(const Layer& L) {
  const long long g = L.groups, m = L.m, k = L.k, n = L.n;
  std::vector<std::pair<std::string, long long>> sizes = {
      {"A (M x K*groups)", m * k * g}, {"B (K x N*groups)", k * n * g}, {"the outputs (M x N*groups)", m * n * g}};
  if (L.conv) sizes.push_back({"the ifmap", (long long)L.conv->ifmap_h * L.conv->ifmap_w * L.conv->channels});
  for (const auto& [what, elems] : sizes)
    if (elems > kMaxLayerElements)
      throw InputError("", what + " has " + std::to_string(elems) + " elements; expected at most " +
                               std::to_string(kMaxLayerElements) + " per layer (split the layer)");
}

Topology load_topology(const std::string& path) {
  const std::string text = io::read_file(path, io::kMaxTextInput, "topology");
  const std::filesystem::path p(path);
  const std::string ext = p.extension().string();
  std::string dir = p.parent_path().string();
  if (dir.empty()) dir = ".";
  Topology t = (ext == ".yaml" || ext == ".yml") ? parse_topology_yaml(text, path, dir) : parse_scalesim_csv(text, path);
  t.base_dir = dir;
  unsigned __int128 total = 0;  // each layer < 2^52 MACs, repeat <= 10^6, layers <= 10^5: no overflow
  for (const auto& L : t.layers) total += (unsigned __int128)L.macs() * L.repeat;
  if (total > kMaxNetworkMacs)
    throw InputError(path, "the network has " + fmt::format("{:.4g}", double(total)) +
                               " MACs (every layer times its repeat); expected at most 2^60 = " +
                               std::to_string(kMaxNetworkMacs) + " (qmac's 64-bit totals)");
  return t;
}

}  // namespace qmac::workload
