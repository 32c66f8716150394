#include <cmath>
#include <stdexcept>
#include <string>

#include "models/mac/mac_unit.hpp"

namespace qmac::mac {

Pe::Pe(sc_core::sc_module_name name, const num::Mac&, const MacBits& bits, int stages, const Config& config)
    : sc_core::sc_module(name),
      cycles_(config.cycles),
      bits_(&bits),
      step_(step_for(config.mode, config.double_buffer, stages > 1,
                     bits.int64_products()                         ? Arith::int64
                     : bits.arith().native_fp32() && bits.fp32()   ? Arith::fp32
                                                                   : Arith::generic)),
      traced_(config.traced),
      window_(config.window),
      mac("mac", stages, config.traced) {
  acc_raw_ = bits_->acc(num::AccValue{});
  if (!config.own_process) return;
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  // IEEE 1666-2011 5.6.1: during elaboration, the process just created.
  process_ = sc_core::sc_get_current_process_handle().get_process_object();
}

namespace {
// The bundle group whose view I `port` is bound to.
template <size_t I>
PeOutputs::Group group_of(sc_core::sc_out<PeOutputs::type<I>>& port, const sc_core::sc_module& pe) {
  auto* v = dynamic_cast<BundleView<PeOutputs::type<I>>*>(port.get_interface());
  auto* b = v ? dynamic_cast<PeOutputs*>(&v->owner()) : nullptr;
  const size_t g = b ? b->template group_of<I>(*v) : 0;
  if (!b || g == b->groups())
    throw std::logic_error(std::string(pe.name()) + "." + port.basename() + " must be bound to view " +
                           std::to_string(I) + " of a qmac::mac::PeOutputs");
  return b->group(g);
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
  out_ = group_of<kOutX>(x_out, *this);
  if (group_of<kOutY>(y_out, *this) != out_ || group_of<kOutPsum>(psum_out, *this) != out_)
    throw std::logic_error(std::string(name()) + ": x_out, y_out and psum_out must be bound to one group of a PeOutputs");
  if (next_) {
    ahead_state_ = reinterpret_cast<const char*>(&next_->edge_);
    // The kernel's scheduler reads and writes its first ~400 bytes (libsystemc 2.3.4).
    if (next_->process_) ahead_process_ = static_cast<const char*>(next_->process_);
  }
}

void Pe::flush() {
  activity.macs += cnt_.macs;
  activity.mult_a_toggles += cnt_.mult_a;
  activity.mult_b_toggles += cnt_.mult_b;
  activity.mult_a_ones += cnt_.ones_a;
  activity.mult_b_ones += cnt_.ones_b;
  activity.product_toggles += cnt_.product;
  activity.acc_toggles += cnt_.acc;
  activity.acc_nonfinite_macs += cnt_.nonfinite;
  activity.fwd_reg_toggles += cnt_.fwd;
  activity.psum_reg_toggles += cnt_.psum_reg;
  cnt_ = HotCounters{};
}

// The multiplier of a valid MAC: its product bits and the toggles of its
// operand and product nodes (which hold their values between valid MACs).
// `pi`: Arith::int64, the product from MacBits::int64_product (the same bits).
template <Pe::Arith A>
__attribute__((always_inline)) inline uint64_t Pe::multiply(uint32_t a, uint32_t b, int64_t pi) {
  uint64_t p;
  if constexpr (A == Arith::int64)
    p = static_cast<uint64_t>(pi) & bits_->product_mask();
  else
    p = bits_->product(a, b);
  cnt_.mult_a += uint64_t(__builtin_popcount(a ^ ms_.last_a));
  cnt_.mult_b += uint64_t(__builtin_popcount(b ^ ms_.last_b));
  cnt_.ones_a += uint64_t(__builtin_popcount(a));
  cnt_.ones_b += uint64_t(__builtin_popcount(b));
  cnt_.product += uint64_t(popcount64(p ^ ms_.last_p));
  ms_.last_a = a;
  ms_.last_b = b;
  ms_.last_p = p;
  return p;
}

// The accumulate stage of a valid MAC: acc = acc (+) a*b (OS: from zero on the
// first k of a fold), by num::Mac -- for Arith::int64 and Arith::fp32 by the
// inline paths num::Mac::mac takes for such a MAC, without its dispatch:
// int64: num::Mac::int64_path's contract (the register's value is always in
// [min, max]: every value it holds came out of mac() or is zero); fp32:
// native_fp32()'s float addition, with the overflow count Mac::mac keeps.
// `pi`: Arith::int64, MacBits::int64_product(a, b).
template <Pe::Arith A>
__attribute__((always_inline)) inline void Pe::accumulate(num::AccValue& acc, bool first, uint32_t a, uint32_t b,
                                                         int64_t pi) {
  if (first) acc = num::AccValue{};
  const num::Mac& arith = bits_->arith();
  // An integer or fixed register leaves f at zero: only a float one counts.
  if constexpr (A != Arith::int64) cnt_.nonfinite += uint64_t(!std::isfinite(acc.f));
  if constexpr (A == Arith::int64) {
    const int64_t s = static_cast<int64_t>(acc.i) + pi;
    if (s >= bits_->int64_min() && s <= bits_->int64_max()) {
      acc.i = s;
      ++cnt_.macs;
      return;
    }
  } else if constexpr (A == Arith::fp32) {
    const float sf = float(acc.f);
    const float next = sf + float(arith.decoded_product(a, b));
    if (std::isinf(next) && std::isfinite(sf)) ++stats.overflows;
    acc.f = double(next);
    ++cnt_.macs;
    return;
  }
  // Into a local first: FP MACs add their overflow flag (mostly 0) on every
  // call, and stats is on a line the PE otherwise never touches.
  num::MacStats st;
  arith.mac(acc, a, b, st);
  if (st.overflows | st.invalid) {
    stats.overflows += st.overflows;
    stats.invalid += st.invalid;
  }
  ++cnt_.macs;
}

// The accumulate stage and the partial-sum register for the op reaching it.
// The register's word is psum_out's current value (see the member comment).
template <Pe::Arith A>
__attribute__((always_inline)) inline void Pe::retire(bool os, bool valid, bool is_mac, bool first, uint32_t a, uint32_t b,
                                                     int32_t tag, int64_t pi) {
  const PsumWord& reg = out_.get<kOutPsum>();
  if (!valid && !reg.valid) return;  // an idle register keeps its word: no write
  auto word = [&](PsumWord& w) {
    // WS/IS: a valid op adds to the word from above (row 0's input is a constant zero word).
    PsumWord::copy_acc(w.v, valid && !os ? in_.psum->v : reg.v);
    if (valid) {
      if (is_mac) accumulate<A>(w.v, first, a, b, pi);
      uint64_t raw;
      if constexpr (A == Arith::int64)
        raw = bits_->acc_int(w.v);
      else if constexpr (A == Arith::fp32)
        raw = bits_->acc_fp32(w.v);
      else
        raw = bits_->acc(w.v);
      const uint64_t d = uint64_t(popcount64(raw ^ acc_raw_));
      if (is_mac)
        cnt_.acc += d;
      else
        cnt_.psum_reg += d;
      acc_raw_ = raw;
    }
    w.valid = valid;
    w.tag = tag;
  };
  // A new tag (the usual case along a stream) makes a different word: built
  // in the bundle's pending value in place, without a copy and a compare.
  if (tag != out_.pending<kOutPsum>().tag) {
    out_.set_changed<kOutPsum>(word);
  } else {
    PsumWord w;
    word(w);
    out_.set<kOutPsum>(w);
  }
}

template <Pe::Mode M, bool DoubleBuffer, bool Pipelined, Pe::Arith A>
__attribute__((flatten)) void Pe::cycle(uint64_t c) {  // flatten: num::Mac::mac & co. inline
  const OperandWord& xw = *in_.x;  // current value of the left neighbour's register
  const uint32_t x = xw.code;
  const int32_t tag = xw.tag;
  cnt_.fwd += uint64_t(__builtin_popcount(x ^ out_.get<kOutX>().code));  // x register: old -> new code
  out_.set<kOutX>(xw);

  // The op entering the multiplier, as scalars (see MacUnit::pipelined).
  bool valid, is_mac, first = false;
  uint32_t a, b;
  const OperandWord& yw = *in_.y;
  const uint32_t y = yw.code;
  if constexpr (M == Mode::os) {
    cnt_.fwd += uint64_t(__builtin_popcount(y ^ y_reg_));
    y_reg_ = y;
    out_.set<kOutY>(yw);
    valid = is_mac = xw.valid && yw.valid;
    first = valid && tag == 0;
    a = x;
    b = y;
  } else {
    if (DoubleBuffer && *in_.swap) {  // the shadow (as of the last cycle) becomes the active operand
      cnt_.fwd += uint64_t(__builtin_popcount(y_reg_ ^ active_));
      active_ = y_reg_;
    }
    if (*in_.load) {  // stationary register shifts down during preload
      cnt_.fwd += uint64_t(__builtin_popcount(y ^ y_reg_));
      y_reg_ = y;
      out_.set<kOutY>(yw);
    }
    const uint32_t s = DoubleBuffer ? active_ : y_reg_;
    valid = xw.valid && *in_.col_en;
    is_mac = valid && *in_.row_en;
    a = M == Mode::ws ? x : s;
    b = M == Mode::ws ? s : x;
  }

  if constexpr (Pipelined) {
    MacUnit::Op in;
    in.valid = valid;
    in.mac = is_mac;
    in.first = first;
    in.a = a;
    in.b = b;
    in.tag = tag;
    if (valid && is_mac) in.p = multiply<A>(a, b, A == Arith::int64 ? bits_->int64_product(a, b) : 0);
    const MacUnit::Op out = mac.issue(in, cnt_);
    const bool out_mac = out.valid && out.mac;
    retire<A>(M == Mode::os, out.valid, out.mac, out.first, out.a, out.b, out.tag,
              A == Arith::int64 && out_mac ? bits_->int64_product(out.a, out.b) : 0);
  } else {
    // Arith::int64: one look-up for the product node and the sum.
    const int64_t pi = A == Arith::int64 && valid && is_mac ? bits_->int64_product(a, b) : 0;
    if (valid && is_mac) multiply<A>(a, b, pi);
    retire<A>(M == Mode::os, valid, is_mac, first, a, b, tag, pi);
  }

  if (traced_ && window_.contains(c)) {
    MacUnit::TraceNodes& t = *mac.trace;
    t.valid.write(valid && is_mac);
    if (valid && is_mac) {  // the multiplier's inputs and output hold between valid MACs
      t.a_code.write(a);
      t.b_code.write(b);
      t.product.write(bits_->product(a, b));
    }
    t.acc_bits.write(acc_raw_);
  }
}

// The cycle compiled for one dataflow, double buffering, pipelining and arithmetic path.
template <Pe::Mode M, bool DoubleBuffer, bool Pipelined>
Pe::Step Pe::step_for(Arith a) {
  switch (a) {
    case Arith::int64: return &Pe::cycle<M, DoubleBuffer, Pipelined, Arith::int64>;
    case Arith::fp32: return &Pe::cycle<M, DoubleBuffer, Pipelined, Arith::fp32>;
    case Arith::generic: break;
  }
  return &Pe::cycle<M, DoubleBuffer, Pipelined, Arith::generic>;
}

Pe::Step Pe::step_for(Mode m, bool double_buffer, bool pipelined, Arith a) {
  const int v = (double_buffer ? 2 : 0) + (pipelined ? 1 : 0);
  switch (m) {
    case Mode::os: {
      constexpr Step (*f[])(Arith) = {step_for<Mode::os, false, false>, step_for<Mode::os, false, true>,
                                      step_for<Mode::os, true, false>, step_for<Mode::os, true, true>};
      return f[v](a);
    }
    case Mode::ws: {
      constexpr Step (*f[])(Arith) = {step_for<Mode::ws, false, false>, step_for<Mode::ws, false, true>,
                                      step_for<Mode::ws, true, false>, step_for<Mode::ws, true, true>};
      return f[v](a);
    }
    case Mode::is: {
      constexpr Step (*f[])(Arith) = {step_for<Mode::is, false, false>, step_for<Mode::is, false, true>,
                                      step_for<Mode::is, true, false>, step_for<Mode::is, true, true>};
      return f[v](a);
    }
  }
  throw std::logic_error("mac::Pe: no such dataflow");
}

// Edge e latches the results of cycle c = e - 1 (inputs read now are the
// values the neighbours' registers held during cycle c). The cycle itself is
// compiled once per dataflow, double buffering, pipelining and arithmetic
// path (step_), so the per-cycle path tests none of them.
void Pe::on_clock() {
  for (int line = 0; line < kAheadProcess; ++line) __builtin_prefetch(ahead_process_ + 64 * line);
  tick();
}

void Pe::tick() {
  for (int line = 0; line < kAheadState; ++line) __builtin_prefetch(ahead_state_ + 64 * line);
  const uint64_t e = edge_++;
  if (e == 0 || e > cycles_) return;
  (this->*step_)(e - 1);
}

}  // namespace qmac::mac
