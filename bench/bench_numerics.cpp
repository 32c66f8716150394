// Throughput of the numerics core on one core: encode, decode, and fused MACs
// per operand format x accumulator (issue 2 goals: >= 300 M FP8xFP8->FP32 MAC/s,
// >= 150 M FP8xFP8->FP16 MAC/s). Run: build/bench/bench_numerics
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "models/numerics/accumulator.hpp"
#include "models/numerics/codec.hpp"

namespace {

using namespace qmac::num;

// Codes of seeded normal data scaled so that |x| <= 4 mostly: a 1024-long dot
// product stays finite in every accumulator (an accumulator stuck at inf would
// measure the inf shortcut, not the rounding).
std::vector<uint32_t> random_codes(const Format& f, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd(0.0, f.is_int() ? 30.0 : 1.0);
  std::vector<uint32_t> v(n);
  for (auto& c : v) c = encode(f, nd(rng), Rounding::rne, Overflow::saturate);
  return v;
}

void BM_Encode(benchmark::State& state, const char* name) {
  const Format f = parse_format(name);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> nd(0, f.max_finite() / 8);
  std::vector<double> xs(4096);
  for (auto& x : xs) x = nd(rng);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(encode(f, xs[i++ & 4095], Rounding::rne, Overflow::saturate));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Decode(benchmark::State& state, const char* name) {
  const Format f = parse_format(name);
  const auto codes = random_codes(f, 4096, 2);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(decode(f, codes[i++ & 4095]));
  state.SetItemsProcessed(state.iterations());
}

MacSpec spec(const char* ab, const char* acc_kind, const char* acc_fmt_or_width) {
  MacSpec s;
  s.a = s.b = parse_format(ab);
  const std::string kind = acc_kind;
  if (kind == "float") {
    s.acc.kind = AccKind::floating;
    s.acc.format = parse_format(acc_fmt_or_width);
  } else if (kind == "int") {
    s.acc.kind = AccKind::integer;
    s.acc.width = std::stoi(acc_fmt_or_width);
  } else {
    s.acc = kulisch_for(s.a, s.b);
  }
  return s;
}

// Fused MACs through Mac::dot (the batched form the array engines use), in
// 1024-long dot products.
void BM_Mac(benchmark::State& state, const char* ab, const char* kind, const char* acc) {
  const Mac mac(spec(ab, kind, acc));
  const auto a = random_codes(mac.spec().a, 1 << 16, 3);
  const auto b = random_codes(mac.spec().b, 1 << 16, 4);
  MacStats stats;
  size_t off = 0;
  for (auto _ : state) {
    AccValue v;
    mac.dot(v, a.data() + off, 1, b.data() + off, 1, 1024, stats);
    benchmark::DoNotOptimize(v);
    off = (off + 1024) & ((1 << 16) - 1);
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}

BENCHMARK_CAPTURE(BM_Encode, fp8_e4m3, "fp8_e4m3");
BENCHMARK_CAPTURE(BM_Encode, fp8_e5m2, "fp8_e5m2");
BENCHMARK_CAPTURE(BM_Encode, int8, "int8");
BENCHMARK_CAPTURE(BM_Encode, fp16, "fp16");
BENCHMARK_CAPTURE(BM_Decode, fp8_e4m3, "fp8_e4m3");
BENCHMARK_CAPTURE(BM_Decode, fp16, "fp16");
BENCHMARK_CAPTURE(BM_Mac, int8_int32, "int8", "int", "32");
BENCHMARK_CAPTURE(BM_Mac, int8_kulisch, "int8", "fixed", "");
BENCHMARK_CAPTURE(BM_Mac, e4m3_kulisch, "fp8_e4m3", "fixed", "");
BENCHMARK_CAPTURE(BM_Mac, e4m3_fp32, "fp8_e4m3", "float", "fp32");
BENCHMARK_CAPTURE(BM_Mac, e5m2_fp32, "fp8_e5m2", "float", "fp32");
BENCHMARK_CAPTURE(BM_Mac, e4m3_fp16, "fp8_e4m3", "float", "fp16");
BENCHMARK_CAPTURE(BM_Mac, e5m2_fp16, "fp8_e5m2", "float", "fp16");
BENCHMARK_CAPTURE(BM_Mac, e4m3_bf16, "fp8_e4m3", "float", "bf16");

}  // namespace

BENCHMARK_MAIN();
