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
//   row_en/col_en/load/swap: per-fold control from the controller (swap:
//       double-buffered WS/IS, the shadow stationary register -- the shift
//       chain -- is copied into the active one the multiplier reads)
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
//       stationary register (during preload; double-buffered: the shadow chain
//       and the active register on swap) and the P - 1 product pipeline
//       registers (on valid MACs)
//   macs: valid multiply-accumulates
#pragma once

#include <systemc>
#include <cstring>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "models/mac/mac_bits.hpp"
#include "models/numerics/activity.hpp"

namespace qmac::mac {

// The signal type of every wire in the netlist. Each wire has exactly one
// writer by construction (a PE's output register, the controller, or a trace
// node), so SystemC's default SC_ONE_WRITER check, which looks up the current
// process on every write, buys nothing and costs a visible part of the pe
// engine's time; SC_UNCHECKED_WRITERS skips it. Ports bind to either policy.
//
// Two more things make the kernel's per-update work cheaper without changing
// what a wire is (an sc_signal: same read/write/update semantics, events,
// tracing):
// - Wires created with new (the netlist's sc_vectors) come from a bump arena,
//   consecutive in creation order. Heap allocation interleaves them with
//   their names and the kernel's bookkeeping; the kernel walks each delta's
//   update list and the PEs their neighbours' wires in netlist order, and
//   packed objects let those walks stream through the cache. (One array per
//   sc_vector measured faster than each PE's wires side by side.)
// - update() (word types, not bool, whose sc_signal specialisation has edge
//   events) does sc_signal_t::update inline: compare, and only when the value
//   changed the change stamp, the value-changed event if one exists (nothing
//   in the netlist creates one, but a sensitive process or event() query
//   still sees it), and the copy. The library's version is an out-of-line
//   call per update.
namespace detail {
void* wire_alloc(std::size_t n);
void wire_free(void* p) noexcept;
}  // namespace detail

template <class T>
class Wire : public sc_core::sc_signal<T, sc_core::SC_UNCHECKED_WRITERS> {
  using Base = sc_core::sc_signal<T, sc_core::SC_UNCHECKED_WRITERS>;

 public:
  Wire() : Base() {}
  explicit Wire(const char* name) : Base(name) {}
  Wire(const char* name, const T& init) : Base(name, init) {}
  static void* operator new(std::size_t n) { return detail::wire_alloc(n); }
  static void operator delete(void* p) noexcept { detail::wire_free(p); }

 protected:
  void update() override {
    if constexpr (std::is_same_v<T, bool>) {
      Base::update();
    } else if (!(this->m_new_val == this->m_cur_val)) {
      if (this->m_change_event_p)
        sc_core::sc_signal_channel::do_update();  // stamp + notify
      else
        this->m_change_stamp = this->simcontext()->change_stamp();
      this->m_cur_val = this->m_new_val;
    }
  }
};

// A partial-sum / accumulator word on a wire between PEs.
struct PsumWord {
  num::AccValue v;
  bool valid = false;
  int32_t tag = 0;

