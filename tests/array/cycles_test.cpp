// Simulated cycles equal the closed forms, written here from SCALE-Sim's
// compute-cycle formulas (not by calling the code under test).
#include <gtest/gtest.h>

#include "array_test_util.hpp"

namespace qmac::array::test {
namespace {

const Env env;

uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// SCALE-Sim: OS ceil(M/R)ceil(N/C)(R+C+K-2) - 1, WS ceil(K/R)ceil(N/C)(2R+C+M-2) - 1,
// IS ceil(K/R)ceil(M/C)(2R+C+N-2) - 1; a P-stage MAC adds P-1 to every fold.
uint64_t oracle(Dataflow d, uint64_t R, uint64_t C, uint64_t M, uint64_t K, uint64_t N, uint64_t P) {
  switch (d) {
    case Dataflow::os: return cdiv(M, R) * cdiv(N, C) * (R + C + K - 2 + P - 1) - 1;
    case Dataflow::ws: return cdiv(K, R) * cdiv(N, C) * (2 * R + C + M - 2 + P - 1) - 1;
    case Dataflow::is: return cdiv(K, R) * cdiv(M, C) * (2 * R + C + N - 2 + P - 1) - 1;
  }
  return 0;
}

TEST(CycleFormula, HandComputedExamples) {
  // 128x128 WS, 1024^3: 8*8 folds of 2*128+128+1024-2 = 1406 cycles.
  EXPECT_EQ(cycle_formula(array_of(128, 128, Dataflow::ws), 1024, 1024, 1024, 1), 64u * 1406u - 1u);
  // 4x4 OS, 8^3: 4 folds of 4+4+8-2 = 14.
  EXPECT_EQ(cycle_formula(array_of(4, 4, Dataflow::os), 8, 8, 8, 1), 55u);
  // 4x2 IS, M=3 K=5 N=6: ceil(5/4)=2 * ceil(3/2)=2 folds of 8+2+6-2 = 14, P=3 adds 2.
  EXPECT_EQ(cycle_formula(array_of(4, 2, Dataflow::is), 3, 5, 6, 3), 4u * 16u - 1u);
  ArrayOptions o = array_of(4, 4, Dataflow::os);
  o.cycles_as_last_index = false;
  EXPECT_EQ(cycle_formula(o, 8, 8, 8, 1), 56u);
  EXPECT_EQ(fold_count(array_of(4, 4, Dataflow::ws), 100, 9, 5), 3u * 2u);
}

// Double-buffered stationary registers (WS/IS): R prologue cycles load the
// first tile, then each fold costs its stream only, R + C + M - 2 (WS) or
// R + C + N - 2 (IS), plus P - 1; OS is unchanged.
uint64_t oracle_db(Dataflow d, uint64_t R, uint64_t C, uint64_t M, uint64_t K, uint64_t N, uint64_t P) {
  switch (d) {
    case Dataflow::os: return oracle(d, R, C, M, K, N, P);
    case Dataflow::ws: return R + cdiv(K, R) * cdiv(N, C) * (R + C + M - 2 + P - 1) - 1;
    case Dataflow::is: return R + cdiv(K, R) * cdiv(M, C) * (R + C + N - 2 + P - 1) - 1;
  }
  return 0;
}

TEST(CycleFormula, DoubleBufferHandComputedExamples) {
  ArrayOptions o = array_of(128, 128, Dataflow::ws);
  o.double_buffer = true;
  // 1024^3: 128 prologue + 64 folds of 128+128+1024-2 = 1278 (vs 1406 without).
  EXPECT_EQ(cycle_formula(o, 1024, 1024, 1024, 1), 128u + 64u * 1278u - 1u);
  // A single fold costs the same either way: the first preload cannot be hidden.
  o = array_of(4, 3, Dataflow::is);
  o.double_buffer = true;
  EXPECT_EQ(cycle_formula(o, 3, 4, 5, 1), cycle_formula(array_of(4, 3, Dataflow::is), 3, 4, 5, 1));
  // GEMV (M = 1) on 16x16 WS, K = N = 64: 16 folds of 16+16+1-2 = 31 after 16 cycles, vs 16 x 47.
  o = array_of(16, 16, Dataflow::ws);
  o.double_buffer = true;
  EXPECT_EQ(cycle_formula(o, 1, 64, 64, 1), 16u + 16u * 31u - 1u);
  EXPECT_EQ(cycle_formula(array_of(16, 16, Dataflow::ws), 1, 64, 64, 1), 16u * 47u - 1u);
  o = array_of(4, 4, Dataflow::os);
  o.double_buffer = true;
  EXPECT_EQ(cycle_formula(o, 8, 8, 8, 1), 55u);  // OS: nothing to preload, no change
}

TEST(CycleFormula, SimulationMatchesFormulaOverManyShapes) {
  const MacCase mc = mac_cases()[0];
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> dim(1, 13), arr(1, 6), stages(1, 4);
  for (int trial = 0; trial < 40; ++trial) {
    const int R = arr(rng), C = arr(rng), M = dim(rng), K = dim(rng), N = dim(rng), P = stages(rng);
    for (Dataflow d : {Dataflow::ws, Dataflow::os, Dataflow::is}) {
      SCOPED_TRACE(std::string(dataflow_name(d)) + " " + std::to_string(R) + "x" + std::to_string(C) + " " +
                   std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N) + " P=" + std::to_string(P));
      ArrayOptions o = array_of(R, C, d);
      const Gemm g = random_gemm(mc, M, K, N, uint64_t(trial));
      const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), P, o, g, Engine::fast);
      const uint64_t expect = oracle(d, R, C, M, K, N, P);
      EXPECT_EQ(r.cycles, expect);
      EXPECT_EQ(r.activity.cycles, expect + 1);  // every clocked cycle is simulated and counted
      EXPECT_EQ(r.activity.pe_cycles, (expect + 1) * uint64_t(R) * uint64_t(C));
      o.cycles_as_last_index = false;
      EXPECT_EQ(cycle_formula(o, M, K, N, P), expect + 1);
      for (Engine e : {Engine::fast, Engine::pe}) {
        ArrayOptions db = array_of(R, C, d);
        db.double_buffer = true;
        const RunResult rd = run_gemm(mc.spec, default_output_buffer(mc.spec), P, db, g, e);
        EXPECT_EQ(rd.cycles, oracle_db(d, R, C, M, K, N, P)) << engine_name(e);
        EXPECT_EQ(rd.activity.cycles, rd.cycles + 1) << engine_name(e);
        for (size_t i = 0; i < r.c.size(); ++i) ASSERT_EQ(rd.c[i], r.c[i]) << engine_name(e);
      }
    }
  }
}

