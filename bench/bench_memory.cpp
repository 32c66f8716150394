// The memory system's cost in time (Google Benchmark), issue 12 and 13:
// * the fast engine on 1024^3 / 128x128 WS, INT8 -> INT32, with ideal memory
//   and with the scratchpad model (goal: within 1.5x of ideal: the model is
//   O(folds) and the engine only clocks the stalls it adds);
// * the analytic engine (schedule + memory model, no simulation) on the same
//   GEMM with each memory model: what a sweep over architectures pays per point.
//   Its ratio to SCALE-Sim's wall time on the same layer is measured by
//   scripts/analytic_vs_scalesim.sh (SCALE-Sim is not part of this build).
#include <benchmark/benchmark.h>

#include <random>

#include "models/array/array.hpp"
#include "models/memory/analytic.hpp"
#include "models/numerics/codec.hpp"
#include "models/numerics/format.hpp"

namespace {

using namespace qmac;

num::MacSpec int8_spec() {
  num::MacSpec s;
  s.a = s.b = num::parse_format("int8");
  s.acc.kind = num::AccKind::integer;
  s.acc.width = 32;
  return s;
}

array::Gemm gemm_of(int m, int k, int n) {
  std::mt19937_64 rng(1);
  std::uniform_int_distribution<uint32_t> code(0, 255);
  array::Gemm g;
  g.m = m;
  g.k = k;
  g.n = n;
  for (size_t i = 0; i < size_t(m) * k; ++i) g.a.push_back(code(rng));
  for (size_t i = 0; i < size_t(k) * n; ++i) g.b.push_back(code(rng));
  return g;
}

memory::Config memory_of(int model) {
  memory::Config c;
  c.model = memory::Model(model);
  c.sram_kib_a = c.sram_kib_b = c.sram_kib_c = 256;
  c.dram_bandwidth = model == 2 ? 10 : 32;  // scalesim: words/cycle
  c.dram_latency = 100;
  return c;
}

// arg 0: memory model (0 ideal, 1 scratchpad)
void BM_FastWithMemory(benchmark::State& st) {
  const num::MacSpec s = int8_spec();
  const int size = 1024;
  const array::Gemm g = gemm_of(size, size, size);
  array::ArrayOptions o;
  o.rows = o.cols = 128;
  const memory::Config mem = memory_of(int(st.range(0)));
  uint64_t stalls = 0;
  for (auto _ : st) {
    // The model runs inside the timed loop: its cost is part of the run.
    const memory::Report rep =
        memory::simulate(mem, array::make_schedule(o, size, size, size, 1), memory::WordBytes{1, 1, 4, 4});
    const array::RunResult r = array::run_gemm(s, s.acc, 1, o, g, array::Engine::fast, nullptr,
                                               mem.model == memory::Model::ideal ? nullptr : &rep.stalls);
    stalls = r.stall_cycles;
    benchmark::DoNotOptimize(r.c.data());
  }
  st.counters["MAC/s"] = benchmark::Counter(double(size) * size * size, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["stall_cycles"] = double(stalls);
}
BENCHMARK(BM_FastWithMemory)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);

// args: memory model (0 ideal, 1 scratchpad, 2 scalesim), square size, array side, dataflow
void BM_Analytic(benchmark::State& st) {
  array::ArrayOptions o;
  o.rows = o.cols = int(st.range(2));
  o.dataflow = array::Dataflow(st.range(3));
  const int size = int(st.range(1));
  const memory::Config mem = memory_of(int(st.range(0)));
  for (auto _ : st) {
    const memory::Analysis a = memory::analyze(o, size, size, size, 1, mem, memory::WordBytes{1, 1, 4, 4});
    benchmark::DoNotOptimize(a.cycles);
  }
}
BENCHMARK(BM_Analytic)
    ->Args({0, 1024, 128, 0})
    ->Args({1, 1024, 128, 0})
    ->Args({2, 1024, 128, 0})
    ->Args({2, 256, 32, 0})
    ->Args({1, 256, 32, 0})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
