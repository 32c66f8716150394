// SCALE-Sim's CSV topologies: its quirks read as SCALE-Sim v2 reads them
// (topology_utils.py), and a clear file:line:column error for every bad row.
#include <gtest/gtest.h>

#include "sim/errors.hpp"
#include "sim/workload/topology.hpp"

using qmac::InputError;
using namespace qmac::workload;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_scalesim_csv(text, "net.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TopologyCsv_Conv, ReadsSCALESimRowsWithTheirTrailingComma) {
  const Topology t = parse_scalesim_csv(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "Conv1,224,224,7,7,3,64,2,\n"
      "Inc5b_3x3, 7, 7, 3, 3, 192, 384, 1,\n",
      "net.csv");
  EXPECT_EQ(t.format, TopologyFormat::scalesim_conv);
  EXPECT_EQ(t.name, "net");
  ASSERT_EQ(t.layers.size(), 2u);
  // SCALE-Sim's rounding: ofmap = ceil((224 - 7 + 2) / 2) = 110.
  EXPECT_EQ(t.layers[0].name, "Conv1");
  EXPECT_EQ(t.layers[0].line, 2);
  EXPECT_EQ(t.layers[0].m, 110 * 110);
  EXPECT_EQ(t.layers[0].k, 7 * 7 * 3);
  EXPECT_EQ(t.layers[0].n, 64);
  EXPECT_EQ(t.layers[0].groups, 1);
  ASSERT_TRUE(t.layers[0].conv.has_value());
  EXPECT_EQ(t.layers[0].conv->rounding, ConvSpec::Rounding::scalesim);
  // SCALE-Sim's own test.csv layer: 5 x 5 ofmap, window 3*3*192.
  EXPECT_EQ(t.layers[1].m, 25);
  EXPECT_EQ(t.layers[1].k, 1728);
  EXPECT_EQ(t.layers[1].n, 384);
}

TEST(TopologyCsv_Conv, ToleratesWhatSCALESimsOwnFilesContain) {
  // A UTF-8 byte-order mark, CRLF line ends, blank lines, a row of empty fields,
  // notes after the stride columns (its Resnet50.csv), a 9th column (stride
  // width), and a last row without the trailing comma or newline.
  const Topology t = parse_scalesim_csv(
      "\xEF\xBB\xBFLayer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,,,Eh,Ew,e2\r\n"
      ",,,,,,,,,,,,\r\n"
      "\r\n"
      "Conv1,224,224,7,7,3,64,2,,,110,110,12100\r\n"
      "Wide,10,20,3,3,4,8,1,2,\r\n"
      "Last,8,8,1,1,2,2,1",
      "net.csv");
  ASSERT_EQ(t.layers.size(), 3u);
  EXPECT_EQ(t.layers[0].line, 4);
  EXPECT_EQ(t.layers[0].conv->stride_w, 2);  // column 9 empty: the same stride as in height
  EXPECT_EQ(t.layers[1].conv->stride_h, 1);
  EXPECT_EQ(t.layers[1].conv->stride_w, 2);
  EXPECT_EQ(t.layers[1].m, 8 * 10);          // ofmap 8 x ceil((20 - 3 + 2) / 2) = 8 x 10
  EXPECT_EQ(t.layers[2].name, "Last");
  EXPECT_EQ(t.layers[2].m, 64);
}

TEST(TopologyCsv_Conv, DepthwiseRowsAreOneConvolutionPerChannelAsInSCALESim) {
  // topology_utils.py: a name containing "DP" becomes `Channels` layers of one
  // channel each, every one with `Num Filter` filters.
  const Topology t = parse_scalesim_csv(
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n"
      "Conv2DP,114,114,3,3,32,1,1,\n"
      "dp_lower,114,114,3,3,32,1,1,\n",
      "net.csv");
  ASSERT_EQ(t.layers.size(), 2u);
  EXPECT_EQ(t.layers[0].groups, 32);
  EXPECT_EQ(t.layers[0].m, 112 * 112);
  EXPECT_EQ(t.layers[0].k, 9);
  EXPECT_EQ(t.layers[0].n, 1);
  EXPECT_EQ(t.layers[0].macs(), uint64_t(112 * 112) * 9 * 32);
  EXPECT_EQ(t.layers[1].groups, 1);  // "dp" is not "DP": a normal convolution over 32 channels
  EXPECT_EQ(t.layers[1].k, 9 * 32);
}

