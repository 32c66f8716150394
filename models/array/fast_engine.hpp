// The `fast` engine: an array-level SystemC model. One clocked process (no
// signal per PE) advances the array through the plan's folds; at the first clock
// of each fold it evaluates the whole fold over flat structure-of-arrays state,
// PE by PE in the order the PE netlist (pe_array.hpp, mac_unit.hpp) performs
// that PE's operations, and counts every toggle the netlist's registers and
// nodes make during the fold. What it computes per fold is exactly what the
// netlist computes cycle by cycle: tests check both agree bit for bit, cycle for
// cycle and toggle for toggle. Nothing inside a fold is observable between clocks
// (no signals, no waveforms: that is the pe engine's job), which is what lets
// it walk a PE's whole operand stream in one cache-friendly loop instead of
// visiting all R x C PEs on every clock.
#pragma once

#include <algorithm>
#include <memory>
#include <systemc>
#include <vector>

#include "models/array/plan.hpp"

namespace qmac::array {

// Toggles of one forwarding-register chain (a row or a column of `len`
// registers): the register at position q holds the chain's input from q+1
// cycles ago, so a change of the input at cycle s toggles each register once,
// at cycles s .. s+len-1, of which those before the end of the run count.
class ChainToggles {
 public:
  ChainToggles(int len, uint64_t run_cycles) : len_(uint64_t(len)), end_(run_cycles) {}
  // The chain's input is `code` from cycle s on (calls in increasing s: one
  // input per cycle);
  // returns the register toggles this change causes over the rest of the run.
  uint64_t set(uint64_t s, uint32_t code) {
    const uint64_t d = uint64_t(__builtin_popcount(code ^ last_));
    last_ = code;
    return d == 0 ? 0 : d * std::min(len_, end_ - s);
  }
  // set(s + i, codes[i * stride]) for i = 0 .. n-1, summed; `between` gets the
  // Hamming distances between consecutive codes of the sequence (its own
  // toggles, without the step from the chain's previous input).
  template <class Code>
  uint64_t set_sequence(uint64_t s, const Code* codes, size_t n, size_t stride, uint64_t& between) {
    if (n == 0) {
      between = 0;
      return 0;
    }
    const uint64_t first = uint64_t(__builtin_popcount(uint32_t(codes[0]) ^ last_));
    uint64_t total = 0, sum = 0;
    uint32_t prev = uint32_t(codes[0]);
    if (s + n - 1 + len_ <= end_) {  // every change toggles all len_ registers before the run ends
      for (size_t i = 1; i < n; ++i) {
        const uint32_t c = uint32_t(codes[i * stride]);
        sum += uint64_t(__builtin_popcount(c ^ prev));
        prev = c;
      }
      total = (first + sum) * len_;
    } else {
      total = first * std::min(len_, end_ - s);
      for (size_t i = 1; i < n; ++i) {
        const uint32_t c = uint32_t(codes[i * stride]);
        const uint64_t d = uint64_t(__builtin_popcount(c ^ prev));
        sum += d;
        total += d * std::min(len_, end_ - (s + i));
        prev = c;
      }
    }
    last_ = prev;
    between = sum;
    return total;
  }

 private:
  uint64_t len_, end_;
  uint32_t last_ = 0;
};

// Evaluates one fold of the plan (implemented per code width and accumulator
// storage in fast_kernel.cpp).
class FastKernel {
 public:
  virtual ~FastKernel() = default;
  // The cycles before the first fold (Plan::prologue), at cycle 0.
  virtual void prologue() = 0;
  // Fold `index`, whose first clocked cycle is the run's cycle `first_cycle`.
  virtual void fold(int index, uint64_t first_cycle) = 0;
};

// The kernel for a plan and MAC (fast_kernel.cpp): per code width and
// accumulator storage, with the plan's threads.
std::unique_ptr<FastKernel> make_fast_kernel(const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                                             RunResult& result);

// The process advances through the schedule's timeline in simulated time (1 ns
// per cycle): it runs at the prologue's cycle and at each fold's first cycle,
// and waits (dynamic sensitivity, next_trigger) over the cycles in between --
// the rest of a fold and any memory stall -- counting them as clocked. Stall
// cycles therefore cost nothing to simulate, and no clock channel runs.
SC_MODULE(FastArray) {
  SC_HAS_PROCESS(FastArray);

  FastArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
            RunResult& result);

 private:
  void step();
  const Plan& plan_;
  RunResult& result_;
  std::unique_ptr<FastKernel> kernel_;
  uint64_t cycle_ = 0;
  size_t next_fold_ = 0;
};

}  // namespace qmac::array