// Both engines observe when the last output word reaches the output buffer
// (pe: the drain's last write; fast: the kernel's last column of the last
// fold). It is the reported cycle count unless the last fold is a partial tile
// (fewer used columns than the array has), which still occupies a full fold in
// SCALE-Sim's static schedule: then the word leaves earlier, by exactly the
// unused columns.
TEST(CycleFormula, LastOutputWordObservedByBothEngines) {
  const MacCase mc = mac_cases()[0];
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> dim(1, 11), arr(1, 5), stages(1, 3);
  for (int trial = 0; trial < 25; ++trial) {
    const int R = arr(rng), C = arr(rng), M = dim(rng), K = dim(rng), N = dim(rng), P = stages(rng);
    for (Dataflow d : {Dataflow::ws, Dataflow::os, Dataflow::is}) {
      SCOPED_TRACE(std::string(dataflow_name(d)) + " " + std::to_string(R) + "x" + std::to_string(C) + " " +
                   std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N) + " P=" + std::to_string(P));
      const ArrayOptions o = array_of(R, C, d);
      const Gemm g = random_gemm(mc, M, K, N, uint64_t(trial));
      const RunResult f = run_gemm(mc.spec, default_output_buffer(mc.spec), P, o, g, Engine::fast);
      const RunResult p = run_gemm(mc.spec, default_output_buffer(mc.spec), P, o, g, Engine::pe);
      EXPECT_EQ(f.cycles, oracle(d, R, C, M, K, N, P));
      EXPECT_EQ(p.cycles, f.cycles);
      EXPECT_EQ(p.last_write_cycle, f.last_write_cycle);
      // Columns of the last fold's tile: WS N, IS M (OS drains the whole tile at the fold's end).
      const int cols_used = d == Dataflow::ws ? (N - 1) % C + 1 : d == Dataflow::is ? (M - 1) % C + 1 : C;
      EXPECT_EQ(p.last_write_cycle + uint64_t(C - cols_used), p.cycles);
    }
  }
}

}  // namespace
}  // namespace qmac::array::test
