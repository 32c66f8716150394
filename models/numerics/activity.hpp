// Switching activity observed by a simulation, the input of the energy model
// (models/cost). Counted by both array engines identically; plain data so the
// numerics, array and cost layers can share it without depending on each other.
#pragma once

#include <cstdint>

namespace qmac::num {

struct Activity {
  uint64_t cycles = 0;              // clock cycles of the whole run
  uint64_t pe_cycles = 0;           // cycles x number of PEs (clocked PE-cycles, busy or idle)
  uint64_t macs = 0;                // PE-cycles that performed a valid multiply-accumulate
  // Bit toggles (Hamming distance between the value a node holds in consecutive
  // cycles of the same PE), summed over all PEs and cycles:
  uint64_t mult_a_toggles = 0;      // operand A code at the multiplier input
  uint64_t mult_b_toggles = 0;      // operand B code at the multiplier input
  // One bits of the operand codes at the multiplier input, summed over valid
  // MACs (the bits' probability of being 1, which an AND plane's switching
  // depends on besides their toggles: models/cost/energy.hpp):
  uint64_t mult_a_ones = 0;
  uint64_t mult_b_ones = 0;
  uint64_t product_toggles = 0;     // product bits (see the array engine for its encoding)
  uint64_t acc_toggles = 0;         // accumulator register raw bits
  // Valid MACs whose accumulator input (the register; WS/IS: the partial sum
  // arriving from above) is inf or NaN. The register then holds its code while
  // the adder keeps aligning and normalising every product (models/cost/energy.hpp).
  uint64_t acc_nonfinite_macs = 0;
  uint64_t fwd_reg_toggles = 0;     // operand forwarding / pipeline registers in the PEs
  uint64_t psum_reg_toggles = 0;    // partial-sum registers passed between PEs (WS/IS)
  uint64_t out_buffer_adds = 0;     // additions in the output accumulator buffer
  uint64_t out_buffer_toggles = 0;  // bit toggles of the output buffer words written

  Activity& operator+=(const Activity& o) {
    cycles += o.cycles; pe_cycles += o.pe_cycles; macs += o.macs;
    mult_a_toggles += o.mult_a_toggles; mult_b_toggles += o.mult_b_toggles;
    mult_a_ones += o.mult_a_ones; mult_b_ones += o.mult_b_ones;
    product_toggles += o.product_toggles; acc_toggles += o.acc_toggles;
    acc_nonfinite_macs += o.acc_nonfinite_macs;
    fwd_reg_toggles += o.fwd_reg_toggles; psum_reg_toggles += o.psum_reg_toggles;
    out_buffer_adds += o.out_buffer_adds; out_buffer_toggles += o.out_buffer_toggles;
    return *this;
  }
  bool operator==(const Activity& o) const {
    return cycles == o.cycles && pe_cycles == o.pe_cycles && macs == o.macs && mult_a_toggles == o.mult_a_toggles &&
           mult_b_toggles == o.mult_b_toggles && mult_a_ones == o.mult_a_ones && mult_b_ones == o.mult_b_ones &&
           product_toggles == o.product_toggles && acc_toggles == o.acc_toggles &&
           acc_nonfinite_macs == o.acc_nonfinite_macs &&
           fwd_reg_toggles == o.fwd_reg_toggles && psum_reg_toggles == o.psum_reg_toggles &&
           out_buffer_adds == o.out_buffer_adds && out_buffer_toggles == o.out_buffer_toggles;
  }
};

}  // namespace qmac::num
