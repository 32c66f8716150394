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
//   mult_a/mult_b_ones: one bits of the operand codes of each valid MAC
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
#include <memory>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "models/mac/mac_bits.hpp"
#include "models/mac/wire_bundle.hpp"
#include "models/numerics/activity.hpp"

namespace qmac::mac {

// The signal type of every wire in the netlist: a primitive channel written
// on the public SystemC API alone (IEEE 1666-2011: sc_prim_channel with
// request_update()/update(), the sc_signal_inout_if<T> interface, events and
// sc_delta_count()), with sc_signal's semantics -- a write takes effect in the
// update phase, a changed value notifies value_changed_event() (and, for bool,
// posedge/negedge events) one delta later, event() is true in the delta after
// a change, sc_trace traces read()'s value -- and sc_signal's SC_UNCHECKED_WRITERS
// policy: each wire has exactly one writer by construction (a PE's output
// register, the controller, or a trace node), so no per-write check of the
// writing process. Ports bind to it as to an sc_signal
// (tests/mac/wire_test.cpp holds it to sc_signal side by side).
//
// The pe engine's feeders, control and trace nodes are Wires; the PEs'
// outputs, which change every cycle, are one WireBundle per PE row
// (wire_bundle.hpp, one group per PE) with the same semantics per signal. What makes a Wire cheap: a write
// compares with the pending value and requests an update only on a change;
// update() is inline here and touches events only when someone asked for one;
// drive()/held() below call write/read without the virtual dispatch of a port.
// An earlier version derived from sc_signal and wrote its implementation
// members (m_new_val, m_change_stamp) from update(); that bound qmac to one
// SystemC release. This class reads and writes only its own.
template <class T>
class WireBase : public sc_core::sc_prim_channel, public sc_core::sc_signal_inout_if<T> {
 public:
  WireBase() : sc_core::sc_prim_channel(sc_core::sc_gen_unique_name("wire")) {}
  explicit WireBase(const char* name) : sc_core::sc_prim_channel(name) {}
  WireBase(const char* name, const T& init) : sc_core::sc_prim_channel(name), cur_(init), next_(init) {}
  WireBase(const WireBase&) = delete;
  WireBase& operator=(const WireBase&) = delete;
  const char* kind() const override { return "qmac::mac::Wire"; }

  // sc_signal_in_if<T>
  const T& read() const override { return cur_; }
  const T& get_data_ref() const override { return cur_; }
  const sc_core::sc_event& value_changed_event() const override { return lazy(events_.changed); }
  const sc_core::sc_event& default_event() const override { return value_changed_event(); }
  bool event() const override { return changed_ && stamp_ + 1 == sc_core::sc_delta_count(); }

  // sc_signal_write_if<T>
  void write(const T& v) override { set(v); }
  sc_core::sc_writer_policy get_writer_policy() const override { return sc_core::SC_UNCHECKED_WRITERS; }

  // write() and read() without the virtual call.
  void set(const T& v) {
    if (!(v == next_)) {
      next_ = v;
      this->request_update();
    }
  }
  const T& get() const { return cur_; }

 protected:
  void update() override {
    if (next_ == cur_) return;
    cur_ = next_;
    changed_ = true;
    stamp_ = sc_core::sc_delta_count();
    if (events_.any) notify_events();
  }
  struct Events {
    bool any = false;
    std::unique_ptr<sc_core::sc_event> changed, pos, neg;
  };
  const sc_core::sc_event& lazy(std::unique_ptr<sc_core::sc_event>& e) const {
    if (!e) {
      e = std::make_unique<sc_core::sc_event>();
      events_.any = true;
    }
    return *e;
  }
  mutable Events events_;

