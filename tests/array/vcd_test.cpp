// Waveforms: the VCD of a 2x2 GEMM, parsed here, shows the accumulator values
// computed by hand cycle by cycle; gtkwave's vcd2fst accepts the file.
#include <fcntl.h>
#include "test_tmpdir.hpp"
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "array_test_util.hpp"
#include "vcd_reader.hpp"

namespace qmac::array::test {
namespace {

const Env env;

using qmac::test::Vcd;

Vcd read_vcd(const std::string& path) { return qmac::test::read_vcd(path, /*skip_unknown=*/false); }

// A waveform file for a test: run_gemm writes the VCD to an open descriptor.
struct VcdFile {
  std::string path;
  int fd;
  explicit VcdFile(const std::string& name) : path(std::string(QMAC_TEST_TMPDIR) + "/" + name + ".vcd") {
    std::filesystem::create_directories(QMAC_TEST_TMPDIR);
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + path);
  }
  ~VcdFile() { ::close(fd); }
};

TEST(Vcd, TwoByTwoWsAccumulatorsMatchHandComputedValues) {
  const MacCase mc = mac_cases()[0];  // int8 x int8 -> int32
  Gemm g;
  g.m = g.k = g.n = 2;
  g.a = {1, 2, 3, 4};  // A = [[1,2],[3,4]]
  g.b = {5, 6, 7, 8};  // B = [[5,6],[7,8]]
  const VcdFile f("ws2x2");
  TraceOptions t;
  t.vcd_fd = f.fd;
  t.pes = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(2, 2, Dataflow::ws), g,
                               Engine::pe, &t);
  ASSERT_EQ(r.c[0].i, 19);
  ASSERT_EQ(r.c[3].i, 50);
  const Vcd v = read_vcd(f.path);
  // Weight-stationary by hand: cycles 0-1 preload the weights; PE (i,j) adds
  // A[r][i]*B[i][j] to the partial sum from above in cycle 2 + r + i + j, and the
  // register shows it from the next edge (time = cycle + 1 ns):
  //   PE(0,0): 1*5 = 5 (cycle 2), 3*5 = 15 (3)     PE(0,1): 1*6 = 6 (3), 3*6 = 18 (4)
  //   PE(1,0): 5+2*7 = 19 (3), 15+4*7 = 43 (4)     PE(1,1): 6+2*8 = 22 (4), 18+4*8 = 50 (5)
  const std::map<std::string, std::vector<uint64_t>> expect{
      {"pe_0_0.acc", {0, 0, 5, 15, 15, 15}},
      {"pe_0_1.acc", {0, 0, 0, 6, 18, 18}},
      {"pe_1_0.acc", {0, 0, 0, 19, 43, 43}},
      {"pe_1_1.acc", {0, 0, 0, 0, 22, 50}},
  };
  for (const auto& [name, values] : expect)
    for (size_t c = 0; c < values.size(); ++c) EXPECT_EQ(v.at(name, c + 1), values[c]) << name << " cycle " << c;
  EXPECT_EQ(v.at("pe_1_1.a_code", 6), 4u);  // last operands of PE(1,1): A[1][1], B[1][1]
  EXPECT_EQ(v.at("pe_1_1.b_code", 6), 8u);
  EXPECT_EQ(v.at("pe_1_1.product", 6), 32u);
  EXPECT_EQ(v.at("load", 1), 1u);
  EXPECT_EQ(v.at("load", 3), 0u);
  EXPECT_EQ(v.changes.at("clk").size(), 2u * 7u);  // both edges of 6 cycles and the closing edge
}

TEST(Vcd, DoubleBufferedWeightsSwapAtEachFold) {
  // 1x1 WS, A = [[1,2],[3,4]], B = [5; 7], double-buffered: cycle 0 shifts 5
  // into the shadow; fold 0 (cycles 1-2) swaps it in and shifts 7 into the
  // shadow while A[0][0], A[1][0] stream; fold 1 (cycles 3-4) swaps 7 in.
  const MacCase mc = mac_cases()[0];
  Gemm g;
  g.m = g.k = 2;
  g.n = 1;
  g.a = {1, 2, 3, 4};
  g.b = {5, 7};
  const VcdFile f("ws1x1_db");
  TraceOptions t;
  t.vcd_fd = f.fd;
  ArrayOptions o = array_of(1, 1, Dataflow::ws);
  o.double_buffer = true;
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, o, g, Engine::pe, &t);
  ASSERT_EQ(r.c[0].i, 1 * 5 + 2 * 7);
  ASSERT_EQ(r.c[1].i, 3 * 5 + 4 * 7);
  EXPECT_EQ(r.activity.cycles, 5u);  // R + 2 folds x (R + C + M - 2)
  const Vcd v = read_vcd(f.path);
  const uint64_t swap[5] = {0, 1, 0, 1, 0}, load[5] = {1, 1, 0, 0, 0};
  for (uint64_t c = 0; c < 5; ++c) {
    EXPECT_EQ(v.at("swap", c), swap[c]) << "cycle " << c;
    EXPECT_EQ(v.at("load", c), load[c]) << "cycle " << c;
  }
  // The MAC of cycle c shows from time c + 1: its stationary operand and the partial sum.
  const uint64_t b[4] = {5, 5, 7, 7}, acc[4] = {5, 15, 14, 28};
  for (uint64_t c = 1; c <= 4; ++c) {
    EXPECT_EQ(v.at("pe_0_0.b_code", c + 1), b[c - 1]) << "cycle " << c;
    EXPECT_EQ(v.at("pe_0_0.acc", c + 1), acc[c - 1]) << "cycle " << c;
  }
}

