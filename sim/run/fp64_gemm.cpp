// The FP64 reference GEMMs of a run (accuracy.hpp): blocked, vectorised and
// threaded, and bit for bit the plain triple loop
//
//   c[i][j] = 0;  for k = 0 .. K-1:  c[i][j] = c[i][j] + a[i][k] * b[k][j]
//
// (each product rounded, then each sum, k ascending), which is what the
// reference was before it was blocked. Every kernel below keeps exactly that
// order for every output: blocking only changes which outputs are computed
// together and when, never the order of one output's terms, and each output
// is computed by one thread. So the references are the same on any number of
// threads, for any blocking and instruction set, and no FMA may contract the
// multiply-add (the build passes -ffp-contract=off; see models/numerics).
//
// Operands can be dequantised codes: a packed panel then holds value(code) *
// scale, the same double Quantized::dequant computes, made as the panel is
// packed, so no dequantised copy of a tensor exists.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "models/numerics/codec.hpp"
#include "models/numerics/isa.hpp"
#include "models/numerics/parallel.hpp"
#include "sim/run/accuracy.hpp"

namespace qmac::run {

namespace {

// Cache blocks: a KC x NC panel of B (2 MB at most) is packed once and used
// by all row blocks; an MC x KC block of A (~200 KB) stays in L2. The register
// block (MR rows x NR columns) depends on the instruction set (below).
constexpr int KC = 256, MC = 96, NC = 1024;
constexpr int kFewRows = 4;  // up to this many rows of A: stream B's rows instead of blocking

// One element of an operand -- the value, or the dequantised code -- and
// row segments of them (the hot path: one branch per segment, not per value).
struct Reader {
  const GemmOperand& op;
  int cols;
  double scale(int r, int c) const { return op.nscales == 1 ? op.scales[0] : op.scales[size_t(op.channel_rows ? r : c)]; }
  double code_value(uint32_t code) const { return op.table ? op.table[code] : num::decode(*op.format, code); }
  double at(int r, int c) const {
    const size_t i = size_t(r) * size_t(cols) + size_t(c);
    if (op.values) return op.values[i];
    return scale(r, c) * code_value(op.codes[i]);
  }
  // out[0 .. c1-c0) = row r, columns [c0, c1).
  void row(int r, int c0, int c1, double* __restrict out) const {
    const size_t base = size_t(r) * size_t(cols);
    const int w = c1 - c0;
    if (op.values) {
      std::memcpy(out, op.values + base + size_t(c0), size_t(w) * sizeof(double));
      return;
    }
    const uint32_t* codes = op.codes + base + size_t(c0);
    if (!op.table) {
      for (int j = 0; j < w; ++j) out[j] = scale(r, c0 + j) * num::decode(*op.format, codes[j]);
      return;
    }
    const double* table = op.table;
    if (op.nscales == 1 || op.channel_rows) {
      const double s = scale(r, 0);
      for (int j = 0; j < w; ++j) out[j] = s * table[codes[j]];
    } else {
      const double* sc = op.scales + c0;
      for (int j = 0; j < w; ++j) out[j] = sc[j] * table[codes[j]];
    }
  }
};

#define QMAC_INLINE __attribute__((always_inline)) inline

// A: rows [i0, i0+mc) x k [k0, k0+kc) into MR-row strips, k-major inside a
// strip (strip s, step k: MR values); rows past the edge are zero.
template <int MR>
QMAC_INLINE void pack_a(const Reader& a, int i0, int mc, int k0, int kc, double* out) {
  for (int s = 0; s < mc; s += MR)
    for (int k = 0; k < kc; ++k)
      for (int r = 0; r < MR; ++r) *out++ = s + r < mc ? a.at(i0 + s + r, k0 + k) : 0.0;
}

// B: k [k0, k0+kc) x columns [j0, j0+nc) into NR-column strips, k-major
// (strip s, step k: NR values); columns past the edge are zero.
template <int NR>
QMAC_INLINE void pack_b(const Reader& b, int k0, int kc, int j0, int nc, double* out, std::vector<double>& row) {
  const int ncr = (nc + NR - 1) / NR * NR;
  row.assign(size_t(ncr), 0.0);
  for (int k = 0; k < kc; ++k) {
    b.row(k0 + k, j0, j0 + nc, row.data());
    for (int s = 0; s < ncr; s += NR)
      std::memcpy(out + size_t(s) * size_t(kc) + size_t(k) * NR, row.data() + s, NR * sizeof(double));
  }
}

// C[MR x NR] (+)= packed A strip x packed B strip over kc steps, k ascending
// (kFirst: the block starts each sum from 0). The tile is MR x NV vectors of
// W doubles held in registers; a partial tile goes through a full-size copy.
template <int MR, int NV, int W, bool kFirst>
QMAC_INLINE void micro(const double* __restrict a, const double* __restrict b, int kc, double* __restrict c, int ldc,
                       int rows, int cols) {
  typedef double V __attribute__((vector_size(W * sizeof(double))));
  constexpr int NR = NV * W;
  double edge[MR * NR];
  const bool full = rows == MR && cols == NR;
  double* t = c;
  int ldt = ldc;
  if (!full) {
    t = edge, ldt = NR;
    for (int r = 0; r < MR; ++r)
      for (int j = 0; j < NR; ++j) edge[r * NR + j] = !kFirst && r < rows && j < cols ? c[size_t(r) * ldc + j] : 0.0;
  }
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) {
      if (kFirst)
        acc[r][v] = V{};
      else
        std::memcpy(&acc[r][v], t + size_t(r) * ldt + v * W, sizeof(V));
    }
  for (int k = 0; k < kc; ++k) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) std::memcpy(&bv[v], b + v * W, sizeof(V));
    for (int r = 0; r < MR; ++r) {
      const V av = V{} + a[r];
      for (int v = 0; v < NV; ++v) acc[r][v] = acc[r][v] + av * bv[v];
    }
    a += MR;
    b += NR;
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v) std::memcpy(t + size_t(r) * ldt + v * W, &acc[r][v], sizeof(V));
  if (!full)
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < cols; ++j) c[size_t(r) * ldc + j] = edge[r * NR + j];
}

