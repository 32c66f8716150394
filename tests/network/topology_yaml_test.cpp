// qmac's YAML topology: shapes, groups, repeat, overrides, and errors at
// file:line:column.
#include <gtest/gtest.h>
#include "test_tmpdir.hpp"

#include <filesystem>
#include <fstream>

#include "sim/errors.hpp"
#include "sim/workload/topology.hpp"

using qmac::InputError;
using namespace qmac::workload;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_topology_yaml(text, "net.yaml", ".");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TopologyYaml_Layers, ConvGemmGroupsRepeatAndOverrides) {
  const Topology t = parse_topology_yaml(
      "name: tiny\n"
      "source: made up\n"
      "defaults: {workload.a.seed: 5}\n"
      "layers:\n"
      "  - name: conv1\n"
      "    conv: {ifmap: [10, 12], channels: 4, filter: 3, filters: 8, stride: [1, 2], padding: 1}\n"
      "  - name: dw\n"
      "    conv: {ifmap: 10, channels: 8, filter: 3, filters: 8, padding: [2, 2, 1, 1], dilation: 2}\n"
      "    groups: 8\n"
      "  - name: heads\n"
      "    gemm: {m: 16, k: 8, n: 16}\n"
      "    groups: 4\n"
      "    repeat: 12\n"
      "    set: {mac.a: fp8_e4m3, workload.a: {distribution: uniform}}\n",
      "tiny.yaml", "/some/dir");
  EXPECT_EQ(t.name, "tiny");
  EXPECT_EQ(t.format, TopologyFormat::yaml);
  EXPECT_EQ(t.base_dir, "/some/dir");
  EXPECT_TRUE(t.defaults.IsMap());
  ASSERT_EQ(t.layers.size(), 3u);
  const Layer& c = t.layers[0];
  EXPECT_EQ(c.line, 5);
  EXPECT_EQ(c.m, 10 * 6);  // 10 x floor((12 + 2 - 3) / 2) + 1 = 10 x 6
  EXPECT_EQ(c.k, 36);
  EXPECT_EQ(c.n, 8);
  EXPECT_EQ(c.conv->rounding, ConvSpec::Rounding::floor);
  const Layer& d = t.layers[1];
  EXPECT_EQ(d.groups, 8);
  EXPECT_EQ(d.conv->pad_top, 2);
  EXPECT_EQ(d.conv->pad_left, 1);
  EXPECT_EQ(d.m, 10 * 8);  // height 10 + 4 - 5 + 1 = 10; width 10 + 2 - 5 + 1 = 8
  EXPECT_EQ(d.k, 9);
  EXPECT_EQ(d.n, 1);
  const Layer& h = t.layers[2];
  EXPECT_EQ(h.groups, 4);
  EXPECT_EQ(h.repeat, 12u);
  EXPECT_EQ(h.macs(), 16u * 8 * 16 * 4);
  ASSERT_TRUE(h.set.IsMap());
  EXPECT_EQ(h.set["mac.a"].Scalar(), "fp8_e4m3");
  EXPECT_EQ(h.set["mac.a"].Mark().line, 13);  // marks kept: errors in overrides point into the topology
}

TEST(TopologyYaml_Errors, PointAtTheOffendingKey) {
  EXPECT_EQ(error_of("layers:\n  - name: a\n    gemm: {m: 4, k: 0, n: 4}\n"),
            "net.yaml:3:21: layers[0].gemm.k: 0 is out of range; expected an integer in 1..1048576");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    gemm: {m: 4, k: 4, n: 4}\n    conv: {ifmap: 4}\n"),
            "net.yaml:2:5: layers[0]: needs exactly one of gemm: {m, k, n} or conv: {...}");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    gemm: {m: 4, k: 4}\n"),
            "net.yaml:3:11: layers[0].gemm: has no 'n'; expected {m, k, n}");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    conv: {ifmap: 4, channels: 3, filter: 5, filters: 2}\n"),
            "net.yaml:3:11: layers[0].conv: the dilated filter height 5 is larger than the padded ifmap's 4; "
            "expected a filter that fits");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    conv: {ifmap: 8, channels: 3, filter: 3, filters: 6}\n    groups: 2\n"),
            "net.yaml:4:13: layers[0].groups: groups 2 does not divide channels 3 and filters 6; expected both to "
            "be multiples of groups");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    conv: {ifmap: 8, channels: 3, filter: 3, filters: 6, padding: [1, 2, 3]}\n"),
            "net.yaml:3:67: layers[0].conv.padding: is not an integer, [height, width] or [top, bottom, left, right]; "
            "expected an integer, [height, width] or [top, bottom, left, right]");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    gemm: {m: 4, k: 4, n: 4}\n    set: {workload.gemm.m: 8}\n"),
            "net.yaml:4:11: layers[0].set.workload.gemm.m: is the layer's shape, set by gemm/conv; expected another key");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    gemm: {m: 4, k: 4, n: 4}\n    set: {mac a: int8}\n"),
            "net.yaml:4:11: layers[0].set: 'mac a' is not a dotted config key; expected keys such as mac.a or "
            "workload.a.seed");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    gemm: {m: 4, k: 4, n: 4}\n    sett: {}\n"),
            "net.yaml:4:5: layers[0].sett: unknown key 'sett'; did you mean 'set'? expected one of: name, gemm, conv, "
            "groups, repeat, data, set");
  EXPECT_EQ(error_of("layers: []\n"),
            "net.yaml:1:9: layers: is missing or not a list; expected layers: a list of {name, gemm or conv, ...}");
  EXPECT_EQ(error_of("layers:\n  - name: a\n    gemm: {m: 1048576, k: 1048576, n: 4}\n"),
            "net.yaml:2:5: layers[0]: A (M x K*groups) has 1099511627776 elements; expected at most 67108864 per "
            "layer (split the layer)");
  EXPECT_EQ(error_of("layers:\n  - name: [a\n"),
            "net.yaml:3:1: YAML syntax error: end of sequence flow not found; expected a YAML topology (README "
            "\"Networks\")");
}

TEST(TopologyYaml_Load, PicksTheReaderByTheFile) {
  const std::string dir = std::string(QMAC_TEST_TMPDIR) + "/load";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/n.yaml") << "layers:\n  - {name: a, gemm: {m: 2, k: 3, n: 4}}\n";
  std::ofstream(dir + "/n.csv") << "Layer, M, N, K,\na,2,4,3,\n";
  const Topology y = load_topology(dir + "/n.yaml");
  const Topology c = load_topology(dir + "/n.csv");
  EXPECT_EQ(y.format, TopologyFormat::yaml);
  EXPECT_EQ(c.format, TopologyFormat::scalesim_gemm);
  EXPECT_EQ(y.layers[0].macs(), c.layers[0].macs());
  EXPECT_EQ(y.base_dir, dir);
  try {
    load_topology(dir + "/missing.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), dir + "/missing.csv: cannot read the topology (No such file or directory)");
  }
}
