// The `fast` engine: an array-level SystemC model. One clocked process steps
// every PE of the array once per clock over flat structure-of-arrays state (no
// signal per PE). It implements exactly the cycle semantics of the PE netlist
// (pe_array.hpp); tests check both agree bit for bit, cycle for cycle and
// toggle for toggle.
#pragma once

#include <systemc>
#include <vector>

#include "models/array/plan.hpp"
#include "models/mac/mac_bits.hpp"

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

SC_MODULE(FastArray) {
  SC_HAS_PROCESS(FastArray);
  sc_core::sc_in<bool> clk{"clk"};

  FastArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
            RunResult& result);

 private:
  void step();
  void step_ws_is(int fold, int64_t t);
  void step_os(int fold, int64_t t);
  void begin_fold(int fold);
  void mac_event(size_t pe, uint32_t a, uint32_t b, num::AccValue& acc);

  const Plan& plan_;
  const num::Mac& mac_;
  mac::MacBits bits_;
  OutputBuffer& buffer_;
  RunResult& result_;
  uint64_t cycle_ = 0;
  // Per PE (index i*C + j): the multiplier's last operands and product bits
  // (operand isolation: they change only on a valid MAC), the accumulator /
  // partial-sum register and its raw bits, the stationary register (WS/IS).
  std::vector<uint32_t> last_a_, last_b_;
  std::vector<uint64_t> last_p_, acc_raw_;
  std::vector<num::AccValue> acc_;
  std::vector<uint32_t> stat_;
  std::vector<ChainToggles> row_chain_, col_chain_;
  // Per fold, the operand streams laid out by feeder and cycle so a clock's
  // accesses are contiguous: feed_[i * span_ + u] is what array row i's feeder
  // sends in the fold's u-th streaming cycle (X for WS/IS, A for OS);
  // feed_col_[u * C + j] is column j's feed (OS: B) in cycle u.
  std::vector<uint32_t> feed_, feed_col_;
  size_t span_ = 0;
};

}  // namespace qmac::array