// The blocked product of one column block [j0, j0+nc) of C, all rows, all k.
template <int MR, int NV, int W>
QMAC_INLINE void column_block_impl(const Reader& a, const Reader& b, int m, int k, int j0, int nc, double* c, int ldc,
                                   std::vector<double>& pa, std::vector<double>& pb, std::vector<double>& row) {
  constexpr int NR = NV * W;
  const int ncr = (nc + NR - 1) / NR * NR;
  pb.resize(size_t(KC) * size_t(ncr));
  pa.resize(size_t((MC + MR - 1) / MR * MR) * size_t(KC));
  for (int k0 = 0; k0 < k; k0 += KC) {
    const int kc = std::min(KC, k - k0);
    pack_b<NR>(b, k0, kc, j0, nc, pb.data(), row);
    for (int i0 = 0; i0 < m; i0 += MC) {
      const int mc = std::min(MC, m - i0);
      pack_a<MR>(a, i0, mc, k0, kc, pa.data());
      for (int s = 0; s < mc; s += MR)
        for (int t = 0; t < nc; t += NR) {
          const double* as = pa.data() + size_t(s) * size_t(kc);
          const double* bs = pb.data() + size_t(t) * size_t(kc);
          double* cs = c + size_t(i0 + s) * size_t(ldc) + size_t(j0 + t);
          const int rows = std::min(MR, mc - s), cols = std::min(NR, nc - t);
          if (k0 == 0)
            micro<MR, NV, W, true>(as, bs, kc, cs, ldc, rows, cols);
          else
            micro<MR, NV, W, false>(as, bs, kc, cs, ldc, rows, cols);
        }
    }
  }
}

// One register block per instruction set (16 / 12 / 8 accumulator registers
// of 8 / 4 / 2 doubles), picked at run time; the result is the same on each
// (the order of operations is the source's, and no FMA).
using ColumnBlock = void (*)(const Reader&, const Reader&, int, int, int, int, double*, int, std::vector<double>&,
                             std::vector<double>&, std::vector<double>&);
__attribute__((target("avx512f,avx512vl,avx512dq,avx2"))) void column_block_avx512(
    const Reader& a, const Reader& b, int m, int k, int j0, int nc, double* c, int ldc, std::vector<double>& pa,
    std::vector<double>& pb, std::vector<double>& row) {
  column_block_impl<8, 2, 8>(a, b, m, k, j0, nc, c, ldc, pa, pb, row);
}
__attribute__((target("avx2"))) void column_block_avx2(const Reader& a, const Reader& b, int m, int k, int j0, int nc,
                                                       double* c, int ldc, std::vector<double>& pa,
                                                       std::vector<double>& pb, std::vector<double>& row) {
  column_block_impl<4, 3, 4>(a, b, m, k, j0, nc, c, ldc, pa, pb, row);
}
void column_block_base(const Reader& a, const Reader& b, int m, int k, int j0, int nc, double* c, int ldc,
                       std::vector<double>& pa, std::vector<double>& pb, std::vector<double>& row) {
  column_block_impl<4, 2, 2>(a, b, m, k, j0, nc, c, ldc, pa, pb, row);
}
ColumnBlock column_block_for_cpu() {
  switch (num::active_isa()) {
    case num::Isa::avx512: return column_block_avx512;
    case num::Isa::avx2: return column_block_avx2;
    case num::Isa::baseline: break;
  }
  return column_block_base;
}

