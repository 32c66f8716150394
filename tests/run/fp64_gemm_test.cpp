// The blocked FP64 reference GEMM against the plain triple loop, bit for bit:
// shapes on both sides of every block size (rows of the micro-kernel, the
// k and column cache blocks, the few-rows path), value operands and codes
// dequantised on the fly (per tensor, per row and per column scales, with and
// without a decode table), on 1, 2 and 7 threads.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "models/numerics/codec.hpp"
#include "models/numerics/isa.hpp"
#include "sim/run/accuracy.hpp"

using qmac::run::GemmOperand;
using qmac::run::gemm_f64;

namespace {

// The definition, in the order the reference promises.
std::vector<double> naive(const std::vector<double>& a, const std::vector<double>& b, int m, int k, int n) {
  std::vector<double> c(size_t(m) * size_t(n), 0.0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0.0;
      for (int p = 0; p < k; ++p) {
        volatile double prod = a[size_t(i) * k + p] * b[size_t(p) * n + j];  // rounded product, then the sum
        s = s + prod;
      }
      c[size_t(i) * n + j] = s;
    }
  return c;
}

// Every instruction set this CPU has (QMAC_ISA selects the kernels).
std::vector<const char*> isas() {
  std::vector<const char*> v{"baseline"};
  if (int(qmac::num::cpu_isa()) >= int(qmac::num::Isa::avx2)) v.push_back("avx2");
  if (qmac::num::cpu_isa() == qmac::num::Isa::avx512) v.push_back("avx512");
  return v;
}

struct IsaScope {
  explicit IsaScope(const char* isa) { ::setenv("QMAC_ISA", isa, 1); }
  ~IsaScope() { ::unsetenv("QMAC_ISA"); }
};

bool same_bits(const std::vector<double>& x, const std::vector<double>& y) {
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(double)) == 0;
}

struct Coded {
  std::vector<uint32_t> codes;
  std::vector<double> scales, dequantized;
  bool rows = true;
};

// Random codes of fmt with scales per tensor (nscales 1) or per channel, and
// the dequantised values the way workload::Quantized::dequant makes them.
Coded coded(const qmac::num::Format& fmt, int rows, int cols, int per, std::mt19937_64& rng) {
  Coded c;
  c.rows = per == 1;
  const size_t nscales = per == 0 ? 1 : per == 1 ? size_t(rows) : size_t(cols);
  std::uniform_real_distribution<double> sd(0.01, 3);
  for (size_t i = 0; i < nscales; ++i) c.scales.push_back(sd(rng));
  for (int r = 0; r < rows; ++r)
    for (int q = 0; q < cols; ++q) {
      uint32_t code;
      do code = uint32_t(rng()) & fmt.code_mask();
      while (!std::isfinite(qmac::num::decode(fmt, code)));
      c.codes.push_back(code);
      const double s = nscales == 1 ? c.scales[0] : c.scales[size_t(c.rows ? r : q)];
      c.dequantized.push_back(s * qmac::num::decode(fmt, code));
    }
  return c;
}

}  // namespace

TEST(Fp64Gemm_Values, BitIdenticalToTheTripleLoopOnAnyThreads) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> nd(0, 1);
  const int shapes[][3] = {{1, 1, 1},  {1, 300, 700}, {3, 17, 9},    {4, 8, 8},     {5, 256, 16},
                           {7, 257, 1025}, {97, 33, 40}, {130, 600, 70}, {2, 513, 2049}, {64, 64, 1030}};
  for (const auto& s : shapes) {
    const int m = s[0], k = s[1], n = s[2];
    std::vector<double> a(size_t(m) * k), b(size_t(k) * n);
    for (double& v : a) v = nd(rng) * std::exp(2 * nd(rng));  // wide magnitudes: rounding matters
    for (double& v : b) v = nd(rng) * std::exp(2 * nd(rng));
    const std::vector<double> want = naive(a, b, m, k, n);
    GemmOperand ga, gb;
    ga.values = a.data();
    gb.values = b.data();
    for (const char* isa : isas()) {
      const IsaScope scope(isa);
      for (int threads : {1, 2, 7})
        EXPECT_TRUE(same_bits(gemm_f64(ga, gb, m, k, n, threads), want))
            << m << "x" << k << "x" << n << " on " << threads << " " << isa;
    }
    EXPECT_TRUE(same_bits(gemm_f64(a, b, m, k, n), want));
  }
}

TEST(Fp64Gemm_Codes, DequantisedOnTheFlyEqualsTheDequantisedCopy) {
  std::mt19937_64 rng(2);
  const qmac::num::Format fa = qmac::num::parse_format("fp8_e4m3"), fb = qmac::num::parse_format("int8");
  const std::vector<double> ta = qmac::num::decode_table(fa), tb = qmac::num::decode_table(fb);
  const int shapes[][3] = {{1, 100, 600}, {3, 40, 30}, {9, 300, 1040}, {50, 20, 50}};
  for (const auto& s : shapes)
    for (int per_a : {0, 1}) {      // A: per tensor or per row
      for (int per_b : {0, 2}) {    // B: per tensor or per column
        const int m = s[0], k = s[1], n = s[2];
        const Coded a = coded(fa, m, k, per_a, rng), b = coded(fb, k, n, per_b, rng);
        const std::vector<double> want = naive(a.dequantized, b.dequantized, m, k, n);
        for (bool tables : {true, false}) {
          GemmOperand ga, gb;
          ga.codes = a.codes.data(), ga.format = &fa, ga.table = tables ? ta.data() : nullptr;
          ga.scales = a.scales.data(), ga.nscales = a.scales.size(), ga.channel_rows = true;
          gb.codes = b.codes.data(), gb.format = &fb, gb.table = tables ? tb.data() : nullptr;
          gb.scales = b.scales.data(), gb.nscales = b.scales.size(), gb.channel_rows = false;
          for (const char* isa : isas()) {
            const IsaScope scope(isa);
            for (int threads : {1, 2, 7})
              EXPECT_TRUE(same_bits(gemm_f64(ga, gb, m, k, n, threads), want))
                  << m << "x" << k << "x" << n << " per " << per_a << "/" << per_b << " tables " << tables << " on "
                  << threads << " " << isa;
          }
        }
      }
    }
}
