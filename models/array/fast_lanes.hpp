// The fast engine's vector paths (issue 13): one PE row of a group of kLanes
// adjacent columns evaluated together, a lane per PE. In WS/IS every PE of an
// array row sees the same streamed operand, so a step of the stream is one
// value broadcast against kLanes stationary values; in OS a row's A operand
// is broadcast against kLanes columns of B. Each lane does exactly what the
// scalar per-PE loop (fast_engine.cpp) does for its PE -- the same MACs in the
// same order, the same register and product-node toggles -- and the engine
// equivalence tests hold both to the pe engine. Three value kinds:
//   IntLanes  integer accumulators of at most 32 bits whose partial sums
//             provably stay in range (int32 lanes; products of integer codes)
//   F32Lanes  FP32 accumulators where num::Mac adds natively in float (every
//             product exact in float, RNE, nonsat): float lanes
//   FGenLanes any fused RNE float accumulator (FP16, BF16, ...): the double
//             sum of a lane, rounded on its bits as Mac::round_fast does; a
//             register already inf or NaN stays so (a finite product cannot
//             change it, as num::Mac's exact path computes); any other lane
//             that round_fast would refuse (ties, zero, subnormal or
//             overflowing results) goes through num::Mac
// Product-node bits are a * b in units of the product LSB (MacBits), as the
// 64-bit product of the operands' integers in LSB units. Codes are 8-bit and
// finite (the kernel checks before choosing a vector path).
//
// The loops are plain C++ over fixed-size lane arrays, compiled three times
// (x86-64 baseline, AVX2, AVX-512 with VPOPCNTDQ) and picked at run time by
// the CPU's features; the results are the same on each (integer and IEEE
// arithmetic in the same order, no FMA contraction).
#pragma once

#include <cstddef>
#include <cstdint>

#include "models/numerics/accumulator.hpp"

namespace qmac::array::lanes {

constexpr int kLanes = 16;

// Counters a lane loop adds to, per lane.
struct Counts {
  uint64_t acc[kLanes] = {};   // accumulator-register toggles (MAC PEs)
  uint64_t prod[kLanes] = {};  // product-node toggles
  uint64_t nonfinite[kLanes] = {};  // float paths: MACs whose accumulator input is inf/NaN
  // fgen row pass: an output of the pass may be inf/NaN (false: all are
  // finite), the next pass's RowPass::nonfinite_in.
  bool nonfinite_out = false;
  uint64_t overflows = 0;      // float paths: overflow events of all lanes
};

// Per-lane node state carried across calls: the register's raw bits and the
// product node's bits before the pass (after it: after the last step).
struct State {
  uint64_t acc[kLanes] = {};
  uint64_t prod[kLanes] = {};
};

// Lookup tables of one operand format, indexed by 8-bit code.
struct CodeTables {
  const int32_t* i32 = nullptr;   // integer value (IntLanes)
  const float* f32 = nullptr;     // value (F32Lanes)
  const double* f64 = nullptr;    // value (FGenLanes)
  const int64_t* lsbs = nullptr;  // value / 2^lsb_exponent of the format
};

// The rounding of FGenLanes: num::Mac::round_fast's constants for the
// accumulator format, and how to take the exact path.
struct FloatRounding {
  int shift = 0;                  // 52 - man_bits
  uint64_t low_mask = 0, half = 0, min_biased = 0, max_biased = 0;
  double max_finite = 0;
  uint64_t exp_offset = 0;        // (1023 - bias) << man_bits: code of a normal value from its bits
  int sign_shift = 0;             // bits - 1
  uint64_t inf_code = 0, nan_code = 0;  // codes of +inf (formats with infinities) and of NaN
  const num::Mac* mac = nullptr;  // exact path for refused lanes
  const num::Accumulator* acc = nullptr;
};

// WS/IS: one PE row. Step r adds x[r] * s[l] to psum[r * kLanes + l] (zero
// when `first`: the top row), r ascending.
struct RowPass {
  const uint8_t* x = nullptr;  // n stream codes
  size_t n = 0;
  CodeTables xt, st;           // tables of the streamed / stationary format
  uint8_t s[kLanes] = {};      // stationary codes
  bool x_is_a = true;          // WS: x is A; IS: x is B (which code is which for num::Mac)
  bool first = false;
  bool nonfinite_in = false;   // fgen: psum may hold inf/NaN (the previous pass's Counts::nonfinite_out)
  uint64_t acc_mask = 0, prod_mask = 0;
  void* psum = nullptr;        // n * kLanes values of the lane kind
};

// OS: one PE row. Step k adds a[k] * b[k * kLanes + l] to the lane's
// accumulator, from zero; acc_out receives the final values.
struct OsPass {
  const uint8_t* a = nullptr;  // K codes of the row's A operand
  size_t k = 0;
  CodeTables at, bt;
  const uint8_t* b = nullptr;  // K * kLanes codes of the column group's B operands
  const void* bv = nullptr;    // K * kLanes values of those codes (int32 / float / double)
  const int64_t* bi = nullptr; // K * kLanes lsbs of those codes
  uint64_t acc_mask = 0, prod_mask = 0;
  void* acc_out = nullptr;     // kLanes values
};

struct Functions {
  void (*int_row)(const RowPass&, State&, Counts&);
  void (*f32_row)(const RowPass&, State&, Counts&);
  void (*fgen_row)(const RowPass&, const FloatRounding&, State&, Counts&, num::MacStats&);
  void (*int_os)(const OsPass&, State&, Counts&);
  void (*f32_os)(const OsPass&, State&, Counts&);
  void (*fgen_os)(const OsPass&, const FloatRounding&, State&, Counts&, num::MacStats&);
  const char* isa;
};

// The set for num::active_isa() ("avx512", "avx2" or "baseline").
const Functions& functions();

}  // namespace qmac::array::lanes
