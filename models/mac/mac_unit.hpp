// SystemC MAC unit and processing element (PE) of the `pe` engine.
//
// MacUnit: multiplier + P-stage pipeline + accumulate stage, configured at run
// time by a num::MacSpec (operand formats, accumulator, fused) and P >= 1. The
// multiplier takes the operands of cycle c; the accumulate stage adds that
// product in cycle c + P - 1 (the P - 1 product registers between them are
// enabled only by valid MACs). Arithmetic is num::Mac's.
//
// PE: a MacUnit plus the operand forwarding registers. Ports (all registered,
// written on the rising clock edge):
//   x   (left -> right): streaming operand code, valid bit, tag (WS/IS: stream
//       row r; OS: reduction index k; the tag is simulation bookkeeping that
//       lets the drain address outputs, not a modelled wire)
//   y   (top -> bottom): OS: the B operand stream; WS/IS: the stationary
//       register's shift chain during preload (`load`)
//   psum (top -> bottom): WS/IS partial sums; OS: the stationary accumulator
//   row_en/col_en/load: per-fold control from the controller
//
// Activity (num::Activity) counted by each PE for itself:
//   mult_a/mult_b_toggles: Hamming distance between consecutive valid operand
//       codes at the multiplier (operand isolation: idle cycles hold them)
//   product_toggles: same for the product bits (encoding in mac_bits.hpp)
//   acc_toggles: the MAC's accumulator register (OS: stationary accumulator;
//       WS/IS: the partial-sum register written by this PE's adder), raw bits
//   psum_reg_toggles: the partial-sum register of a PE in a row outside the
//       fold's tile, which passes its input through without adding
//   fwd_reg_toggles: the x and y forwarding registers (every cycle), the
//       stationary register (during preload) and the P - 1 product pipeline
//       registers (on valid MACs)
//   macs: valid multiply-accumulates
#pragma once

#include <systemc>
#include <ostream>
#include <string>
#include <vector>

#include "models/mac/mac_bits.hpp"
#include "models/numerics/activity.hpp"

namespace qmac::mac {

// A partial-sum / accumulator word on a wire between PEs.
struct PsumWord {
  num::AccValue v;
  bool valid = false;
  int32_t tag = 0;
  bool operator==(const PsumWord& o) const { return v == o.v && valid == o.valid && tag == o.tag; }
};
std::ostream& operator<<(std::ostream& os, const PsumWord& w);
void sc_trace(sc_core::sc_trace_file* tf, const PsumWord& w, const std::string& name);

// An operand code on a forwarding wire with its valid bit (and, for the x
// stream, the tag described at Pe).
struct OperandWord {
  uint32_t code = 0;
  bool valid = false;
  int32_t tag = 0;
  bool operator==(const OperandWord& o) const { return code == o.code && valid == o.valid && tag == o.tag; }
};
std::ostream& operator<<(std::ostream& os, const OperandWord& w);
void sc_trace(sc_core::sc_trace_file* tf, const OperandWord& w, const std::string& name);

// Records a node only inside the trace window (keeps the VCD small).
struct TraceWindow {
  uint64_t first = 0, last = 0;
  bool contains(uint64_t c) const { return c >= first && c <= last; }
};

SC_MODULE(MacUnit) {
  SC_HAS_PROCESS(MacUnit);
  struct Op {
    bool valid = false;  // operands present (a stream word reached this PE)
    bool mac = false;    // multiply-accumulate (else: pass the partial sum through)
    bool first = false;  // OS: first k of the fold (accumulate from zero)
    uint32_t a = 0, b = 0;
    uint64_t p = 0;
    int32_t tag = 0;
  };

  MacUnit(sc_core::sc_module_name name, const num::Mac& mac, const MacBits& bits, int stages,
          num::Activity& activity, num::MacStats& stats);
  // Cycle step: `in` enters the multiplier; returns the op reaching the
  // accumulate stage this cycle (P - 1 cycles later).
  Op issue(const Op& in) {
    if (stages_.empty() && !in.valid) return in;  // idle single-stage MAC: nothing moves
    return issue_slow(in);
  }
  // The accumulate stage: acc = acc (+) product of op (or acc itself when passing).
  void accumulate(num::AccValue& acc, const Op& op) const;

  // Trace nodes (written only for traced PEs inside the window).
  sc_core::sc_signal<uint32_t> a_code{"a_code"}, b_code{"b_code"};
  sc_core::sc_signal<uint64_t> product{"product"}, acc_bits{"acc_bits"};
  sc_core::sc_signal<bool> valid{"valid"};

 private:
  const num::Mac& mac_;
  const MacBits& bits_;
  num::Activity& act_;
  num::MacStats& stats_;
  Op issue_slow(Op in);
  std::vector<Op> stages_;  // P - 1 pipeline registers
  std::vector<uint64_t> held_p_;
  uint32_t last_a_ = 0, last_b_ = 0;
  uint64_t last_p_ = 0;
};

SC_MODULE(Pe) {
  SC_HAS_PROCESS(Pe);
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_in<OperandWord> x_in{"x_in"}, y_in{"y_in"};
  sc_core::sc_in<PsumWord> psum_in{"psum_in"};
  sc_core::sc_in<bool> load{"load"}, row_en{"row_en"}, col_en{"col_en"};
  sc_core::sc_out<OperandWord> x_out{"x_out"}, y_out{"y_out"};
  sc_core::sc_out<PsumWord> psum_out{"psum_out"};

  enum class Mode { os, ws, is };
  struct Config {
    Mode mode = Mode::ws;
    uint64_t cycles = 0;  // clocked cycles of the run (cycle c is processed at edge c + 1)
    bool traced = false;
    TraceWindow window;
  };
  Pe(sc_core::sc_module_name name, const num::Mac& mac, const MacBits& bits, int stages, const Config& config);

  MacUnit mac;
  num::Activity activity;
  num::MacStats stats;

 private:
  void on_clock();
  Config cfg_;
  const MacBits& bits_;
  uint64_t edge_ = 0;
  uint32_t x_reg_ = 0, y_reg_ = 0;
  num::AccValue acc_{};
  uint64_t acc_raw_ = 0;
  bool psum_valid_ = false;  // the word on psum_out is marked valid
};

}  // namespace qmac::mac
