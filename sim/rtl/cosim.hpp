// Co-simulation of a generated MAC (Icarus Verilog) against num::Mac: the same
// operand stream into both, the accumulator compared after every clock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/rtl/rtl.hpp"

namespace qmac::rtl {

using u128 = unsigned __int128;

// One clock of the stream: operand codes, and optionally a value loaded into
// the accumulator register before the edge (raw register bits).
struct Step {
  uint32_t a = 0, b = 0;
  bool load = false;
  u128 acc = 0;
};

// Corner cases (every pair of interesting operand codes from interesting
// accumulator states; for float accumulators sums that land exactly on and
// next to rounding ties, and overflow) followed by `random_steps` seeded random
// steps (operands of every code class; the accumulator reloaded now and then
// so it visits every range instead of sticking at inf/NaN or a wrapped value).
std::vector<Step> cosim_stream(const num::MacSpec& spec, uint64_t random_steps, uint64_t seed);

// The accumulator value whose register bits are `raw` (an integer/fixed
// accumulator's two's complement, a float accumulator's code).
num::AccValue acc_value(const num::AccumulatorSpec& acc, u128 raw);

// The accumulator's raw bits after each step by num::Mac (with the RTL's
// latency: operands reach the accumulator `latency` clocks after they enter;
// the first latency - 1 clocks add the product of code 0 x code 0).
std::vector<u128> reference_run(const num::MacSpec& spec, int latency, const std::vector<Step>& steps);

struct CosimResult {
  uint64_t steps = 0;
  uint64_t mismatches = 0;
  std::string first_mismatch;   // step, operands, expected and RTL values; empty when none
};

// Generates the RTL, simulates it with iverilog/vvp in `workdir` on `steps`
// and compares with reference_run. `vcd`: optional waveform path; `mutate`:
// applied to the design before simulation (tests break the RTL on purpose).
CosimResult cosimulate(const num::MacSpec& spec, int pipeline_stages, const std::vector<Step>& steps,
                       const std::string& workdir, const std::string& vcd = "",
                       const std::function<void(Design&)>& mutate = {});

std::string hex(u128 v, int bits);  // zero-padded lowercase hex of the low `bits` bits

}  // namespace qmac::rtl
