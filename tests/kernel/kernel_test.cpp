// The fast engine's kernel (models/array/fast_kernel.cpp, fast_lanes.cpp):
// threads and vector paths change nothing. Every output word, overflow count,
// cycle and activity counter is the same on 1, 2 and 7 threads and with every
// instruction set of this CPU (QMAC_ISA), for every MAC configuration of the
// engine tests (vector and scalar paths) and every dataflow; and the vector paths' rare branches -- FP16 accumulators that
// overflow to inf and then NaN, FP32 accumulators fed inf/NaN operand codes,
// integer registers that wrap -- agree with the pe engine and the reference.
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

#include "array/array_test_util.hpp"
#include "models/array/fast_engine.hpp"
#include "models/numerics/isa.hpp"

namespace qmac::array::test {
namespace {

const Env env;

std::vector<const char*> isas() {
  std::vector<const char*> v{"baseline"};
  if (int(num::cpu_isa()) >= int(num::Isa::avx2)) v.push_back("avx2");
  if (num::cpu_isa() == num::Isa::avx512) v.push_back("avx512");
  return v;
}
struct IsaScope {
  explicit IsaScope(const char* isa) { ::setenv("QMAC_ISA", isa, 1); }
  ~IsaScope() { ::unsetenv("QMAC_ISA"); }
};

void expect_same(const RunResult& x, const RunResult& y, const std::string& what) {
  ASSERT_EQ(x.c.size(), y.c.size()) << what;
  for (size_t i = 0; i < x.c.size(); ++i) ASSERT_EQ(x.c[i], y.c[i]) << what << ": output " << i;
  EXPECT_EQ(x.stats.overflows, y.stats.overflows) << what;
  EXPECT_EQ(x.cycles, y.cycles) << what;
  EXPECT_EQ(x.folds, y.folds) << what;
  EXPECT_TRUE(x.activity == y.activity) << what << ": activity differs (acc toggles " << x.activity.acc_toggles
                                        << " vs " << y.activity.acc_toggles << ", product " << x.activity.product_toggles
                                        << " vs " << y.activity.product_toggles << ")";
}

struct Layout {
  Dataflow dataflow;
  bool double_buffer;
};
const Layout kLayouts[] = {{Dataflow::ws, false}, {Dataflow::ws, true}, {Dataflow::os, false}, {Dataflow::is, false}};

// Folds big enough (> 2^15 MACs) that the kernel runs them on the pool, with
// partial tiles in both directions.
constexpr int kRows = 32, kCols = 24, kM = 70, kK = 50, kN = 60;

TEST(Kernel_Threads, SameResultsOnOneTwoAndSevenThreads) {
  uint64_t seed = 11;
  for (const MacCase& mc : mac_cases())
    for (const Layout& lay : kLayouts) {
      const std::string what = mc.name + " " + std::string(dataflow_name(lay.dataflow)) + (lay.double_buffer ? " db" : "");
      const Gemm g = random_gemm(mc, kM, kK, kN, seed++);
      ArrayOptions o = array_of(kRows, kCols, lay.dataflow);
      o.double_buffer = lay.double_buffer;
      const num::AccumulatorSpec buf = default_output_buffer(mc.spec);
      o.threads = 1;
      RunResult one;
      {
        const IsaScope scope("baseline");
        one = run_gemm(mc.spec, buf, 2, o, g, Engine::fast);
      }
      EXPECT_EQ(one.activity.macs, uint64_t(kM) * kK * kN) << what;
      for (const char* isa : isas()) {
        const IsaScope scope(isa);
        for (int threads : {1, 2, 7}) {
          o.threads = threads;
          expect_same(run_gemm(mc.spec, buf, 2, o, g, Engine::fast), one,
                      what + " on " + std::to_string(threads) + " " + isa);
        }
      }
    }
}

// Sets every `every`-th code of `codes` to one of `specials` in turn.
void sprinkle(std::vector<uint32_t>& codes, size_t every, const std::vector<uint32_t>& specials) {
  for (size_t i = 0, s = 0; i < codes.size(); i += every, ++s) codes[i] = specials[s % specials.size()];
}

TEST(Kernel_Lanes, RareBranchesMatchThePeEngineAndReference) {
  using num::IntOverflow;
  struct Case {
    MacCase mc;
    std::vector<uint32_t> a_specials, b_specials;  // codes to sprinkle (inf/NaN)
  };
  const Case cases[] = {
      // FP16 accumulators of large FP8 products: overflow to inf, inf - inf = NaN.
      {make_case("e4m3_fp16_overflow", "fp8_e4m3", "fp8_e4m3", float_acc("fp16"), true, 200, 200), {}, {}},
      {make_case("e5m2_bf16_fused", "fp8_e5m2", "fp8_e5m2", float_acc("bf16"), true, 30, 30), {}, {}},
      // inf and NaN operand codes (E5M2: 0x7c = +inf, 0xfc = -inf, 0x7e = NaN).
      {make_case("e5m2_fp32_specials", "fp8_e5m2", "fp8_e5m2", float_acc("fp32"), true, 8, 8), {0x7c, 0x7e}, {0xfc}},
      // An integer register that wraps (the scalar, checked path).
      {make_case("int8_int16_wrap", "int8", "int8", int_acc(16, IntOverflow::wrap), true, 100, 100), {}, {}},
      // Subnormal-heavy FP16 sums (small values): refused lanes take num::Mac.
      {make_case("e4m3_fp16_tiny", "fp8_e4m3", "fp8_e4m3", float_acc("fp16"), true, 0.02, 0.02), {}, {}},
  };
  uint64_t seed = 99;
  for (const Case& c : cases)
    for (const Layout& lay : kLayouts) {
      const std::string what = c.mc.name + " " + std::string(dataflow_name(lay.dataflow)) + (lay.double_buffer ? " db" : "");
      Gemm g = random_gemm(c.mc, 21, 37, 19, seed++);
      if (!c.a_specials.empty()) sprinkle(g.a, 29, c.a_specials);
      if (!c.b_specials.empty()) sprinkle(g.b, 31, c.b_specials);
      ArrayOptions o = array_of(8, 6, lay.dataflow);
      o.double_buffer = lay.double_buffer;
      const num::AccumulatorSpec buf = default_output_buffer(c.mc.spec);
      const RunResult ref = reference_gemm(c.mc.spec, buf, 1, o, g);
      const RunResult pe = run_gemm(c.mc.spec, buf, 1, o, g, Engine::pe);
      for (const char* isa : isas())
      for (int threads : {1, 2}) {
        const IsaScope scope(isa);
        o.threads = threads;
        const RunResult fast = run_gemm(c.mc.spec, buf, 1, o, g, Engine::fast);
        expect_same(fast, pe, what + " fast vs pe on " + std::to_string(threads) + " " + isa);
        for (size_t i = 0; i < ref.c.size(); ++i) {
          ASSERT_EQ(fast.c[i], ref.c[i]) << what << " vs reference, output " << i;
        }
        EXPECT_EQ(fast.stats.overflows, ref.stats.overflows) << what;
      }
      if (c.mc.name == "e4m3_fp16_overflow") {
        EXPECT_GT(pe.stats.overflows, 0u) << what << ": the case must overflow";
      }
    }
}

// The OS feeder's bulk form (fast_kernel.cpp's os_lanes) is set() step by
// step: the same toggles, the same chain state after, with and without the
// run ending before the last changes have crossed the chain.
TEST(ChainToggles_SetSequence, EqualsSetStepByStep) {
  std::mt19937_64 rng(5);
  for (uint64_t end : {uint64_t{10000}, uint64_t{140}, uint64_t{100}})
    for (size_t stride : {size_t{1}, size_t{16}}) {
      const int len = 37;
      const size_t n = 90;
      std::vector<uint8_t> codes(n * stride);
      for (auto& c : codes) c = uint8_t(rng());
      ChainToggles bulk(len, end), steps(len, end);
      bulk.set(0, 0xa5);
      steps.set(0, 0xa5);
      const uint64_t s = 7;
      uint64_t between = 0;
      const uint64_t got = bulk.set_sequence(s, codes.data(), n, stride, between);
      uint64_t want = 0, want_between = 0;
      for (size_t i = 0; i < n; ++i) {
        want += steps.set(s + i, codes[i * stride]);
        if (i > 0) want_between += uint64_t(__builtin_popcount(uint32_t(codes[i * stride] ^ codes[(i - 1) * stride])));
      }
      EXPECT_EQ(got, want) << "end " << end << " stride " << stride;
      EXPECT_EQ(between, want_between) << "end " << end << " stride " << stride;
      EXPECT_EQ(bulk.set(s + n, 0x3c), steps.set(s + n, 0x3c)) << "chain state after the sequence";
      EXPECT_GT(want, 0u);
    }
}

}  // namespace
}  // namespace qmac::array::test
