#include "models/mac/mac_unit.hpp"

namespace qmac::mac {

Pe::Pe(sc_core::sc_module_name name, const num::Mac& mac_arith, const MacBits& bits, int stages, const Config& config)
    : sc_core::sc_module(name), mac("mac", mac_arith, bits, stages, activity, stats), cfg_(config), bits_(bits) {
  acc_raw_ = bits_.acc(acc_);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

// Edge e latches the results of cycle c = e - 1 (inputs read now are the
// values the neighbours' registers held during cycle c).
void Pe::on_clock() {
  const uint64_t e = edge_++;
  if (e == 0 || e > cfg_.cycles) return;
  const uint64_t c = e - 1;
  const OperandWord xw = x_in.read();
  const uint32_t x = xw.code;
  const bool xv = xw.valid;
  const int32_t tag = xw.tag;
  activity.fwd_reg_toggles += uint64_t(__builtin_popcount(x ^ x_reg_));
  x_reg_ = x;
  x_out.write(xw);

  MacUnit::Op op;
  op.tag = tag;
  const OperandWord yw = y_in.read();
  const uint32_t y = yw.code;
  if (cfg_.mode == Mode::os) {
    const bool yv = yw.valid;
    activity.fwd_reg_toggles += uint64_t(__builtin_popcount(y ^ y_reg_));
    y_reg_ = y;
    y_out.write(yw);
    op.valid = op.mac = xv && yv;
    op.first = op.valid && tag == 0;
    op.a = x;
    op.b = y;
  } else {
    if (load.read()) {  // stationary register shifts down during preload
      activity.fwd_reg_toggles += uint64_t(__builtin_popcount(y ^ y_reg_));
      y_reg_ = y;
      y_out.write(yw);
    }
    op.valid = xv && col_en.read();
    op.mac = op.valid && row_en.read();
    op.a = cfg_.mode == Mode::ws ? x : y_reg_;
    op.b = cfg_.mode == Mode::ws ? y_reg_ : x;
  }

  const MacUnit::Op out = mac.issue(op);
  if (out.valid) {
    if (cfg_.mode != Mode::os) acc_ = psum_in.read().v;  // row 0's input is a constant zero word
    if (out.mac) mac.accumulate(acc_, out);
    const uint64_t raw = bits_.acc(acc_);
    const uint64_t d = uint64_t(popcount64(raw ^ acc_raw_));
    if (out.mac)
      activity.acc_toggles += d;
    else
      activity.psum_reg_toggles += d;
    acc_raw_ = raw;
  }
  if (out.valid || psum_valid_) {  // an idle register keeps its word: no write
    psum_out.write(PsumWord{acc_, out.valid, out.tag});
    psum_valid_ = out.valid;
  }

  if (cfg_.traced && cfg_.window.contains(c)) {
    mac.valid.write(op.valid && op.mac);
    if (op.valid && op.mac) {  // the multiplier's inputs and output hold between valid MACs
      mac.a_code.write(op.a);
      mac.b_code.write(op.b);
      mac.product.write(bits_.product(op.a, op.b));
    }
    mac.acc_bits.write(acc_raw_);
  }
}

}  // namespace qmac::mac
