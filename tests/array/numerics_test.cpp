// Array outputs against independent oracles written from the definitions:
// 64-bit integer arithmetic with wrap/saturate, and std::fma on floats for a
// fused FP32 accumulator (exact products of FP8 codes, one rounding per step).
#include <gtest/gtest.h>

#include <cmath>

#include "array_test_util.hpp"
#include "models/numerics/codec.hpp"

namespace qmac::array::test {
namespace {

const Env env;

int64_t wrap(int64_t v, int bits) {
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  uint64_t u = uint64_t(v) & mask;
  if (u >> (bits - 1)) u |= ~mask;
  return int64_t(u);
}

class IntOracle : public ::testing::TestWithParam<Dataflow> {};

TEST_P(IntOracle, Int8Int16WrapAndSaturate_MatchInt64Oracle) {
  const Dataflow d = GetParam();
  for (auto ov : {num::IntOverflow::wrap, num::IntOverflow::saturate}) {
    const MacCase mc = make_case("int8_int16", "int8", "int8", int_acc(16, ov), true, 100, 100);
    const int M = 5, K = 11, N = 4, R = 4, C = 3;
    const Gemm g = random_gemm(mc, M, K, N, 42);
    const ArrayOptions o = array_of(R, C, d);
    const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, o, g, Engine::fast);
    // Oracle: partial sums over k-tiles of R (WS/IS) or all of K (OS) in a
    // 16-bit register, added into a 16-bit buffer word, each step wrapped or clamped.
    const int tile = d == Dataflow::os ? K : R;
    uint64_t overflows = 0;
    auto step = [&](int64_t acc, int64_t x) {
      int64_t s = acc + x;
      if (s > 32767 || s < -32768) {
        ++overflows;
        s = ov == num::IntOverflow::wrap ? wrap(s, 16) : std::clamp<int64_t>(s, -32768, 32767);
      }
      return s;
    };
    for (int m = 0; m < M; ++m)
      for (int n = 0; n < N; ++n) {
        int64_t word = 0;
        for (int k0 = 0; k0 < K; k0 += tile) {
          int64_t acc = 0;
          for (int k = k0; k < std::min(K, k0 + tile); ++k) {
            const auto a = int8_t(g.a[size_t(m) * K + k]), b = int8_t(g.b[size_t(k) * N + n]);
            acc = step(acc, int64_t(a) * b);
          }
          word = step(word, acc);
        }
        EXPECT_EQ(int64_t(r.c[size_t(m) * N + n].i), word) << m << "," << n;
      }
    EXPECT_GT(overflows, 0u);  // sigma 100 int8 products overflow 16 bits
    EXPECT_EQ(r.stats.overflows, overflows);
  }
}

TEST_P(IntOracle, Int8Int32_MatchesExactGemm) {
  const MacCase mc = mac_cases()[0];
  const int M = 7, K = 20, N = 9;
  const Gemm g = random_gemm(mc, M, K, N, 5);
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 2, array_of(4, 4, GetParam()), g,
                               Engine::pe);
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      int64_t s = 0;
      for (int k = 0; k < K; ++k) s += int64_t(int8_t(g.a[size_t(m) * K + k])) * int8_t(g.b[size_t(k) * N + n]);
      EXPECT_EQ(int64_t(r.c[size_t(m) * N + n].i), s);
    }
  EXPECT_EQ(r.stats.overflows, 0u);
}

TEST_P(IntOracle, Fp8Fp32Fused_MatchesFmaOracle) {
  const MacCase mc = mac_cases()[6];  // e4m3 x e4m3 -> fp32 fused
  const int M = 6, K = 13, N = 5, R = 4;
  const Gemm g = random_gemm(mc, M, K, N, 9);
  const Dataflow d = GetParam();
  const RunResult r = run_gemm(mc.spec, default_output_buffer(mc.spec), 1, array_of(R, 3, d), g, Engine::fast);
  const int tile = d == Dataflow::os ? K : R;
  for (int m = 0; m < M; ++m)
    for (int n = 0; n < N; ++n) {
      float word = 0;
      for (int k0 = 0; k0 < K; k0 += tile) {
        float acc = 0;
        for (int k = k0; k < std::min(K, k0 + tile); ++k)
          acc = std::fma(float(num::decode(mc.spec.a, g.a[size_t(m) * K + k])),
                         float(num::decode(mc.spec.b, g.b[size_t(k) * N + n])), acc);
        word += acc;  // the FP32 output buffer: one IEEE addition
      }
      EXPECT_EQ(float(r.c[size_t(m) * N + n].f), word) << m << "," << n;
    }
}

INSTANTIATE_TEST_SUITE_P(Dataflows, IntOracle, ::testing::Values(Dataflow::ws, Dataflow::os, Dataflow::is),
                         [](const auto& info) { return std::string(dataflow_name(info.param)); });

TEST(OutputBuffer, DefaultsFollowTheAccumulatorKind) {
  const auto cases = mac_cases();
  EXPECT_EQ(default_output_buffer(cases[0].spec).kind, num::AccKind::integer);
  EXPECT_EQ(default_output_buffer(cases[0].spec).width, 32);
  const num::AccumulatorSpec f = default_output_buffer(cases[4].spec);  // fp16 accumulator
  EXPECT_EQ(f.kind, num::AccKind::floating);
  EXPECT_EQ(f.format, num::parse_format("fp32"));
  const num::AccumulatorSpec k = default_output_buffer(cases[9].spec);
  EXPECT_EQ(k.kind, num::AccKind::fixed);
  EXPECT_EQ(k.width, cases[9].spec.acc.width);
}

TEST(OutputBuffer, Fp16AccumulatorIntoFp16BufferRoundsTwice) {
  // A narrower buffer is a real choice: the partial sums are added in FP16.
  const MacCase mc = mac_cases()[4];
  const Gemm g = random_gemm(mc, 3, 9, 2, 11);
  const num::AccumulatorSpec buf16 = float_acc("fp16");
  const RunResult r = run_gemm(mc.spec, buf16, 1, array_of(4, 2, Dataflow::ws), g, Engine::fast);
  const RunResult ref = reference_gemm(mc.spec, buf16, 1, array_of(4, 2, Dataflow::ws), g);
  for (size_t i = 0; i < r.c.size(); ++i) {
    EXPECT_EQ(r.c[i], ref.c[i]);
    EXPECT_EQ(double(_Float16(r.c[i].f)), r.c[i].f);  // every word is an FP16 value
  }
}

}  // namespace
}  // namespace qmac::array::test