 private:
  void notify_events() {
    if (events_.changed) events_.changed->notify(sc_core::SC_ZERO_TIME);
    if constexpr (std::is_same_v<T, bool>) {
      if (cur_ && events_.pos) events_.pos->notify(sc_core::SC_ZERO_TIME);
      if (!cur_ && events_.neg) events_.neg->notify(sc_core::SC_ZERO_TIME);
    }
  }
  T cur_{}, next_{};
  bool changed_ = false;                 // stamp_ is valid
  sc_dt::uint64 stamp_ = 0;              // sc_delta_count() in the update phase of the last change
};

template <class T>
class Wire : public WireBase<T> {
 public:
  using WireBase<T>::WireBase;
};

// A bool wire is also an sc_signal_in_if<bool>: edge events and queries.
template <>
class Wire<bool> : public WireBase<bool> {
 public:
  using WireBase<bool>::WireBase;
  const sc_core::sc_event& posedge_event() const override { return lazy(events_.pos); }
  const sc_core::sc_event& negedge_event() const override { return lazy(events_.neg); }
  bool posedge() const override { return event() && get(); }
  bool negedge() const override { return event() && !get(); }
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
// Traces code, valid and tag as NAME.code, NAME.valid, NAME.tag (w must outlive the trace file).
void sc_trace(sc_core::sc_trace_file* tf, const OperandWord& w, const std::string& name);

// A PE's output registers, the signals it changes every cycle: x forward, y
// forward, partial sum. One group of a bundle (see WireBundle; the pe engine
// puts a row of PEs in one bundle: one update() per row per cycle).
using PeOutputs = WireBundle<OperandWord, OperandWord, PsumWord>;
enum PeOutput : size_t { kOutX = 0, kOutY = 1, kOutPsum = 2 };

// Records a node only inside the trace window (keeps the VCD small).
struct TraceWindow {
  uint64_t first = 0, last = 0;
  bool contains(uint64_t c) const { return c >= first && c <= last; }
};

// Writes a wire without the virtual call through the port: the Pe resolves
// its output ports to the bound Wire once (Pe::end_of_elaboration). Same
// semantics as port.write(v).
template <class T>
inline void drive(Wire<T>& w, const T& v) {
  w.set(v);
}
// The current value of a wire, without the virtual call (same as w.read()).
template <class T>
inline const T& held(const Wire<T>& w) {
  return w.get();
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
  uint64_t macs = 0, mult_a = 0, mult_b = 0, ones_a = 0, ones_b = 0, product = 0, acc = 0, fwd = 0, psum_reg = 0,
           nonfinite = 0;  // MACs meeting an inf/NaN accumulator
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

  // `traced`: the unit gets the trace nodes below (only traced PEs do: five
  // channels per PE otherwise cost elaboration time and, at teardown,
  // sc_prim_channel_registry::remove's linear search each).
  MacUnit(sc_core::sc_module_name name, int stages, bool traced);
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
  // Trace nodes (written only inside the trace window).
  struct TraceNodes {
    Wire<uint32_t> a_code{"a_code"}, b_code{"b_code"};
    Wire<uint64_t> product{"product"}, acc_bits{"acc_bits"};
    Wire<bool> valid{"valid"};
  };
  std::unique_ptr<TraceNodes> trace;  // traced units only
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
    // true: the PE has its own clock process (an SC_METHOD on clk's rising
    // edge). false: it has none and whoever owns it calls tick() once per
    // rising edge -- the pe engine runs all PEs from one process (see
    // PeArray). Same results either way: a cycle reads only the current
    // values of channels and writes only through them (update semantics), so
    // the PEs of one edge may run in any order, in one process or in many.
    bool own_process = true;
  };

