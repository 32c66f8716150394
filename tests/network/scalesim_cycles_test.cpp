// qmac's per-layer cycles equal SCALE-Sim v2's compute cycles on the same
// topology files, arrays and dataflows (tests/network/data/scalesim_v2_cycles.csv
// holds SCALE-Sim's numbers and how they were produced).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "models/array/array.hpp"
#include "network_util.hpp"
#include "sim/workload/topology.hpp"

using namespace qmac::workload;

namespace {

const std::string kMirror = "/work/.mirror/scalesim-project+scale-sim-v2/repo";

struct Row {
  std::string layer;
  int m = 0, k = 0, n = 0;
  uint64_t cycles = 0;
};
using Key = std::tuple<std::string, int, int, std::string>;  // topology, rows, cols, dataflow

std::map<Key, std::vector<Row>> expectations() {
  std::map<Key, std::vector<Row>> out;
  std::ifstream f(std::string(QMAC_SOURCE_DIR) + "/tests/network/data/scalesim_v2_cycles.csv");
  std::string line;
  bool header = true;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> v;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) v.push_back(x);
    // topology,rows,cols,dataflow,layer,m,k,n,compute_cycles (a layer name could hold commas: take them from the ends)
    const size_t n = v.size();
    std::string name = v[4];
    for (size_t i = 5; i + 4 < n; ++i) name += "," + v[i];
    out[{v[0], std::stoi(v[1]), std::stoi(v[2]), v[3]}].push_back(
        {name, std::stoi(v[n - 4]), std::stoi(v[n - 3]), std::stoi(v[n - 2]), std::stoull(v[n - 1])});
  }
  return out;
}

// The topology text: a file of this repository, or of SCALE-Sim's (from the mirror; empty if absent).
std::string topology_text(const std::string& topo) {
  if (topo.rfind("scale-sim-v2:", 0) == 0) {
    if (!std::filesystem::exists(kMirror)) return "";
    const std::string cmd = "git -C '" + kMirror + "' show HEAD:'" + topo.substr(13) + "' 2>/dev/null";
    std::string text;
    if (FILE* p = popen(cmd.c_str(), "r")) {
      char buf[4096];
      size_t got;
      while ((got = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, got);
      pclose(p);
    }
    return text;
  }
  std::ifstream f(std::string(QMAC_SOURCE_DIR) + "/" + topo);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Checks qmac's layers of `t` (each group: the closed-form cycles every engine
// reports) against SCALE-Sim's rows; returns the number of layers compared.
size_t compare(const Topology& t, const Key& key, const std::vector<Row>& rows) {
  qmac::array::ArrayOptions o;
  o.rows = std::get<1>(key);
  o.cols = std::get<2>(key);
  o.dataflow = qmac::array::parse_dataflow(std::get<3>(key));
  const std::string what = std::get<0>(key) + " " + std::to_string(o.rows) + "x" + std::to_string(o.cols) + " " +
                           std::get<3>(key);
  size_t next = 0;
  for (const Layer& L : t.layers) {
    uint64_t scalesim = 0;
    for (int g = 0; g < L.groups; ++g, ++next) {
      if (next >= rows.size()) {
        ADD_FAILURE() << what << ": SCALE-Sim has fewer layers than qmac";
        return 0;
      }
      const Row& r = rows[next];
      const std::string want = L.groups > 1 ? L.name + "Channel_" + std::to_string(g) : L.name;
      EXPECT_EQ(r.layer, want) << what;
      EXPECT_EQ(std::make_tuple(r.m, r.k, r.n), std::make_tuple(L.m, L.k, L.n)) << what << " " << r.layer;
      scalesim += r.cycles;
    }
    EXPECT_EQ(uint64_t(L.groups) * qmac::array::cycle_formula(o, L.m, L.k, L.n, 1), scalesim) << what << " " << L.name;
  }
  EXPECT_EQ(next, rows.size()) << what << ": SCALE-Sim has more layers than qmac";
  return t.layers.size();
}

}  // namespace

TEST(ScaleSim_Cycles, ShippedAndTestTopologiesMatchLayerByLayer) {
  const auto all = expectations();
  size_t layers = 0, runs = 0;
  for (const auto& [key, rows] : all) {
    const std::string& topo = std::get<0>(key);
    if (topo.rfind("scale-sim-v2:", 0) == 0) continue;
    compare(parse_scalesim_csv(topology_text(topo), topo), key, rows);
    layers += rows.size();
    ++runs;
  }
  // The shipped SCALE-Sim-format networks (configs/networks/scalesim) and the small test files are all covered.
  EXPECT_GE(runs, 12u);
  EXPECT_GE(layers, 150u);
}

TEST(ScaleSim_Cycles, SCALESimsOwnTopologyFilesWhenTheMirrorIsPresent) {
  if (!std::filesystem::exists(kMirror)) GTEST_SKIP() << "no SCALE-Sim snapshot at " << kMirror << " (CI machines)";
  size_t runs = 0;
  for (const auto& [key, rows] : expectations()) {
    const std::string& topo = std::get<0>(key);
    if (topo.rfind("scale-sim-v2:", 0) != 0) continue;
    const std::string text = topology_text(topo);
    ASSERT_FALSE(text.empty()) << topo;
    compare(parse_scalesim_csv(text, topo), key, rows);  // unchanged files, as shipped
    ++runs;
  }
  EXPECT_GE(runs, 10u);
}

TEST(ScaleSim_Cycles, TheSimulatedLayersEqualSCALESim) {
  // End to end: `qmac run --topology` simulates every layer bit-exactly on the
  // array; its per-layer cycles are SCALE-Sim's (summed over a DP row's channels).
  const auto all = expectations();
  for (const char* file : {"tests/network/data/small_conv.csv", "tests/network/data/small_gemm.csv"})
    for (int side : {8, 32})
      for (const char* df : {"os", "ws", "is"}) {
        const Key key{file, side, side, df};
        ASSERT_TRUE(all.count(key)) << file << " " << side << " " << df;
        const auto j = qmac::net_test::run_json("--topology " + std::string(QMAC_SOURCE_DIR) + "/" + file +
                                                " --set array.rows=" + std::to_string(side) + " --set array.cols=" +
                                                std::to_string(side) + " --set array.dataflow=" + df);
        size_t next = 0;
        for (const auto& l : j["layers"]) {
          uint64_t scalesim = 0;
          for (int g = 0; g < l["groups"].get<int>(); ++g) scalesim += all.at(key).at(next++).cycles;
          EXPECT_EQ(l["cycles"].get<uint64_t>(), scalesim) << file << " " << side << " " << df << " " << l["name"];
        }
        EXPECT_EQ(next, all.at(key).size());
      }
}