TEST(TopologyCsv_Gemm, ColumnsAreMNKWithNTheOutputColumns) {
  // SCALE-Sim maps "Layer, M, N, K" to an M x K ifmap and N filters of 1 x K: the
  // GEMM (M x K) x (K x N).
  const Topology t = parse_scalesim_csv("Layer,M,N,K,\r\nQKT,1024,1024,64,\r\nQKTV,1024,64,1024,", "gpt.csv");
  EXPECT_EQ(t.format, TopologyFormat::scalesim_gemm);
  ASSERT_EQ(t.layers.size(), 2u);
  EXPECT_EQ(t.layers[1].m, 1024);
  EXPECT_EQ(t.layers[1].n, 64);
  EXPECT_EQ(t.layers[1].k, 1024);
  EXPECT_FALSE(t.layers[1].conv.has_value());
  const Topology u = parse_scalesim_csv("Layer Name, M, N, K,\nTest 1, 128, 64, 256,\n", "t.csv");
  EXPECT_EQ(u.layers[0].name, "Test 1");
  EXPECT_EQ(u.layers[0].k, 256);
}

TEST(TopologyCsv_Errors, NameTheFileLineColumnAndColumnName) {
  const std::string conv = "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";
  EXPECT_EQ(error_of(conv + "c1,224,224,7,7,3,64,2,\nc2,56,abc,3,3,64,64,1,\n"),
            "net.csv:3:7: column 'IFMAP Width' (3): 'abc' is not an integer; expected a positive integer");
  EXPECT_EQ(error_of(conv + "c1,224,224,7,7,3,0,2,\n"),
            "net.csv:2:18: column 'Num Filter' (7): 0 is out of range; expected an integer in 1..1048576");
  EXPECT_EQ(error_of(conv + "c1,224,224,7,7,3,64\n"),
            "net.csv:2:18: column 'Strides' (8): missing; expected 8 columns: Layer name, IFMAP Height, IFMAP Width, "
            "Filter Height, Filter Width, Channels, Num Filter, Strides");
  EXPECT_EQ(error_of(conv + ",224,224,7,7,3,64,2,\n"), "net.csv:2:1: column 'Layer name' (1): empty; expected the layer's name");
  EXPECT_EQ(error_of(conv + "c1,5,5,7,3,3,64,2,\n"),
            "net.csv:2:8: column 'Filter Height' (4): filter height 7 is larger than the ifmap's 5; expected a filter "
            "no larger than the ifmap (SCALE-Sim's rule)");
  EXPECT_EQ(error_of("Layer,M,N,K,\nfc,1,2.5,3,\n"),
            "net.csv:2:6: column 'N' (3): '2.5' is not an integer; expected a positive integer");
  EXPECT_EQ(error_of("name,a,b,c\nx,1,2,3\n").substr(0, 59), "net.csv:1:1: the header row is neither of SCALE-Sim's; expe");
  EXPECT_EQ(error_of(conv), "net.csv: no layers (only the header row); expected one row per layer after the header");
}

TEST(TopologyCsv_Errors, SizesAreCheckedBeforeAnythingIsAllocated) {
  // 1048576 x 1048576 x 64: A alone would be 2^40 elements.
  EXPECT_EQ(error_of("Layer,M,N,K,\nhuge,1048576,64,1048576,\n"),
            "net.csv:2: layer 'huge': A (M x K*groups) has 1099511627776 elements; expected at most 67108864 per layer "
            "(split the layer)");
}
