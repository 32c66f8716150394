// Shared helpers of the array tests: MAC configurations by name and seeded codes.
#pragma once

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "models/array/array.hpp"
#include "models/numerics/codec.hpp"
#include "models/numerics/format.hpp"

namespace qmac::array::test {

struct MacCase {
  std::string name;
  num::MacSpec spec;
  double a_sigma = 1, b_sigma = 1;  // spread of the values encoded into codes
};

inline num::AccumulatorSpec int_acc(int width, num::IntOverflow o) {
  num::AccumulatorSpec s;
  s.kind = num::AccKind::integer;
  s.width = width;
  s.int_overflow = o;
  return s;
}
inline num::AccumulatorSpec float_acc(const char* fmt) {
  num::AccumulatorSpec s;
  s.kind = num::AccKind::floating;
  s.format = num::parse_format(fmt);
  return s;
}
inline MacCase make_case(std::string name, const char* a, const char* b, num::AccumulatorSpec acc, bool fused,
                         double a_sigma, double b_sigma) {
  MacCase c;
  c.name = std::move(name);
  c.spec.a = num::parse_format(a);
  c.spec.b = num::parse_format(b);
  c.spec.acc = acc;
  c.spec.fused = fused;
  c.a_sigma = a_sigma;
  c.b_sigma = b_sigma;
  return c;
}

// The formats of the brief: int8/int32 wrap and saturate (and a narrow int16
// accumulator that overflows), fp8_e4m3 into fp16 and fp32, fused and not,
// fp8_e5m2, a Kulisch fixed accumulator, and mixed W8A16 (int8 weights x fp16 activations).
inline std::vector<MacCase> mac_cases() {
  using num::IntOverflow;
  return {
      make_case("int8_int32_wrap", "int8", "int8", int_acc(32, IntOverflow::wrap), true, 60, 60),
      make_case("int8_int32_sat", "int8", "int8", int_acc(32, IntOverflow::saturate), true, 60, 60),
      make_case("int8_int16_wrap", "int8", "int8", int_acc(16, IntOverflow::wrap), true, 100, 100),
      make_case("int8_int16_sat", "int8", "int8", int_acc(16, IntOverflow::saturate), true, 100, 100),
      make_case("e4m3_fp16_fused", "fp8_e4m3", "fp8_e4m3", float_acc("fp16"), true, 4, 4),
      make_case("e4m3_fp16_nonfused", "fp8_e4m3", "fp8_e4m3", float_acc("fp16"), false, 4, 4),
      make_case("e4m3_fp32_fused", "fp8_e4m3", "fp8_e4m3", float_acc("fp32"), true, 4, 4),
      make_case("e4m3_fp32_nonfused", "fp8_e4m3", "fp8_e4m3", float_acc("fp32"), false, 4, 4),
      make_case("e5m2_fp32_fused", "fp8_e5m2", "fp8_e5m2", float_acc("fp32"), true, 8, 8),
      make_case("e4m3_kulisch", "fp8_e4m3", "fp8_e4m3",
                num::kulisch_for(num::parse_format("fp8_e4m3"), num::parse_format("fp8_e4m3")), true, 4, 4),
      make_case("w8a16_fp16_int8", "fp16", "int8", float_acc("fp32"), true, 2, 50),
  };
}

inline std::vector<uint32_t> random_codes(const num::Format& f, size_t n, double sigma, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(0.0, sigma);
  std::vector<uint32_t> codes(n);
  for (auto& c : codes) c = num::encode(f, dist(rng), num::Rounding::rne, num::Overflow::saturate);
  return codes;
}

inline Gemm random_gemm(const MacCase& mc, int m, int k, int n, uint64_t seed) {
  Gemm g;
  g.m = m;
  g.k = k;
  g.n = n;
  g.a = random_codes(mc.spec.a, size_t(m) * k, mc.a_sigma, seed);
  g.b = random_codes(mc.spec.b, size_t(k) * n, mc.b_sigma, seed * 7919 + 1);
  return g;
}

inline ArrayOptions array_of(int rows, int cols, Dataflow d) {
  ArrayOptions o;
  o.rows = rows;
  o.cols = cols;
  o.dataflow = d;
  return o;
}

struct Env {
  Env() { ::setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1); }
};

}  // namespace qmac::array::test
