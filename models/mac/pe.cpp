#include <stdexcept>
#include <string>

#include "models/mac/mac_unit.hpp"

namespace qmac::mac {

Pe::Pe(sc_core::sc_module_name name, const num::Mac& mac_arith, const MacBits& bits, int stages, const Config& config)
    : sc_core::sc_module(name),
      cycles_(config.cycles),
      bits_(bits),
      mode_(config.mode),
      pipelined_(stages > 1),
      double_buffer_(config.double_buffer),
      traced_(config.traced),
      window_(config.window),
      mac("mac", mac_arith, bits, stages, activity, stats) {
  acc_raw_ = bits_.acc(word_.v);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

namespace {
template <class T>
Wire<T>* wire_of(sc_core::sc_out<T>& port, const sc_core::sc_module& pe) {
  auto* w = dynamic_cast<Wire<T>*>(port.get_interface());
  if (!w) throw std::logic_error(std::string(pe.name()) + "." + port.basename() + " must be bound to a qmac::mac::Wire");
  return w;
}
}  // namespace

void Pe::end_of_elaboration() {
  in_.x = &x_in->read();
  in_.y = &y_in->read();
  in_.psum = &psum_in->read();
  in_.load = &load->read();
  in_.swap = &swap->read();
  in_.row_en = &row_en->read();
  in_.col_en = &col_en->read();
  out_.x = wire_of(x_out, *this);
  out_.y = wire_of(y_out, *this);
  out_.psum = wire_of(psum_out, *this);
}

// The accumulate stage and the partial-sum register for the op reaching it.
inline void Pe::retire(bool valid, bool is_mac, bool first, uint32_t a, uint32_t b, int32_t tag) {
  num::AccValue& acc = word_.v;
  if (valid) {
    if (mode_ != Mode::os) PsumWord::copy_acc(acc, in_.psum->v);  // row 0's input is a constant zero word
    if (is_mac) mac.accumulate(acc, first, a, b);
    const uint64_t raw = bits_.acc(acc);
    const uint64_t d = uint64_t(popcount64(raw ^ acc_raw_));
    if (is_mac)
      activity.acc_toggles += d;
    else
      activity.psum_reg_toggles += d;
    acc_raw_ = raw;
  }
  if (valid || word_.valid) {  // an idle register keeps its word: no write
    word_.valid = valid;
    word_.tag = tag;
    drive(*out_.psum, word_);
  }
}

// Edge e latches the results of cycle c = e - 1 (inputs read now are the
// values the neighbours' registers held during cycle c).
void Pe::on_clock() {
  const uint64_t e = edge_++;
  if (e == 0 || e > cycles_) return;
  const uint64_t c = e - 1;
  const OperandWord& xw = *in_.x;  // current value of the left neighbour's register
  const uint32_t x = xw.code;
  const int32_t tag = xw.tag;
  activity.fwd_reg_toggles += uint64_t(__builtin_popcount(x ^ x_reg_));
  x_reg_ = x;
  drive(*out_.x, xw);

  // The op entering the multiplier, as scalars (see MacUnit::pipelined).
  bool valid, is_mac, first = false;
  uint32_t a, b;
  const OperandWord& yw = *in_.y;
  const uint32_t y = yw.code;
  if (mode_ == Mode::os) {
    activity.fwd_reg_toggles += uint64_t(__builtin_popcount(y ^ y_reg_));
    y_reg_ = y;
    drive(*out_.y, yw);
    valid = is_mac = xw.valid && yw.valid;
    first = valid && tag == 0;
    a = x;
    b = y;
  } else {
    if (double_buffer_ && *in_.swap) {  // the shadow (as of the last cycle) becomes the active operand
      activity.fwd_reg_toggles += uint64_t(__builtin_popcount(y_reg_ ^ active_));
      active_ = y_reg_;
    }
    if (*in_.load) {  // stationary register shifts down during preload
      activity.fwd_reg_toggles += uint64_t(__builtin_popcount(y ^ y_reg_));
      y_reg_ = y;
      drive(*out_.y, yw);
    }
    valid = xw.valid && *in_.col_en;
    is_mac = valid && *in_.row_en;
    const uint32_t s = double_buffer_ ? active_ : y_reg_;
    a = mode_ == Mode::ws ? x : s;
    b = mode_ == Mode::ws ? s : x;
  }

  if (pipelined_) {
    MacUnit::Op in;
    in.valid = valid;
    in.mac = is_mac;
    in.first = first;
    in.a = a;
    in.b = b;
    in.tag = tag;
    const MacUnit::Op out = mac.issue(in);
    retire(out.valid, out.mac, out.first, out.a, out.b, out.tag);
  } else {
    if (valid && is_mac) mac.multiply(a, b);
    retire(valid, is_mac, first, a, b, tag);
  }

  if (traced_ && window_.contains(c)) {
    mac.valid.write(valid && is_mac);
    if (valid && is_mac) {  // the multiplier's inputs and output hold between valid MACs
      mac.a_code.write(a);
      mac.b_code.write(b);
      mac.product.write(bits_.product(a, b));
    }
    mac.acc_bits.write(acc_raw_);
  }
}

}  // namespace qmac::mac
