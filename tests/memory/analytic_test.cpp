// The analytic engine against both simulating engines: over random shapes,
// dataflows, pipeline depths and memory configurations, the engines executing
// the memory model's timeline observe exactly the cycles, stalls and last
// output cycle the analytic engine computes without simulating; and `qmac run
// --engine analytic` reports the same cycles and memory block as `--engine
// fast`, with no accuracy keys.
#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "../cli/run_qmac.hpp"
#include "../mac_specs.hpp"
#include "models/memory/analytic.hpp"
#include "models/numerics/format.hpp"

namespace qmac::memory {
namespace {

TEST(Analytic_EqualsSimulation, RandomShapesDataflowsAndMemory) {
  const num::MacSpec spec = test::int8_int32();
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> dim(1, 24), arr(1, 6), code(0, 255), lat(0, 40), stages(1, 3);
  const double kibs[] = {0.03125, 0.125, 1, 64};
  for (int trial = 0; trial < 30; ++trial) {
    array::ArrayOptions o;
    o.rows = arr(rng);
    o.cols = arr(rng);
    o.dataflow = array::Dataflow(trial % 3);
    o.double_buffer = trial % 4 == 1;
    o.cycles_as_last_index = trial % 5 != 0;
    int P = stages(rng);
    const int M = dim(rng), K = dim(rng), N = dim(rng);
    Config mem;
    mem.model = trial % 6 == 0 ? Model::ideal : trial % 6 == 3 ? Model::scalesim : Model::scratchpad;
    mem.dram_bandwidth = double(1 + trial % 8);
    mem.dram_latency = uint64_t(lat(rng));
    mem.sram_kib_a = kibs[trial % 4];
    mem.sram_kib_b = kibs[(trial / 4) % 4];
    mem.sram_kib_c = kibs[(trial / 2) % 4];
    mem.double_buffered = trial % 7 != 3;
    if (mem.model == Model::scalesim) {  // SCALE-Sim's array: one MAC stage, no shadow registers, split buffers
      P = 1;
      o.double_buffer = false;
      mem.double_buffered = true;
      mem.dram_bandwidth = trial % 4 == 3 ? 0 : double(1 + trial % 5);  // 0: CALC mode
      mem.sram_kib_a = mem.sram_kib_b = mem.sram_kib_c = 1;
    }
    const WordBytes bytes{1, 1, 4, double(1 + trial % 4)};
    SCOPED_TRACE("trial " + std::to_string(trial) + " " + std::string(array::dataflow_name(o.dataflow)) + " " +
                 std::to_string(o.rows) + "x" + std::to_string(o.cols) + " " + std::to_string(M) + "x" +
                 std::to_string(K) + "x" + std::to_string(N));
    const Analysis a = analyze(o, M, K, N, P, mem, bytes);
    array::Gemm g;
    g.m = M;
    g.k = K;
    g.n = N;
    for (int i = 0; i < M * K; ++i) g.a.push_back(uint32_t(code(rng)));
    for (int i = 0; i < K * N; ++i) g.b.push_back(uint32_t(code(rng)));
    const array::Stalls* stalls = mem.model == Model::ideal ? nullptr : &a.memory.stalls;
    array::RunResult runs[2];
    int i = 0;
    for (array::Engine e : {array::Engine::fast, array::Engine::pe}) {
      const array::RunResult r = array::run_gemm(spec, spec.acc, P, o, g, e, nullptr, stalls);
      EXPECT_EQ(r.cycles, a.cycles) << array::engine_name(e);
      EXPECT_EQ(r.activity.cycles, a.clocked) << array::engine_name(e);
      EXPECT_EQ(r.stall_cycles, a.memory.stall_cycles) << array::engine_name(e);
      EXPECT_EQ(r.last_write_cycle, a.last_write_cycle) << array::engine_name(e);
      EXPECT_EQ(r.folds, a.folds) << array::engine_name(e);
      EXPECT_EQ(r.activity.macs, a.macs) << array::engine_name(e);
      runs[i++] = r;
    }
    // Both engines, one timeline: the same words and the same activity, stalls included.
    EXPECT_EQ(runs[0].c, runs[1].c);
    EXPECT_EQ(runs[0].activity.fwd_reg_toggles, runs[1].activity.fwd_reg_toggles);
    EXPECT_EQ(runs[0].activity.acc_toggles, runs[1].activity.acc_toggles);
    EXPECT_EQ(runs[0].activity.psum_reg_toggles, runs[1].activity.psum_reg_toggles);
    EXPECT_EQ(runs[0].activity.pe_cycles, runs[1].activity.pe_cycles);
    if (mem.model == Model::ideal) {
      EXPECT_EQ(a.cycles, array::cycle_formula(o, M, K, N, P));
    }
  }
}

nlohmann::json run_json(const std::string& args) {
  const auto r = run_qmac("run " + args + " --json -");
  EXPECT_EQ(r.code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(Analytic_Cli, SameCyclesAndMemoryAsTheFastEngineAndNoAccuracy) {
  const std::string cases[] = {
      "--set array.rows=8 --set array.cols=4 --set workload.gemm.m=20 --set workload.gemm.k=30 --set workload.gemm.n=9 "
      "--set memory.model=scratchpad --set memory.sram_kib.a=0.25 --set memory.sram_kib.c=0.5 "
      "--set memory.dram.bandwidth=2 --set memory.dram.latency=30",
      "--set array.dataflow=os --set memory.model=scratchpad --set memory.double_buffered=false "
      "--set memory.output_format=fp8_e4m3 --set memory.dram.bandwidth=4",
      "--set array.dataflow=is --set array.double_buffer=true --set mac.a=fp8_e4m3 --set mac.b=fp8_e4m3 "
      "--set memory.model=scratchpad --set memory.sram_kib.b=1",
      "--set array.dataflow=ws",
      "--set array.dataflow=os --set memory.model=scalesim --set memory.dram.bandwidth=calc --set memory.sram_kib.c=1",
      "--set array.dataflow=is --set memory.model=scalesim --set memory.dram.bandwidth=2 --set memory.sram_kib.a=1",
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c);
    const auto fast = run_json(c);
    const auto an = run_json(c + " --engine analytic");
    EXPECT_EQ(an["cycles"], fast["cycles"]);
    EXPECT_EQ(an["folds"], fast["folds"]);
    EXPECT_EQ(an["utilization"], fast["utilization"]);
    EXPECT_EQ(an["last_write_cycle"], fast["last_write_cycle"]);
    EXPECT_EQ(an["memory"], fast["memory"]);
    EXPECT_FALSE(an.contains("accuracy"));
    EXPECT_TRUE(an["accuracy_note"].is_string());
    EXPECT_TRUE(fast.contains("accuracy"));
    EXPECT_EQ(an["cost"]["energy_basis"], "static");
    if (fast["memory"]["model"] != "ideal") {
      EXPECT_GT(fast["cost"]["energy_breakdown_pj"]["memory_dram"].get<double>(), 0);
      EXPECT_GT(fast["cost"]["memory_energy_pj"].get<double>(), 0);
    }
  }
}

}  // namespace
}  // namespace qmac::memory
