// Switching activity on tiny arrays against toggles counted by hand from the
// definitions (Hamming distances of consecutive values per node), for both engines.
#include <gtest/gtest.h>

#include "array_test_util.hpp"
#include "models/mac/mac_bits.hpp"

namespace qmac::array::test {
namespace {

const Env env;

uint64_t pc(uint64_t x) { return uint64_t(__builtin_popcountll(x)); }
uint32_t i8(int v) { return uint32_t(v) & 0xffu; }
// int8 x int8 products span 16 bits (|p| <= 2^14, plus sign): two's complement, 16 bits.
uint64_t prod16(int a, int b) { return uint64_t(int64_t(a) * b) & 0xffffu; }
uint64_t raw32(int64_t v) { return uint64_t(v) & 0xffffffffu; }

class Activity : public ::testing::TestWithParam<Engine> {};

TEST_P(Activity, OneByOneOsCountsEveryNodeByHand) {
  const MacCase mc = mac_cases()[0];
  const int a[3] = {3, -7, 100}, b[3] = {-2, 5, 127};
  Gemm g;
  g.m = g.n = 1;
  g.k = 3;
  for (int k = 0; k < 3; ++k) {
    g.a.push_back(i8(a[k]));
    g.b.push_back(i8(b[k]));
  }
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(1, 1, Dataflow::os), g,
                               GetParam());
  const num::Activity& x = r.activity;
  EXPECT_EQ(x.cycles, 3u);  // R + C + K - 2
  EXPECT_EQ(x.pe_cycles, 3u);
  EXPECT_EQ(x.macs, 3u);
  const uint64_t ta = pc(i8(a[0])) + pc(i8(a[0]) ^ i8(a[1])) + pc(i8(a[1]) ^ i8(a[2]));
  const uint64_t tb = pc(i8(b[0])) + pc(i8(b[0]) ^ i8(b[1])) + pc(i8(b[1]) ^ i8(b[2]));
  EXPECT_EQ(x.mult_a_toggles, ta);
  EXPECT_EQ(x.mult_b_toggles, tb);
  EXPECT_EQ(x.mult_a_ones, pc(i8(a[0])) + pc(i8(a[1])) + pc(i8(a[2])));
  EXPECT_EQ(x.mult_b_ones, pc(i8(b[0])) + pc(i8(b[1])) + pc(i8(b[2])));
  EXPECT_EQ(x.fwd_reg_toggles, ta + tb);  // one A and one B forwarding register, same sequences
  uint64_t p[3], s[3];
  int64_t sum = 0;
  for (int k = 0; k < 3; ++k) {
    p[k] = prod16(a[k], b[k]);
    sum += int64_t(a[k]) * b[k];
    s[k] = raw32(sum);
  }
  EXPECT_EQ(x.product_toggles, pc(p[0]) + pc(p[0] ^ p[1]) + pc(p[1] ^ p[2]));
  EXPECT_EQ(x.acc_toggles, pc(s[0]) + pc(s[0] ^ s[1]) + pc(s[1] ^ s[2]));
  EXPECT_EQ(x.psum_reg_toggles, 0u);
  EXPECT_EQ(x.out_buffer_adds, 1u);
  EXPECT_EQ(x.out_buffer_toggles, pc(s[2]));
  EXPECT_EQ(int64_t(r.c[0].i), sum);
}

TEST_P(Activity, WsWithAPassThroughRowCountsByHand) {
  // 2 x 1 array, K = 1: row 0 multiplies, row 1 is outside the tile and passes
  // the partial sum through to the output buffer.
  const MacCase mc = mac_cases()[0];
  const int a[2] = {-9, 77}, w = -51;
  Gemm g;
  g.m = 2;
  g.k = 1;
  g.n = 1;
  g.a = {i8(a[0]), i8(a[1])};
  g.b = {i8(w)};
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(2, 1, Dataflow::ws), g,
                               GetParam());
  const num::Activity& x = r.activity;
  EXPECT_EQ(x.cycles, 5u);  // 2R + C + M - 2
  EXPECT_EQ(x.pe_cycles, 10u);
  EXPECT_EQ(x.macs, 2u);
  const uint64_t s0 = raw32(int64_t(a[0]) * w), s1 = raw32(int64_t(a[1]) * w);
  const uint64_t p0 = prod16(a[0], w), p1 = prod16(a[1], w);
  EXPECT_EQ(x.mult_a_toggles, pc(i8(a[0])) + pc(i8(a[0]) ^ i8(a[1])));
  EXPECT_EQ(x.mult_b_toggles, pc(i8(w)));
  EXPECT_EQ(x.mult_a_ones, pc(i8(a[0])) + pc(i8(a[1])));
  EXPECT_EQ(x.mult_b_ones, 2 * pc(i8(w)));  // the stationary weight, at the multiplier for both MACs
  EXPECT_EQ(x.product_toggles, pc(p0) + pc(p0 ^ p1));
  EXPECT_EQ(x.acc_toggles, pc(s0) + pc(s0 ^ s1));
  EXPECT_EQ(x.psum_reg_toggles, pc(s0) + pc(s0 ^ s1));
  // Weight shifted into PE (0,0) once; row 0's streaming register sees a0, a1, then the bubble 0.
  EXPECT_EQ(x.fwd_reg_toggles, pc(i8(w)) + pc(i8(a[0])) + pc(i8(a[0]) ^ i8(a[1])) + pc(i8(a[1])));
  EXPECT_EQ(x.out_buffer_adds, 2u);
  EXPECT_EQ(x.out_buffer_toggles, pc(s0) + pc(s1));
}