  PsumWord() = default;
  PsumWord(const PsumWord& o) { *this = o; }
  // Copies field by field, the 128-bit integer as two 64-bit halves. Why: the
  // accumulator register is written by num::Mac::mac with 8-byte stores (the
  // integer's halves, the double), and sc_signal::write copies the word into
  // the channel right after. The implicit copy moves 16-byte chunks, and a
  // 16-byte load of data still in the store buffer as 8-byte stores cannot be
  // forwarded on x86: a ~15-cycle stall, several per PE-cycle; together they
  // were about half of Pe::on_clock's profile samples. The empty asm keeps
  // GCC from merging the halves back into one SSE move.
  PsumWord& operator=(const PsumWord& o) {
    copy_acc(v, o.v);
    valid = o.valid;
    tag = o.tag;
    return *this;
  }
  static void copy_acc(num::AccValue& d, const num::AccValue& s) {
    uint64_t h[2];
    std::memcpy(h, &s.i, sizeof h);
#if defined(__GNUC__)
    asm("" : "+r"(h[0]), "+r"(h[1]));
#endif
    std::memcpy(&d.i, h, sizeof h);
    d.f = s.f;
  }
  // sc_signal compares on every write and update. The tag (stream row) changes
  // every cycle a word is valid, so it goes first and usually decides. `valid`
  // goes last, not next to `tag`: GCC merges adjacent-field tests into one
  // 8-byte load, which stalls on the separate 1- and 4-byte stores the PE just
  // made to those fields (see operator=).
  bool operator==(const PsumWord& o) const { return tag == o.tag && v == o.v && valid == o.valid; }
};
std::ostream& operator<<(std::ostream& os, const PsumWord& w);
void sc_trace(sc_core::sc_trace_file* tf, const PsumWord& w, const std::string& name);

// An operand code on a forwarding wire with its valid bit (and, for the x
// stream, the tag described at Pe).
struct OperandWord {
  uint32_t code = 0;
  bool valid = false;
  int32_t tag = 0;
  // Tag first: it changes every cycle along a valid x stream (see PsumWord).
  bool operator==(const OperandWord& o) const { return tag == o.tag && code == o.code && valid == o.valid; }
};
std::ostream& operator<<(std::ostream& os, const OperandWord& w);
void sc_trace(sc_core::sc_trace_file* tf, const OperandWord& w, const std::string& name);

// Records a node only inside the trace window (keeps the VCD small).
struct TraceWindow {
  uint64_t first = 0, last = 0;
  bool contains(uint64_t c) const { return c >= first && c <= last; }
};

// Writes a wire without the virtual call through the port: the Pe resolves
// its output ports to the bound Wire once (Pe::end_of_elaboration), and the
// qualified call lets the compiler inline sc_signal's compare/copy/request.
// Same semantics as port.write(v).
template <class T>
inline void drive(Wire<T>& w, const T& v) {
  using Channel = sc_core::sc_signal_t<T, sc_core::SC_UNCHECKED_WRITERS>;
  static_cast<Channel&>(w).Channel::write(v);
}
// The current value of a wire, without the virtual call (same as w.read()).
template <class T>
inline const T& held(const Wire<T>& w) {
  using Channel = sc_core::sc_signal_t<T, sc_core::SC_UNCHECKED_WRITERS>;
  return static_cast<const Channel&>(w).Channel::read();
}

// The per-cycle state of a MAC's multiplier and accumulate stage, kept in the
// PE's hot cache lines (see Pe): the multiplier's held operand and product
// nodes and the activity counters a PE bumps every cycle, added into
// Pe::activity when the run ends (Pe::flush).
struct MacState {
  uint32_t last_a = 0, last_b = 0;
  uint64_t last_p = 0;
};
struct HotCounters {
  uint64_t macs = 0, mult_a = 0, mult_b = 0, product = 0, acc = 0, fwd = 0, psum_reg = 0;
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

  MacUnit(sc_core::sc_module_name name, int stages);
  // P > 1: the MAC has pipeline registers between multiplier and accumulate
  // stage, and ops go through issue(). P = 1 (the common case, kept free of
  // the Op copies): the op reaches the accumulate stage in the cycle it enters
  // the multiplier.
  bool pipelined() const { return !stages_.empty(); }
  // Cycle step (P > 1): `in` (its product already computed by the PE for a
  // valid MAC) enters the pipeline; returns the op reaching the accumulate
  // stage this cycle (P - 1 cycles later). Product register toggles go to `c`.
  Op issue(const Op& in, HotCounters& c);

 private:
  std::vector<Op> stages_;  // P - 1 pipeline registers
  std::vector<uint64_t> held_p_;

