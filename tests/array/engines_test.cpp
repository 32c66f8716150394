// Both engines and the reference agree bit for bit (outputs), cycle for cycle
// and toggle for toggle, over formats x dataflows x shapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "array_test_util.hpp"

namespace qmac::array::test {
namespace {

const Env env;

struct Shape {
  int rows, cols, m, k, n, stages;
};
// Shapes that divide the array and that don't, K = 1, M = 1 (GEMV), N = 1,
// a 1 x 1 array, K larger than the rows (WS/IS partial sums through the
// output buffer), and pipelined MACs.
const Shape kShapes[] = {
    {4, 3, 1, 1, 1, 1}, {4, 3, 5, 1, 4, 1}, {4, 3, 1, 9, 7, 1}, {4, 3, 9, 10, 7, 1}, {3, 5, 8, 6, 10, 2},
    {1, 1, 3, 4, 2, 1}, {2, 4, 7, 9, 1, 3}, {5, 2, 4, 11, 3, 1},
    // Several folds in both tile directions with partial tiles (rows passing
    // partial sums through, idle columns) and a pipelined MAC.
    {6, 5, 13, 20, 12, 1}, {4, 6, 9, 17, 14, 2},
};

class Engines : public ::testing::TestWithParam<std::tuple<int, Dataflow>> {};

TEST_P(Engines, Engines_MatchReferenceAndEachOther) {
  const MacCase mc = mac_cases()[size_t(std::get<0>(GetParam()))];
  const Dataflow df = std::get<1>(GetParam());
  const num::AccumulatorSpec buf = default_output_buffer(mc.spec);
  uint64_t seed = 1;
  for (const Shape& s : kShapes)
    for (const bool db : {false, true}) {  // double-buffered stationary registers (WS/IS only)
    if (db && df == Dataflow::os) continue;
    SCOPED_TRACE(mc.name + " " + std::string(dataflow_name(df)) + " array " + std::to_string(s.rows) + "x" +
                 std::to_string(s.cols) + " gemm " + std::to_string(s.m) + "x" + std::to_string(s.k) + "x" +
                 std::to_string(s.n) + " P=" + std::to_string(s.stages) + (db ? " double_buffer" : ""));
    const Gemm g = random_gemm(mc, s.m, s.k, s.n, seed++);
    ArrayOptions o = array_of(s.rows, s.cols, df);
    o.double_buffer = db;
    const RunResult ref = reference_gemm(mc.spec, buf, s.stages, o, g);
    const RunResult fast = run_gemm(mc.spec, buf, s.stages, o, g, Engine::fast);
    const RunResult pe = run_gemm(mc.spec, buf, s.stages, o, g, Engine::pe);
    // The pe engine as a process per PE (as it was built first) and as one
    // process for the array (the default): the same run, word and counter.
    ArrayOptions own = o;
    own.pe_process_per_pe = true;
    const RunResult pe_own = run_gemm(mc.spec, buf, s.stages, own, g, Engine::pe);
    EXPECT_EQ(pe_own.c, pe.c);
    EXPECT_TRUE(pe_own.activity == pe.activity);
    EXPECT_EQ(pe_own.stats.overflows, pe.stats.overflows);
    EXPECT_EQ(pe_own.cycles, pe.cycles);
    ASSERT_EQ(fast.c.size(), size_t(s.m) * s.n);
    for (size_t i = 0; i < ref.c.size(); ++i) {
      ASSERT_EQ(fast.c[i], ref.c[i]) << "fast output " << i << ": " << fast.c[i].f << " vs " << ref.c[i].f;
      ASSERT_EQ(pe.c[i], ref.c[i]) << "pe output " << i << ": " << pe.c[i].f << " vs " << ref.c[i].f;
    }
    EXPECT_EQ(fast.stats.overflows, ref.stats.overflows);
    EXPECT_EQ(pe.stats.overflows, ref.stats.overflows);
    EXPECT_EQ(fast.cycles, pe.cycles);
    EXPECT_EQ(fast.cycles, cycle_formula(o, s.m, s.k, s.n, s.stages));
    EXPECT_EQ(fast.folds, ref.folds);
    EXPECT_EQ(pe.folds, ref.folds);
    const num::Activity& a = fast.activity;
    const num::Activity& b = pe.activity;
    EXPECT_EQ(a.cycles, b.cycles);
    EXPECT_EQ(a.pe_cycles, b.pe_cycles);
    EXPECT_EQ(a.macs, b.macs);
    EXPECT_EQ(a.macs, uint64_t(s.m) * s.k * s.n);
    EXPECT_EQ(a.mult_a_toggles, b.mult_a_toggles);
    EXPECT_EQ(a.mult_b_toggles, b.mult_b_toggles);
    EXPECT_EQ(a.mult_a_ones, b.mult_a_ones);
    EXPECT_EQ(a.mult_b_ones, b.mult_b_ones);
    EXPECT_EQ(a.product_toggles, b.product_toggles);
    EXPECT_EQ(a.acc_toggles, b.acc_toggles);
    EXPECT_EQ(a.acc_nonfinite_macs, b.acc_nonfinite_macs);
    EXPECT_EQ(a.fwd_reg_toggles, b.fwd_reg_toggles);
    EXPECT_EQ(a.psum_reg_toggles, b.psum_reg_toggles);
    EXPECT_EQ(a.out_buffer_adds, b.out_buffer_adds);
    EXPECT_EQ(a.out_buffer_toggles, b.out_buffer_toggles);
    EXPECT_TRUE(a == b);
    EXPECT_GT(a.mult_a_toggles + a.mult_b_toggles, 0u);
    // Apart from the engines: every A code meets the N columns of B at a
    // multiplier, every B code the M rows of A, whatever the dataflow.
    uint64_t ones_a = 0, ones_b = 0;
    for (const auto code : g.a) ones_a += uint64_t(__builtin_popcount(uint32_t(code)));
    for (const auto code : g.b) ones_b += uint64_t(__builtin_popcount(uint32_t(code)));
    EXPECT_GT(ones_a * ones_b, 0u);
    EXPECT_EQ(a.mult_a_ones, ones_a * uint64_t(s.n));
    EXPECT_EQ(a.mult_b_ones, ones_b * uint64_t(s.m));
    }
}

// MACs whose accumulator input is inf/NaN (Activity::acc_nonfinite_macs),
// counted apart from the engines: every output's chain of products from zero,
// over the whole K (OS) or over each fold's rows (WS/IS: the partial sum
// arriving from the rows above), by num::Mac.
uint64_t nonfinite_oracle(const num::MacSpec& spec, const Gemm& g, Dataflow df, int rows) {
  const num::Mac mac(spec);
  const int seg = df == Dataflow::os ? g.k : rows;
  uint64_t n_nf = 0;
  num::MacStats st;
  for (int i = 0; i < g.m; ++i)
    for (int j = 0; j < g.n; ++j)
      for (int k0 = 0; k0 < g.k; k0 += seg) {
        num::AccValue v;
        for (int k = k0; k < std::min(g.k, k0 + seg); ++k) {
          n_nf += uint64_t(!std::isfinite(v.f));
          mac.mac(v, g.a[size_t(i) * g.k + k], g.b[size_t(k) * g.n + j], st);
        }
      }
  return n_nf;
}

// Float accumulators that overflow (the fused FP16 case runs the engine's
// vector lanes, the non-fused one its scalar path) and operands with inf/NaN
// codes (scalar path; inf - inf makes NaN): both engines count the MACs that
// meet an inf/NaN accumulator as the oracle does, and some MACs do.
TEST(Engines, CountMacsMeetingANonFiniteAccumulator) {
  struct Case {
    MacCase mc;
    bool specials;  // every 7th code of A an inf or NaN
  };
  const Case cases[] = {
      {make_case("e5m2_fp16_fused", "fp8_e5m2", "fp8_e5m2", float_acc("fp16"), true, 150, 150), false},
      {make_case("e5m2_fp16_nonfused", "fp8_e5m2", "fp8_e5m2", float_acc("fp16"), false, 150, 150), false},
      {make_case("e5m2_fp32_specials", "fp8_e5m2", "fp8_e5m2", float_acc("fp32"), true, 8, 8), true},
      {make_case("e5m2_bf16_specials", "fp8_e5m2", "fp8_e5m2", float_acc("bf16"), true, 8, 8), true},
  };
  const Shape shapes[] = {{4, 3, 9, 10, 7, 1}, {6, 5, 13, 20, 12, 1}, {4, 6, 9, 17, 14, 2}};
  uint64_t seed = 11;
  for (const Case& c : cases)
    for (const Dataflow df : {Dataflow::ws, Dataflow::os, Dataflow::is}) {
      uint64_t total = 0, macs = 0;
      for (const Shape& s : shapes) {
        SCOPED_TRACE(c.mc.name + " " + std::string(dataflow_name(df)) + " gemm " + std::to_string(s.m) + "x" +
                     std::to_string(s.k) + "x" + std::to_string(s.n));
        Gemm g = random_gemm(c.mc, s.m, s.k, s.n, seed++);
        if (c.specials)
          for (size_t i = 0; i < g.a.size(); i += 7)
            g.a[i] = num::code_of(c.mc.spec.a, (i / 7) % 3 == 0 ? NAN : (i / 7) % 3 == 1 ? HUGE_VAL : -HUGE_VAL);
        const ArrayOptions o = array_of(s.rows, s.cols, df);
        const num::AccumulatorSpec buf = default_output_buffer(c.mc.spec);
        const RunResult fast = run_gemm(c.mc.spec, buf, s.stages, o, g, Engine::fast);
        const RunResult pe = run_gemm(c.mc.spec, buf, s.stages, o, g, Engine::pe);
        const uint64_t want = nonfinite_oracle(c.mc.spec, g, df, s.rows);
        EXPECT_EQ(fast.activity.acc_nonfinite_macs, want);
        EXPECT_EQ(pe.activity.acc_nonfinite_macs, want);
        EXPECT_TRUE(fast.activity == pe.activity);
        total += want;
        macs += fast.activity.macs;
      }
      // Neither none nor all: the counts distinguish the MACs.
      EXPECT_GT(total, 0u) << c.mc.name;
      EXPECT_LT(total, macs) << c.mc.name;
    }
}

std::string name_of(const ::testing::TestParamInfo<std::tuple<int, Dataflow>>& info) {
  return mac_cases()[size_t(std::get<0>(info.param))].name + "_" +
         std::string(dataflow_name(std::get<1>(info.param)));
}

INSTANTIATE_TEST_SUITE_P(AllFormatsAllDataflows, Engines,
                         ::testing::Combine(::testing::Range(0, int(mac_cases().size())),
                                            ::testing::Values(Dataflow::ws, Dataflow::os, Dataflow::is)),
                         name_of);

}  // namespace
}  // namespace qmac::array::test
