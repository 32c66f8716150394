// The `fast` engine: an array-level SystemC model. One clocked process steps
// every PE of the array once per clock over flat structure-of-arrays state (no
// signal per PE). It implements exactly the cycle semantics of the PE netlist
// (pe_array.hpp, mac_unit.hpp); tests check both agree bit for bit, cycle for
// cycle and toggle for toggle.
#pragma once

#include <memory>
#include <systemc>
#include <vector>

#include "models/array/plan.hpp"

namespace qmac::array {

// Toggles of one forwarding-register chain (a row or a column of the array):
// the register at position j holds the chain's input from j+1 cycles ago, so
// the chain's toggles in a cycle are the input's toggles over the last `len`
// cycles: a sliding-window sum, O(1) per chain per cycle.
class ChainToggles {
 public:
  explicit ChainToggles(int len) : ring_(size_t(len), 0) {}
  // Feeds this cycle's input code; returns the chain's register toggles this cycle.
  uint64_t push(uint32_t code) {
    const uint32_t d = uint32_t(__builtin_popcount(code ^ last_));
    last_ = code;
    sum_ += d;
    sum_ -= ring_[pos_];
    ring_[pos_] = d;
    if (++pos_ == ring_.size()) pos_ = 0;
    return sum_;
  }

 private:
  std::vector<uint32_t> ring_;
  size_t pos_ = 0;
  uint64_t sum_ = 0;
  uint32_t last_ = 0;
};

// One clock of the whole array (implemented per code width and accumulator
// storage in fast_engine.cpp).
class FastKernel {
 public:
  virtual ~FastKernel() = default;
  virtual void step(uint64_t cycle) = 0;
};

SC_MODULE(FastArray) {
  SC_HAS_PROCESS(FastArray);
  sc_core::sc_in<bool> clk{"clk"};

  FastArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
            RunResult& result);

 private:
  void step();
  const Plan& plan_;
  RunResult& result_;
  std::unique_ptr<FastKernel> kernel_;
  uint64_t cycle_ = 0;
};

}  // namespace qmac::array