 private:
  // Per-cycle state first, packed in use order from a line boundary (about
  // 230 bytes, four cache lines with g++ 12 on x86-64; the groups do not each
  // fill a line): the 256+ PEs' state is far larger than L1, so each line a PE
  // touches per cycle is a likely miss (hence prefetch_next). In order: edge
  // count, the prefetch addresses and inputs;
  // outputs, flags, the multiplier's held nodes; the accumulator's raw bits
  // and the counters. The MAC statistics follow, written only when a
  // MAC overflows (see accumulate). The
  // PE keeps no copy of what its output wires hold: the x register's
  // code and the partial-sum / accumulator register are the current values
  // of x_out and psum_out (each written only by this PE, on every
  // change, and updated before the next edge).
  alignas(64) uint64_t edge_ = 0;
  uint64_t cycles_;  // Config::cycles
  // Where the PE that runs after this one in each cycle keeps what it reads
  // first (see prefetch_next), fetched into the cache while this one works:
  // kAheadState lines of its hot state, kAheadProcess of its process object.
  // Two base addresses rather than a list of lines: one load each per cycle.
  static constexpr int kAheadState = 4, kAheadProcess = 6;
  const char* ahead_state_ = reinterpret_cast<const char*>(this);
  const char* ahead_process_ = reinterpret_cast<const char*>(this);
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
  PeOutputs::Group out_;  // the bundle group x_out, y_out and psum_out are bound to
  const MacBits* bits_;
  uint32_t y_reg_ = 0;   // the y register: OS forwarding, WS/IS the stationary shift chain (the shadow when double-buffered)
  uint32_t active_ = 0;  // double-buffered WS/IS: the stationary operand the multiplier uses
  // The arithmetic path of the MAC's accumulate stage (see accumulate).
  enum class Arith : uint8_t { generic, int64, fp32 };
  using Step = void (Pe::*)(uint64_t);
  Step step_;  // step_for(mode, double buffer, P > 1, arithmetic): the cycle<> on_clock runs
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
  const Pe* next_ = nullptr;
  const void* process_ = nullptr;  // this PE's process object (its sc_object), a prefetch address

 public:
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_in<OperandWord> x_in{"x_in"}, y_in{"y_in"};
  sc_core::sc_in<PsumWord> psum_in{"psum_in"};
  sc_core::sc_in<bool> load{"load"}, swap{"swap"}, row_en{"row_en"}, col_en{"col_en"};
  // Bind the outputs to the views kOutX, kOutY, kOutPsum of one group of a
  // PeOutputs bundle (end_of_elaboration checks).
  sc_core::sc_out<OperandWord> x_out{"x_out"}, y_out{"y_out"};
  sc_core::sc_out<PsumWord> psum_out{"psum_out"};

  Pe(sc_core::sc_module_name name, const num::Mac& mac, const MacBits& bits, int stages, const Config& config);

  // A cache hint, no semantics: `next` is the PE whose process the kernel
  // usually runs right after this one's (the next one sensitive to the same
  // clock edge, or that PeArray's one process runs next). Each cycle prefetches
  // the lines `next` touches first -- its hot state and, if it has its own
  // process, that process object, which the kernel's scheduler reads -- so
  // they arrive while this PE works; with hundreds of PEs they no
  // longer fit in L1 between two clock edges, and otherwise every PE-cycle
  // starts with a string of L2 misses. (Prefetching its wires as well made
  // no measurable difference.) Call before the end of elaboration.
  void prefetch_next(const Pe* next) { next_ = next; }
  // One rising clock edge (Config::own_process = false; the PE's own process
  // runs exactly this otherwise, after prefetching the next PE's process).
  void tick();

  MacUnit mac;

 private:
  void end_of_elaboration() override;
  void on_clock();
  template <Arith A>
  uint64_t multiply(uint32_t a, uint32_t b, int64_t pi);
  template <Arith A>
  void accumulate(num::AccValue& acc, bool first, uint32_t a, uint32_t b, int64_t pi);
  template <Arith A>
  void retire(bool os, bool valid, bool is_mac, bool first, uint32_t a, uint32_t b, int32_t tag, int64_t pi);
  template <Mode M, bool DoubleBuffer, bool Pipelined, Arith A>
  void cycle(uint64_t c);
  template <Mode M, bool DoubleBuffer, bool Pipelined>
  static Step step_for(Arith a);
  static Step step_for(Mode m, bool double_buffer, bool pipelined, Arith a);
};

}  // namespace qmac::mac
