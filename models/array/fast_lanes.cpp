// The fast engine's vector paths; see fast_lanes.hpp for what each computes.
// Each loop body is written once (always_inline templates) and instantiated
// in three functions compiled for different instruction sets.
#include "models/array/fast_lanes.hpp"

#include <cmath>
#include <cstring>

#include "models/numerics/isa.hpp"

// The vector helpers below pass 64-byte vectors by value; they are always
// inlined into functions of one instruction set, so no call crosses an ABI.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace qmac::array::lanes {

namespace {

constexpr int L = kLanes;
// Toggle counts are summed in 32-bit lanes (vector popcounts are 32-bit) and
// flushed into the 64-bit counters every kChunk steps: at most 64 toggles
// per step and lane, 2^20 steps, cannot overflow 32 bits.
constexpr size_t kChunk = size_t{1} << 20;

#define QMAC_INLINE __attribute__((always_inline)) inline

// Toggle tallies in the lane loops. With a vector popcount (AVX-512
// VPOPCNTDQ) a tally is the popcount and the loops vectorise to it. Without
// one, __builtin_popcount would be one scalar POPCNT per lane (GCC also turns
// the textbook SWAR popcount back into POPCNT), so the tally keeps per-byte
// bit counts (three SWAR steps, which vectorise everywhere) and sums the bytes
// every kByteSteps steps, before a byte (8 per step) can exceed 255.
constexpr size_t kByteSteps = 31;
template <bool kHw>
constexpr size_t chunk_steps() { return kHw ? kChunk : kByteSteps; }
template <bool kHw>
QMAC_INLINE uint32_t tally32(uint32_t x) {
  if constexpr (kHw) {
    return uint32_t(__builtin_popcount(x));
  } else {
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    return (x + (x >> 4)) & 0x0f0f0f0fu;
  }
}
template <bool kHw>
QMAC_INLINE uint64_t tally64(uint64_t x) {
  if constexpr (kHw) {
    return uint64_t(__builtin_popcountll(x));
  } else {
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    return (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  }
}
template <bool kHw>
QMAC_INLINE uint64_t untally32(uint32_t t) {
  if constexpr (kHw) return t;
  return (t & 0xff) + ((t >> 8) & 0xff) + ((t >> 16) & 0xff) + (t >> 24);
}
template <bool kHw>
QMAC_INLINE uint64_t untally64(uint64_t t) {
  if constexpr (kHw) return t;
  uint64_t s = 0;
  for (int b = 0; b < 64; b += 8) s += (t >> b) & 0xff;
  return s;
}

QMAC_INLINE uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
QMAC_INLINE uint64_t double_bits(double d) { return num::detail::bits_of(d); }
QMAC_INLINE double double_of(uint64_t u) { return num::detail::double_of(u); }
constexpr uint32_t kFp32CanonicalNan = 0x7fc00000u;  // num::code_of(fp32, NaN)
constexpr uint64_t kSign = uint64_t{1} << 63;

// The product node: a * b in LSB units, two's complement, low bits.
QMAC_INLINE uint64_t product_bits(int64_t x, int64_t y, uint64_t mask) { return (uint64_t(x) * uint64_t(y)) & mask; }

// ----------------------------------------------------------------- IntLanes

template <bool kHw, bool kFirst>
QMAC_INLINE void int_row_body(const RowPass& p, State& st, Counts& c) {
  int32_t sv[L];
  uint32_t pa[L], pp[L];
  for (int l = 0; l < L; ++l) {
    sv[l] = p.st.i32[p.s[l]];
    pa[l] = uint32_t(st.acc[l]);
    pp[l] = uint32_t(st.prod[l]);
  }
  const uint32_t amask = uint32_t(p.acc_mask), pmask = uint32_t(p.prod_mask);
  const int32_t* __restrict xv = p.xt.i32;
  const uint8_t* __restrict xs = p.x;
  int32_t* __restrict ps = static_cast<int32_t*>(p.psum);
  constexpr size_t kSteps = chunk_steps<kHw>();
  for (size_t r0 = 0; r0 < p.n; r0 += kSteps) {
    const size_t r1 = p.n - r0 < kSteps ? p.n : r0 + kSteps;
    uint32_t ta[L] = {}, tp[L] = {};
    for (size_t r = r0; r < r1; ++r) {
      const int32_t x = xv[xs[r]];
      int32_t* __restrict row = ps + r * L;
      for (int l = 0; l < L; ++l) {
        const int32_t prod = x * sv[l];
        const int32_t s = (kFirst ? 0 : row[l]) + prod;
        row[l] = s;
        const uint32_t ab = uint32_t(s) & amask;
        ta[l] += tally32<kHw>(ab ^ pa[l]);
        pa[l] = ab;
        const uint32_t pb = uint32_t(prod) & pmask;
        tp[l] += tally32<kHw>(pb ^ pp[l]);
        pp[l] = pb;
      }
    }
    for (int l = 0; l < L; ++l) c.acc[l] += untally32<kHw>(ta[l]), c.prod[l] += untally32<kHw>(tp[l]);
  }
  for (int l = 0; l < L; ++l) st.acc[l] = pa[l], st.prod[l] = pp[l];
}

template <bool kHw>
QMAC_INLINE void int_row_impl(const RowPass& p, State& st, Counts& c) {
  if (p.first)
    int_row_body<kHw, true>(p, st, c);
  else
    int_row_body<kHw, false>(p, st, c);
}

template <bool kHw>
QMAC_INLINE void int_os_impl(const OsPass& p, State& st, Counts& c) {
  int32_t acc[L] = {};
  uint32_t pa[L], pp[L];
  for (int l = 0; l < L; ++l) pa[l] = uint32_t(st.acc[l]), pp[l] = uint32_t(st.prod[l]);
  const uint32_t amask = uint32_t(p.acc_mask), pmask = uint32_t(p.prod_mask);
  const int32_t* __restrict av = p.at.i32;
  const int32_t* __restrict bv = static_cast<const int32_t*>(p.bv);
  constexpr size_t kSteps = chunk_steps<kHw>();
  for (size_t k0 = 0; k0 < p.k; k0 += kSteps) {
    const size_t k1 = p.k - k0 < kSteps ? p.k : k0 + kSteps;
    uint32_t ta[L] = {}, tp[L] = {};
    for (size_t k = k0; k < k1; ++k) {
      const int32_t x = av[p.a[k]];
      const int32_t* __restrict b = bv + k * L;
      for (int l = 0; l < L; ++l) {
        const int32_t prod = x * b[l];
        const int32_t s = acc[l] + prod;
        acc[l] = s;
        const uint32_t ab = uint32_t(s) & amask;
        ta[l] += tally32<kHw>(ab ^ pa[l]);
        pa[l] = ab;
        const uint32_t pb = uint32_t(prod) & pmask;
        tp[l] += tally32<kHw>(pb ^ pp[l]);
        pp[l] = pb;
      }
    }
    for (int l = 0; l < L; ++l) c.acc[l] += untally32<kHw>(ta[l]), c.prod[l] += untally32<kHw>(tp[l]);
  }
  int32_t* out = static_cast<int32_t*>(p.acc_out);
  for (int l = 0; l < L; ++l) st.acc[l] = pa[l], st.prod[l] = pp[l], out[l] = acc[l];
}

// ----------------------------------------------------------------- F32Lanes
// num::Mac's float32_native step: next = float(acc) + float(a * b), every
// product exact in float; an overflow is counted when a finite sum becomes
// inf. The register's bits are the float's (canonical NaN for any NaN).

QMAC_INLINE uint32_t f32_register_bits(float s) { return s == s ? float_bits(s) : kFp32CanonicalNan; }

template <bool kHw, bool kFirst>
QMAC_INLINE void f32_row_body(const RowPass& p, State& st, Counts& c) {
  float sv[L];
  int64_t si[L];
  uint32_t pa[L];
  uint64_t pp[L];
  for (int l = 0; l < L; ++l) {
    sv[l] = p.st.f32[p.s[l]];
    si[l] = p.st.lsbs[p.s[l]];
    pa[l] = uint32_t(st.acc[l]);
    pp[l] = st.prod[l];
  }
  const uint64_t pmask = p.prod_mask;
  float* __restrict ps = static_cast<float*>(p.psum);
  uint64_t overflows = 0;
  constexpr size_t kSteps = chunk_steps<kHw>();
  for (size_t r0 = 0; r0 < p.n; r0 += kSteps) {
    const size_t r1 = p.n - r0 < kSteps ? p.n : r0 + kSteps;
    uint32_t ta[L] = {}, ov[L] = {}, nf[L] = {};
    uint64_t tp[L] = {};
    for (size_t r = r0; r < r1; ++r) {
      const uint8_t code = p.x[r];
      const float x = p.xt.f32[code];
      const int64_t xi = p.xt.lsbs[code];
      float* __restrict row = ps + r * L;
      for (int l = 0; l < L; ++l) {
        const float old = kFirst ? 0.0f : row[l];
        const float s = old + x * sv[l];
        row[l] = s;
        ov[l] += uint32_t(std::isinf(s) & std::isfinite(old));
        nf[l] += uint32_t(!std::isfinite(old));
        const uint32_t ab = f32_register_bits(s);
        ta[l] += tally32<kHw>(ab ^ pa[l]);
        pa[l] = ab;
        const uint64_t pb = product_bits(xi, si[l], pmask);
        tp[l] += tally64<kHw>(pb ^ pp[l]);
        pp[l] = pb;
      }
    }
    for (int l = 0; l < L; ++l)
      c.acc[l] += untally32<kHw>(ta[l]), c.prod[l] += untally64<kHw>(tp[l]), overflows += ov[l],
      c.nonfinite[l] += nf[l];
  }
  c.overflows += overflows;
  for (int l = 0; l < L; ++l) st.acc[l] = pa[l], st.prod[l] = pp[l];
}

template <bool kHw>
QMAC_INLINE void f32_row_impl(const RowPass& p, State& st, Counts& c) {
  if (p.first)
    f32_row_body<kHw, true>(p, st, c);
  else
    f32_row_body<kHw, false>(p, st, c);
}

template <bool kHw>
QMAC_INLINE void f32_os_impl(const OsPass& p, State& st, Counts& c) {
  float acc[L] = {};
  uint32_t pa[L];
  uint64_t pp[L];
  for (int l = 0; l < L; ++l) pa[l] = uint32_t(st.acc[l]), pp[l] = st.prod[l];
  const uint64_t pmask = p.prod_mask;
  const float* __restrict bv = static_cast<const float*>(p.bv);
  const int64_t* __restrict bi = p.bi;
  uint64_t overflows = 0;
  constexpr size_t kSteps = chunk_steps<kHw>();
  for (size_t k0 = 0; k0 < p.k; k0 += kSteps) {
    const size_t k1 = p.k - k0 < kSteps ? p.k : k0 + kSteps;
    uint32_t ta[L] = {}, ov[L] = {}, nf[L] = {};
    uint64_t tp[L] = {};
    for (size_t k = k0; k < k1; ++k) {
      const uint8_t code = p.a[k];
      const float x = p.at.f32[code];
      const int64_t xi = p.at.lsbs[code];
      for (int l = 0; l < L; ++l) {
        const float old = acc[l];
        const float s = old + x * bv[k * L + size_t(l)];
        acc[l] = s;
        ov[l] += uint32_t(std::isinf(s) & std::isfinite(old));
        nf[l] += uint32_t(!std::isfinite(old));
        const uint32_t ab = f32_register_bits(s);
        ta[l] += tally32<kHw>(ab ^ pa[l]);
        pa[l] = ab;
        const uint64_t pb = product_bits(xi, bi[k * L + size_t(l)], pmask);
        tp[l] += tally64<kHw>(pb ^ pp[l]);
        pp[l] = pb;
      }
    }
    for (int l = 0; l < L; ++l)
      c.acc[l] += untally32<kHw>(ta[l]), c.prod[l] += untally64<kHw>(tp[l]), overflows += ov[l],
      c.nonfinite[l] += nf[l];
  }
  c.overflows += overflows;
  float* out = static_cast<float*>(p.acc_out);
  for (int l = 0; l < L; ++l) st.acc[l] = pa[l], st.prod[l] = pp[l], out[l] = acc[l];
}

// ---------------------------------------------------------------- FGenLanes
// Mac::round_fast on every lane at once: the double sum v + p, kept when its
// exponent is in the format's normal range, it is not a tie or it is exact (a
// zero TwoSum residual, as round_fast checks) and the rounded magnitude is
// finite in the format. A register already inf or NaN stays as
// it is: a finite product cannot change it (num::Mac's exact path -- TwoSum,
// then round_to_format of a non-finite sum -- returns it and counts no
// overflow). Refused lanes take num::Mac::mac. Written with GCC vector types
// (8 doubles; two per kLanes) because the selects and 64-bit compares defeat
// the auto-vectoriser.

typedef double VD __attribute__((vector_size(64)));
typedef uint64_t VU __attribute__((vector_size(64)));
typedef int64_t VI __attribute__((vector_size(64)));
constexpr int H = 8;  // lanes per vector
static_assert(L % H == 0);
constexpr uint64_t kInfBits = uint64_t{0x7ff} << 52;

QMAC_INLINE VD load_vd(const double* p) {
  VD v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
QMAC_INLINE void store_vd(double* p, VD v) { std::memcpy(p, &v, sizeof v); }

struct Step {
  VU r;    // result bits
  VU code; // the register's code of the result
  VU ok;   // all ones: kept; 0: needs num::Mac
};

struct VConsts {
  VU half_m1, one, low, not_low, half, min_b, max_b, max_bits, sign, not_sign, inf, exp_offset, inf_code, nan_code;
  int shift, sign_shift;
  explicit VConsts(const FloatRounding& f) {
    auto b = [](uint64_t x) { return VU{} + x; };
    half_m1 = b(f.half - 1), one = b(1), low = b(f.low_mask), not_low = b(~f.low_mask), half = b(f.half);
    min_b = b(f.min_biased), max_b = b(f.max_biased), max_bits = b(double_bits(f.max_finite));
    sign = b(kSign), not_sign = b(~kSign), inf = b(kInfBits), exp_offset = b(f.exp_offset);
    inf_code = b(f.inf_code), nan_code = b(f.nan_code);
    shift = f.shift, sign_shift = f.sign_shift;
  }
};

// Lane masks by integer arithmetic (all ones / zero), on values below 2^63:
// GCC lowers vector comparisons lane by lane here, shifts and subtractions it
// keeps in vectors on every instruction set.
QMAC_INLINE VU top_bit_mask(VU x) { return VU{} - (x >> 63); }
QMAC_INLINE VU ge_mask(VU a, VU b) { return ~top_bit_mask(a - b); }
QMAC_INLINE VU nonzero_mask(VU x) { return top_bit_mask(x | (VU{} - x)); }

QMAC_INLINE Step round_step(VD v, VD p, const VConsts& c) {
  const VD sum = v + p;
  const VU bits = (VU)sum;
  const VU mag = bits & c.not_sign;
  const VU biased = mag >> 52;
  const VU kept = (mag + c.half_m1 + ((mag >> c.shift) & c.one)) & c.not_low;
  // A tie of the double sum is a tie of the exact sum only when the sum is
  // exact (TwoSum residual zero); then the bit rounding is RNE's.
  const VD bb = sum - v;
  const VD residual = (v - (sum - bb)) + (p - bb);
  const VU not_tie = nonzero_mask((mag & c.low) ^ c.half) | ~nonzero_mask((VU)residual & c.not_sign);
  const VU fits = ge_mask(biased, c.min_b) & ge_mask(c.max_b, biased) & not_tie & ge_mask(c.max_bits, kept);
  const VU vb = (VU)v;
  const VU special = ge_mask(vb & c.not_sign, c.inf);
  const VU r = (vb & special) | (((bits & c.sign) | kept) & ~special);
  // The code: rebiased exponent over the top fraction bits (normal values), or inf / NaN.
  const VU rmag = r & c.not_sign;
  const VU rsign = (r >> 63) << c.sign_shift;
  const VU normal = rsign | ((rmag >> c.shift) - c.exp_offset);
  const VU is_inf = ~nonzero_mask(rmag ^ c.inf);
  const VU special_code = ((rsign | c.inf_code) & is_inf) | (c.nan_code & ~is_inf);
  const VU code = (special_code & special) | (normal & ~special);
  return {r, code, fits | special};
}

// Toggle tallies per 64-bit lane (see tally32): the popcount where the ISA
// has it (the lane loop vectorises to VPOPCNTQ), else per-byte bit counts,
// summed by untally_v every kByteSteps steps.
template <bool kHw>
QMAC_INLINE VU tally_v(VU x) {
  if constexpr (kHw) {
    uint64_t a[H];
    std::memcpy(a, &x, sizeof a);
    for (int i = 0; i < H; ++i) a[i] = uint64_t(__builtin_popcountll(a[i]));
    VU r;
    std::memcpy(&r, a, sizeof r);
    return r;
  } else {
    const VU m1 = VU{} + 0x5555555555555555ULL, m2 = VU{} + 0x3333333333333333ULL, m4 = VU{} + 0x0f0f0f0f0f0f0f0fULL;
    x = x - ((x >> 1) & m1);
    x = (x & m2) + ((x >> 2) & m2);
    return (x + (x >> 4)) & m4;
  }
}
template <bool kHw>
QMAC_INLINE VU untally_v(VU t) {
  if constexpr (kHw) return t;
  const VU m8 = VU{} + 0x00ff00ff00ff00ffULL;
  t = (t & m8) + ((t >> 8) & m8);  // four 16-bit sums
  t = t + (t >> 16);
  t = t + (t >> 32);
  return t & (VU{} + 0xffff);
}

QMAC_INLINE bool all_set(VU a, VU b) {
  const VU bad = ~a | ~b;
  uint64_t t[H];
  std::memcpy(t, &bad, sizeof t);
  uint64_t any = 0;
  for (int i = 0; i < H; ++i) any |= t[i];
  return any == 0;
}

// The exact step for a refused lane.
__attribute__((noinline)) uint64_t exact_step(const FloatRounding& f, double v, uint32_t a, uint32_t b,
                                              num::MacStats& stats, uint64_t& code) {
  num::AccValue t;
  t.f = v;
  f.mac->mac(t, a, b, stats);
  code = f.acc->raw_bits(t);
  return double_bits(t.f);
}

// One step of kLanes lanes: old values v (two vectors), products p; returns
// the new values in v and counts toggles against pa/pp. `exact(l, old)`
// computes a refused lane.
template <bool kHw, class Exact>
QMAC_INLINE void fgen_step(VD (&v)[2], const VD (&p)[2], const VU (&pb)[2], const VConsts& c, VU (&pa)[2], VU (&pp)[2],
                           VU (&ta)[2], VU (&tp)[2], Exact exact) {
  Step s[2] = {round_step(v[0], p[0], c), round_step(v[1], p[1], c)};
  if (__builtin_expect(!all_set(s[0].ok, s[1].ok), 0)) {
    for (int h = 0; h < 2; ++h)
      for (int i = 0; i < H; ++i) {
        if (s[h].ok[i]) continue;
        uint64_t code;
        s[h].r[i] = exact(h * H + i, v[h][i], code);
        s[h].code[i] = code;
      }
  }
  for (int h = 0; h < 2; ++h) {
    v[h] = (VD)s[h].r;
    ta[h] += tally_v<kHw>(s[h].code ^ pa[h]);
    pa[h] = s[h].code;
    tp[h] += tally_v<kHw>(pb[h] ^ pp[h]);
    pp[h] = pb[h];
  }
}

// MACs whose accumulator input is inf/NaN. Such a value only comes out of a
// refused lane's exact step (an overflow: every product is finite here) or
// arrives from a pass that had one, so the loops count only once one exists
// (`counting`), and keep the common all-finite pass free of it.
QMAC_INLINE void count_nonfinite(const VD (&v)[2], const VConsts& c, VU (&nf)[2]) {
  for (int h = 0; h < 2; ++h) nf[h] += ge_mask((VU)v[h] & c.not_sign, c.inf) >> 63;
}
QMAC_INLINE bool nonfinite_bits(uint64_t bits) { return (bits & ~kSign) >= kInfBits; }

QMAC_INLINE VU product_bits_v(int64_t xi, const VI& si, const VU& mask) { return ((VU)si * uint64_t(xi)) & mask; }

template <bool kHw, bool kFirst>
QMAC_INLINE void fgen_row_body(const RowPass& p, const FloatRounding& f, State& st, Counts& cnt, num::MacStats& stats) {
  const VConsts c(f);
  VD sv[2];
  VI si[2];
  VU pa[2], pp[2];
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < H; ++i) {
      const int l = h * H + i;
      sv[h][i] = p.st.f64[p.s[l]];
      si[h][i] = p.st.lsbs[p.s[l]];
      pa[h][i] = st.acc[l];
      pp[h][i] = st.prod[l];
    }
  const VU pmask = VU{} + p.prod_mask;
  double* __restrict ps = static_cast<double*>(p.psum);
  VU ta[2] = {}, tp[2] = {}, sum_a[2] = {}, sum_p[2] = {}, nf[2] = {};
  bool counting = !kFirst && p.nonfinite_in;
  size_t since_flush = 0;
  for (size_t r = 0; r < p.n; ++r) {
    if (!kHw && ++since_flush == kByteSteps) {
      for (int h = 0; h < 2; ++h) sum_a[h] += untally_v<kHw>(ta[h]), sum_p[h] += untally_v<kHw>(tp[h]), ta[h] = tp[h] = VU{};
      since_flush = 0;
    }
    const uint8_t code = p.x[r];
    const double x = p.xt.f64[code];
    const int64_t xi = p.xt.lsbs[code];
    double* row = ps + r * L;
    VD v[2] = {kFirst ? VD{} : load_vd(row), kFirst ? VD{} : load_vd(row + H)};
    if (__builtin_expect(counting, 0)) count_nonfinite(v, c, nf);
    const VD pr[2] = {sv[0] * x, sv[1] * x};
    const VU pb[2] = {product_bits_v(xi, si[0], pmask), product_bits_v(xi, si[1], pmask)};
    fgen_step<kHw>(v, pr, pb, c, pa, pp, ta, tp, [&](int l, double old, uint64_t& out_code) {
      const uint32_t a = p.x_is_a ? code : p.s[l], b = p.x_is_a ? p.s[l] : code;
      const uint64_t bits = exact_step(f, old, a, b, stats, out_code);
      counting |= nonfinite_bits(bits);  // a later pass's input (the row's next PE)
      return bits;
    });
    store_vd(row, v[0]);
    store_vd(row + H, v[1]);
  }
  for (int h = 0; h < 2; ++h) sum_a[h] += untally_v<kHw>(ta[h]), sum_p[h] += untally_v<kHw>(tp[h]);
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < H; ++i) {
      const int l = h * H + i;
      cnt.acc[l] += sum_a[h][i];
      cnt.prod[l] += sum_p[h][i];
      cnt.nonfinite[l] += nf[h][i];
      st.acc[l] = pa[h][i];
      st.prod[l] = pp[h][i];
    }
  cnt.nonfinite_out = counting;
}

template <bool kHw>
QMAC_INLINE void fgen_row_impl(const RowPass& p, const FloatRounding& f, State& st, Counts& c, num::MacStats& s) {
  if (p.first)
    fgen_row_body<kHw, true>(p, f, st, c, s);
  else
    fgen_row_body<kHw, false>(p, f, st, c, s);
}

template <bool kHw>
QMAC_INLINE void fgen_os_impl(const OsPass& p, const FloatRounding& f, State& st, Counts& cnt, num::MacStats& stats) {
  const VConsts c(f);
  VU pa[2], pp[2];
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < H; ++i) pa[h][i] = st.acc[h * H + i], pp[h][i] = st.prod[h * H + i];
  const VU pmask = VU{} + p.prod_mask;
  const double* bv = static_cast<const double*>(p.bv);
  VD acc[2] = {VD{}, VD{}};
  VU ta[2] = {}, tp[2] = {}, sum_a[2] = {}, sum_p[2] = {}, nf[2] = {};
  bool counting = false;  // every lane starts from zero
  size_t since_flush = 0;
  for (size_t k = 0; k < p.k; ++k) {
    if (!kHw && ++since_flush == kByteSteps) {
      for (int h = 0; h < 2; ++h) sum_a[h] += untally_v<kHw>(ta[h]), sum_p[h] += untally_v<kHw>(tp[h]), ta[h] = tp[h] = VU{};
      since_flush = 0;
    }
    const uint8_t code = p.a[k];
    const double x = p.at.f64[code];
    const int64_t xi = p.at.lsbs[code];
    const double* b = bv + k * L;
    const int64_t* bi = p.bi + k * L;
    VI bi_v[2];
    std::memcpy(&bi_v[0], bi, sizeof(VI));
    std::memcpy(&bi_v[1], bi + H, sizeof(VI));
    const VD pr[2] = {load_vd(b) * x, load_vd(b + H) * x};
    const VU pb[2] = {product_bits_v(xi, bi_v[0], pmask), product_bits_v(xi, bi_v[1], pmask)};
    if (__builtin_expect(counting, 0)) count_nonfinite(acc, c, nf);
    fgen_step<kHw>(acc, pr, pb, c, pa, pp, ta, tp, [&](int l, double old, uint64_t& out_code) {
      const uint64_t bits = exact_step(f, old, code, p.b[k * L + size_t(l)], stats, out_code);
      counting |= nonfinite_bits(bits);  // this lane's next step's input
      return bits;
    });
  }
  for (int h = 0; h < 2; ++h) sum_a[h] += untally_v<kHw>(ta[h]), sum_p[h] += untally_v<kHw>(tp[h]);
  double* out = static_cast<double*>(p.acc_out);
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < H; ++i) {
      const int l = h * H + i;
      cnt.acc[l] += sum_a[h][i];
      cnt.prod[l] += sum_p[h][i];
      cnt.nonfinite[l] += nf[h][i];
      st.acc[l] = pa[h][i];
      st.prod[l] = pp[h][i];
      out[l] = acc[h][i];
    }
}