TEST_P(Activity, DoubleBufferedWeightsCountShadowAndSwapByHand) {
  // 1 x 1 WS array, K = 2 (two folds), M = N = 1, double-buffered: the prologue
  // shifts w0 into the shadow register; fold 0 copies it into the active one
  // and shifts w1 into the shadow; fold 1 copies w1 into the active one.
  const MacCase mc = mac_cases()[0];
  const int a[2] = {45, -3}, w[2] = {-51, 90};
  Gemm g;
  g.m = g.n = 1;
  g.k = 2;
  g.a = {i8(a[0]), i8(a[1])};
  g.b = {i8(w[0]), i8(w[1])};
  ArrayOptions o = array_of(1, 1, Dataflow::ws);
  o.double_buffer = true;
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, o, g, GetParam());
  const num::Activity& x = r.activity;
  EXPECT_EQ(x.cycles, 3u);  // R + folds * (R + C + M - 2)
  EXPECT_EQ(x.macs, 2u);
  const uint64_t w0 = i8(w[0]), w1 = i8(w[1]), a0 = i8(a[0]), a1 = i8(a[1]);
  EXPECT_EQ(x.mult_a_toggles, pc(a0) + pc(a0 ^ a1));
  EXPECT_EQ(x.mult_b_toggles, pc(w0) + pc(w0 ^ w1));
  EXPECT_EQ(x.mult_a_ones, pc(a0) + pc(a1));
  EXPECT_EQ(x.mult_b_ones, pc(w0) + pc(w1));
  // Shadow: 0 -> w0 -> w1; active: 0 -> w0 -> w1; the streaming register: 0 -> a0 -> a1
  // (one fold cycle each, no bubble in between).
  EXPECT_EQ(x.fwd_reg_toggles, 2 * (pc(w0) + pc(w0 ^ w1)) + pc(a0) + pc(a0 ^ a1));
  // Each fold's partial sum goes into the output buffer: two adds.
  const int64_t s0 = int64_t(a[0]) * w[0], s1 = int64_t(a[1]) * w[1];
  EXPECT_EQ(x.acc_toggles, pc(raw32(s0)) + pc(raw32(s0) ^ raw32(s1)));
  EXPECT_EQ(x.out_buffer_adds, 2u);
  EXPECT_EQ(x.out_buffer_toggles, pc(raw32(s0)) + pc(raw32(s0) ^ raw32(s0 + s1)));
  EXPECT_EQ(int64_t(r.c[0].i), s0 + s1);
}

TEST_P(Activity, PipelineRegistersToggleWithTheProduct) {
  const MacCase mc = mac_cases()[6];
  const Gemm g = random_gemm(mc, 6, 5, 4, 17);
  const ArrayOptions o = array_of(3, 2, Dataflow::is);
  const RunResult p1 = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, o, g, GetParam());
  const RunResult p4 = run_gemm(mc.spec, default_output_buffer(mc.spec), 4, o, g, GetParam());
  EXPECT_EQ(p4.activity.product_toggles, p1.activity.product_toggles);
  EXPECT_EQ(p4.activity.fwd_reg_toggles - p1.activity.fwd_reg_toggles, 3 * p1.activity.product_toggles);
  EXPECT_EQ(p4.activity.cycles - p1.activity.cycles, 3 * p1.folds);
  for (size_t i = 0; i < p1.c.size(); ++i) EXPECT_EQ(p1.c[i], p4.c[i]);
}

INSTANTIATE_TEST_SUITE_P(BothEngines, Activity, ::testing::Values(Engine::fast, Engine::pe),
                         [](const auto& info) { return std::string(engine_name(info.param)); });

TEST(MacBits, AccumulatorBitsEqualRawBits) {
  for (const MacCase& mc : mac_cases()) {
    const num::Mac mac(mc.spec);
    const mac::MacBits bits(mac);
    const Gemm g = random_gemm(mc, 1, 64, 1, 3);
    num::AccValue v{};
    num::MacStats st;
    for (int k = 0; k < 64; ++k) {
      mac.mac(v, g.a[size_t(k)], g.b[size_t(k)], st);
      EXPECT_EQ(bits.acc(v), mac.accumulator().raw_bits(v)) << mc.name;
    }
  }
}

}  // namespace
}  // namespace qmac::array::test