// Few rows (GEMV-like): stream B's rows once; c[i][j] += a[i][k] * b[k][j]
// over k ascending, vectorised along j, for columns [j0, j1).
QMAC_INLINE void few_rows_impl(const Reader& a, const Reader& b, int m, int k, int j0, int j1, double* c, int ldc,
                               std::vector<double>& row) {
  const int w = j1 - j0;
  row.resize(size_t(w));
  for (int i = 0; i < m; ++i) std::fill(c + size_t(i) * ldc + j0, c + size_t(i) * ldc + j1, 0.0);
  for (int kk = 0; kk < k; ++kk) {
    // B's own row when it holds values (no copy), else its codes dequantised into `row`.
    const double* __restrict rv = b.op.values ? b.op.values + size_t(kk) * size_t(b.cols) + size_t(j0) : row.data();
    if (!b.op.values) b.row(kk, j0, j1, row.data());
    for (int i = 0; i < m; ++i) {
      const double av = a.at(i, kk);
      double* __restrict ci = c + size_t(i) * ldc + j0;
      for (int j = 0; j < w; ++j) ci[j] = ci[j] + av * rv[j];
    }
  }
}

using FewRows = void (*)(const Reader&, const Reader&, int, int, int, int, double*, int, std::vector<double>&);
__attribute__((target("avx512f,avx512vl,avx512dq,avx2"))) void few_rows_avx512(
    const Reader& a, const Reader& b, int m, int k, int j0, int j1, double* c, int ldc, std::vector<double>& row) {
  few_rows_impl(a, b, m, k, j0, j1, c, ldc, row);
}
__attribute__((target("avx2"))) void few_rows_avx2(const Reader& a, const Reader& b, int m, int k, int j0, int j1,
                                                   double* c, int ldc, std::vector<double>& row) {
  few_rows_impl(a, b, m, k, j0, j1, c, ldc, row);
}
void few_rows_base(const Reader& a, const Reader& b, int m, int k, int j0, int j1, double* c, int ldc,
                   std::vector<double>& row) {
  few_rows_impl(a, b, m, k, j0, j1, c, ldc, row);
}
FewRows few_rows_for_cpu() {
  switch (num::active_isa()) {
    case num::Isa::avx512: return few_rows_avx512;
    case num::Isa::avx2: return few_rows_avx2;
    case num::Isa::baseline: break;
  }
  return few_rows_base;
}

}  // namespace

std::vector<double> gemm_f64(const GemmOperand& a, const GemmOperand& b, int m, int k, int n, int threads) {
  std::vector<double> c;
  par::reserve_large(c, size_t(m) * size_t(n), threads);
  c.resize(size_t(m) * size_t(n), 0.0);
  const Reader ra{a, k}, rb{b, n};
  if (m <= kFewRows) {
    // Column chunks of B's rows: each thread streams its part of every row.
    constexpr int kChunk = 512;
    const size_t chunks = size_t((n + kChunk - 1) / kChunk);
    std::vector<std::vector<double>> rows(size_t(std::max(1, threads)));
    const FewRows few_rows = few_rows_for_cpu();
    par::parallel_for(chunks, threads, [&](size_t t, int slot) {
      const int j0 = int(t) * kChunk;
      few_rows(ra, rb, m, k, j0, std::min(n, j0 + kChunk), c.data(), n, rows[size_t(slot)]);
    });
    return c;
  }
  const size_t blocks = size_t((n + NC - 1) / NC);
  // Narrow matrices: split columns finer so both threads have work.
  constexpr int kNcQuantum = 16;  // a multiple of every register block's width
  const int nc = blocks >= size_t(threads) ? NC
                                           : std::max(kNcQuantum, (n / std::max(1, threads) + kNcQuantum - 1) /
                                                                      kNcQuantum * kNcQuantum);
  const size_t tasks = size_t((n + nc - 1) / nc);
  const ColumnBlock column_block = column_block_for_cpu();
  const size_t slots = size_t(std::max(1, threads));
  std::vector<std::vector<double>> pa(slots), pb(slots), row(slots);
  par::parallel_for(tasks, threads, [&](size_t t, int slot) {
    const int j0 = int(t) * nc;
    const size_t i = size_t(slot);
    column_block(ra, rb, m, k, j0, std::min(nc, n - j0), c.data(), n, pa[i], pb[i], row[i]);
  });
  return c;
}

std::vector<double> gemm_f64(const std::vector<double>& a, const std::vector<double>& b, int m, int k, int n) {
  GemmOperand ga, gb;
  ga.values = a.data();
  gb.values = b.data();
  return gemm_f64(ga, gb, m, k, n, 1);
}

}  // namespace qmac::run