// ------------------------------------------------------ instruction sets

#define QMAC_LANE_SET(NAME, HW, TARGET)                                                                    \
  TARGET void int_row_##NAME(const RowPass& p, State& s, Counts& c) { int_row_impl<HW>(p, s, c); }         \
  TARGET void f32_row_##NAME(const RowPass& p, State& s, Counts& c) { f32_row_impl<HW>(p, s, c); }         \
  TARGET void fgen_row_##NAME(const RowPass& p, const FloatRounding& f, State& s, Counts& c,            \
                              num::MacStats& m) {                                                      \
    fgen_row_impl<HW>(p, f, s, c, m);                                                                  \
  }                                                                                                    \
  TARGET void int_os_##NAME(const OsPass& p, State& s, Counts& c) { int_os_impl<HW>(p, s, c); }            \
  TARGET void f32_os_##NAME(const OsPass& p, State& s, Counts& c) { f32_os_impl<HW>(p, s, c); }            \
  TARGET void fgen_os_##NAME(const OsPass& p, const FloatRounding& f, State& s, Counts& c,              \
                             num::MacStats& m) {                                                       \
    fgen_os_impl<HW>(p, f, s, c, m);                                                                   \
  }                                                                                                    \
  const Functions k_##NAME = {int_row_##NAME, f32_row_##NAME, fgen_row_##NAME,                         \
                              int_os_##NAME,  f32_os_##NAME,  fgen_os_##NAME, #NAME};

QMAC_LANE_SET(baseline, false, )
QMAC_LANE_SET(avx2, false, __attribute__((target("avx2,bmi,bmi2,popcnt"))))
QMAC_LANE_SET(avx512, true,
              __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vpopcntdq,avx2,bmi,bmi2,popcnt"))))

}  // namespace

const Functions& functions() {
  switch (num::active_isa()) {
    case num::Isa::avx512: return k_avx512;
    case num::Isa::avx2: return k_avx2;
    case num::Isa::baseline: break;
  }
  return k_baseline;
}

}  // namespace qmac::array::lanes