TEST(Vcd, Vcd2fstAcceptsTheFileAndTheWindowLimitsIt) {
  const MacCase mc = mac_cases()[6];
  const Gemm g = random_gemm(mc, 20, 9, 7, 3);
  const VcdFile f("os_window");
  TraceOptions t;
  t.vcd_fd = f.fd;
  t.first_cycle = 10;
  t.last_cycle = 29;
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 2, array_of(4, 4, Dataflow::os), g,
                               Engine::pe, &t);
  ASSERT_GT(r.cycles, 60u);
  const std::string vcd = f.path;
  const Vcd v = read_vcd(vcd);
  for (const auto& [name, changes] : v.changes)
    for (const auto& [time, value] : changes)
      EXPECT_TRUE(time == 0 || (time >= 10000 && time <= 31000)) << name << " changed at " << time;
  EXPECT_TRUE(v.changes.count("pe_3_3.acc"));  // a default corner PE
  const std::string fst = f.path + ".fst";
  std::filesystem::remove(fst);
  const std::string cmd = "vcd2fst '" + vcd + "' '" + fst + "' > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  EXPECT_GT(std::filesystem::file_size(fst), 0u);
}

// Weight-stationary, double-buffered: load and swap toggle every fold, and the
// row / column feeders and enables of the traced PEs are traced too; the window
// limits every one of them (load and swap used to be traced unwindowed).
TEST(Vcd, TheWindowLimitsEverySignalIncludingTheControllersOutputs) {
  const MacCase mc = mac_cases()[0];
  const Gemm g = random_gemm(mc, 20, 9, 7, 5);
  const VcdFile f("ws_window");
  TraceOptions t;
  t.vcd_fd = f.fd;
  t.first_cycle = 12;
  t.last_cycle = 30;
  t.pes = {{0, 0}, {3, 2}};
  ArrayOptions a = array_of(4, 4, Dataflow::ws);
  a.double_buffer = true;
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, a, g, Engine::pe, &t);
  ASSERT_GT(r.cycles, 60u);
  const Vcd v = read_vcd(f.path);
  for (const char* name : {"load", "swap", "x_feed_0.code", "x_feed_3.valid", "row_en_3", "y_feed_2.code", "col_en_0"})
    EXPECT_TRUE(v.changes.count(name)) << name;
  EXPECT_FALSE(v.changes.count("x_feed_1.code"));  // no traced PE in row 1
  int inside = 0;
  for (const auto& [name, changes] : v.changes)
    for (const auto& [time, value] : changes) {
      EXPECT_TRUE(time == 0 || (time >= 12000 && time <= 31000)) << name << " changed at " << time;
      inside += time >= 12000;
    }
  EXPECT_GT(inside, 50);
}

TEST(Vcd, FastEngineRefusesToTrace) {
  const MacCase mc = mac_cases()[0];
  const Gemm g = random_gemm(mc, 2, 2, 2, 1);
  const VcdFile f("unused");
  TraceOptions t;
  t.vcd_fd = f.fd;
  EXPECT_THROW(run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(2, 2, Dataflow::ws), g, Engine::fast, &t),
               ArrayError);
  t.pes = {{2, 0}};
  EXPECT_THROW(run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(2, 2, Dataflow::ws), g, Engine::pe, &t),
               ArrayError);
}

// SystemC's VCD writer does not check its writes; qmac does. A destination
// that refuses the bytes (a full device) fails the run with a clear message
// instead of exiting 0 with a truncated waveform (it used to be SIGFPE for
// an unwritable path).
TEST(Vcd, AFailedWaveformWriteFailsTheRun) {
  const MacCase mc = mac_cases()[0];
  const Gemm g = random_gemm(mc, 8, 8, 8, 1);
  const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  TraceOptions t;
  t.vcd_fd = full;
  try {
    run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(2, 2, Dataflow::ws), g, Engine::pe, &t);
    ADD_FAILURE() << "a waveform written to /dev/full succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("waveform"), std::string::npos) << e.what();
  }
  ::close(full);
}

// The pe engine elaborates a module per PE: arrays beyond its stated limit
// are refused before anything is allocated.
TEST(PeEngine, RefusesArraysBeyondItsLimit) {
  const MacCase mc = mac_cases()[0];
  const Gemm g = random_gemm(mc, 1, 1, 1, 1);
  try {
    run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(257, 256, Dataflow::ws), g, Engine::pe);
    ADD_FAILURE() << "257 x 256 accepted";
  } catch (const ArrayError& e) {
    EXPECT_NE(std::string(e.what()).find("65536"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qmac::array::test