 public:
  // Trace nodes (written only for traced PEs inside the window).
  Wire<uint32_t> a_code{"a_code"}, b_code{"b_code"};
  Wire<uint64_t> product{"product"}, acc_bits{"acc_bits"};
  Wire<bool> valid{"valid"};
};

SC_MODULE(Pe) {
  SC_HAS_PROCESS(Pe);
  enum class Mode : uint8_t { os, ws, is };
  struct Config {
    Mode mode = Mode::ws;
    uint64_t cycles = 0;  // clocked cycles of the run (cycle c is processed at edge c + 1)
    bool double_buffer = false;  // WS/IS: a shadow stationary register, copied into the active one on `swap`
    bool traced = false;
    TraceWindow window;
  };

 private:
  // Per-cycle state first, packed in use order from a line boundary (about
  // 200 bytes, four cache lines with g++ 12 on x86-64; the groups do not each
  // fill a line): the 256+ PEs' state is far larger than L1, so each line a PE
  // touches per cycle is a likely miss. In order: edge count and inputs;
  // outputs, flags, the multiplier's held nodes; the accumulator's raw bits
  // and the counters. The MAC statistics follow, written only when a
  // MAC overflows (see accumulate). The
  // PE keeps no copy of what its output wires hold: the x register's
  // code and the partial-sum / accumulator register are the current values
  // of x_out and psum_out (each written only by this PE, on every
  // change, and updated before the next edge).
  alignas(64) uint64_t edge_ = 0;
  uint64_t cycles_;  // Config::cycles
  // The bound channels, resolved once after binding (end_of_elaboration). A
  // port access is a virtual call to the channel, ~10 instructions and a cache
  // line per port per cycle; these read the same current values (sc_signal's
  // read() returns a reference to its current-value member, updated in place
  // in each update phase) and write through drive().
  struct Inputs {
    const OperandWord *x = nullptr, *y = nullptr;
    const PsumWord* psum = nullptr;
    const bool *load = nullptr, *swap = nullptr, *row_en = nullptr, *col_en = nullptr;
  } in_;
  struct Outputs {
    Wire<OperandWord> *x = nullptr, *y = nullptr;
    Wire<PsumWord>* psum = nullptr;
  } out_;
  const MacBits* bits_;
  uint32_t y_reg_ = 0;   // the y register: OS forwarding, WS/IS the stationary shift chain (the shadow when double-buffered)
  uint32_t active_ = 0;  // double-buffered WS/IS: the stationary operand the multiplier uses
  Mode mode_;
  bool pipelined_;  // P > 1
  bool double_buffer_;
  bool traced_;
  MacState ms_;
  uint64_t acc_raw_ = 0;
  HotCounters cnt_;

 public:
  num::MacStats stats;
  // Valid after flush() (PeArray::collect, once the run ends).
  num::Activity activity;
  void flush();

 private:
  TraceWindow window_;

 public:
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_in<OperandWord> x_in{"x_in"}, y_in{"y_in"};
  sc_core::sc_in<PsumWord> psum_in{"psum_in"};
  sc_core::sc_in<bool> load{"load"}, swap{"swap"}, row_en{"row_en"}, col_en{"col_en"};
  // Bind the outputs to Wire<T> channels (end_of_elaboration checks).
  sc_core::sc_out<OperandWord> x_out{"x_out"}, y_out{"y_out"};
  sc_core::sc_out<PsumWord> psum_out{"psum_out"};

  Pe(sc_core::sc_module_name name, const num::Mac& mac, const MacBits& bits, int stages, const Config& config);

  MacUnit mac;

 private:
  void end_of_elaboration() override;
  void on_clock();
  uint64_t multiply(uint32_t a, uint32_t b);
  void accumulate(num::AccValue& acc, bool first, uint32_t a, uint32_t b);
  void retire(bool valid, bool is_mac, bool first, uint32_t a, uint32_t b, int32_t tag);
};

}  // namespace qmac::mac
