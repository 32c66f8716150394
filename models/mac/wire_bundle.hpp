// WireBundle: one primitive channel carrying several signals that change in
// the same cycles -- the output registers (x forward, y forward, partial sum)
// of a row of PEs, one group of signals per PE -- so the kernel runs one
// request_update()/update() per delta cycle for all of them instead of one per
// signal. Public SystemC API only (IEEE 1666-2011: sc_prim_channel,
// request_update()/update(), the sc_signal_inout_if<T> interface, events,
// sc_delta_count()).
//
// Each signal is a view, `view<I>(g)` (group g's signal I): an
// sc_signal_inout_if<T> that ports bind to as to an sc_signal, with
// sc_signal's semantics view by view, as Wire (see mac::Wire): a write takes
// effect in the update phase; a changed value notifies that view's
// value_changed_event() (bool: posedge/negedge events) one delta later;
// event() is true in the delta after a change of that view; sc_trace of a view
// traces its read() value; a write of the current value (or a change and its
// undo in one delta) changes nothing and notifies nothing. Writer policy
// SC_UNCHECKED_WRITERS: one writer per signal by construction (the groups may
// have different writers). tests/mac/wire_test.cpp holds each view to an
// sc_signal side by side.
//
// Why (the pe engine): per PE-cycle the kernel's update phase walked two or
// three channels (perform_update + a virtual update() each, every channel's
// object a few cache lines of its own). One bundle per PE made that one call
// (round 3); one bundle per row makes it one call per row, whose update()
// walks the row's slots in a loop over contiguous memory (~63 -> ~36
// instructions per PE-cycle, 16x16 WS INT8).
#pragma once

#include <systemc>
#include <cstddef>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace qmac::mac {

// A signal's state inside a bundle: what update() and the writer touch each
// cycle (the view objects ports bind to are elsewhere: their vtable pointers
// would split these).
template <class T>
struct BundleSlot {
  struct Events {
    std::unique_ptr<sc_core::sc_event> changed, pos, neg;
  };
  T cur{}, next{};
  // sc_delta_count() in the update phase of the last change; before the
  // first, a value whose successor no delta count reaches (as sc_signal's
  // m_change_stamp starts), so event() needs no "changed yet" flag.
  static constexpr sc_dt::uint64 kNever = ~sc_dt::uint64(1);
  sc_dt::uint64 stamp = kNever;
  // Changes written since the last update: 0, 1 (then next != cur, see set),
  // or 2 for more (next may be back at cur).
  uint8_t writes = 0;
  std::unique_ptr<Events> events;  // created when someone asks for an event
};

// The part of a bundle its views call (request_update is protected in IEEE 1666-2011).
class BundleChannel : public sc_core::sc_prim_channel {
 public:
  using sc_core::sc_prim_channel::sc_prim_channel;
  // Writes `v` into `s` (in the update phase it becomes the current value).
  template <class T>
  void set(BundleSlot<T>& s, const T& v) {
    if (v == s.next) return;  // written already, or unchanged
    s.next = v;
    written(s);
  }
  // After s.next changed: the update request (first write since the last
  // update: next was cur, which update() leaves equal, so this is a change).
  template <class T>
  void written(BundleSlot<T>& s) {
    if (s.writes == 0) {
      s.writes = 1;
      request_update();
    } else {
      s.writes = 2;
    }
  }

 protected:
  // `now`: sc_delta_count(), read once per update() (an out-of-line call here).
  template <class T>
  __attribute__((always_inline)) static void update_slot(BundleSlot<T>& s, sc_dt::uint64 now) {
    const uint8_t writes = s.writes;
    if (writes == 0) return;
    s.writes = 0;
    if (writes > 1 && s.next == s.cur) return;  // a change and its undo
    s.cur = s.next;
    s.stamp = now;
    if (s.events) notify(*s.events, s.cur);
  }

 private:
  template <class T>
  static void notify(typename BundleSlot<T>::Events& e, const T& cur) {
    if (e.changed) e.changed->notify(sc_core::SC_ZERO_TIME);
    if constexpr (std::is_same_v<T, bool>) {
      if (cur && e.pos) e.pos->notify(sc_core::SC_ZERO_TIME);
      if (!cur && e.neg) e.neg->notify(sc_core::SC_ZERO_TIME);
    }
  }
};

template <class T>
class BundleViewBase : public sc_core::sc_signal_inout_if<T> {
 public:
  BundleViewBase() = default;
  BundleViewBase(const BundleViewBase&) = delete;
  BundleViewBase& operator=(const BundleViewBase&) = delete;
  void attach(BundleChannel* owner, BundleSlot<T>* slot) {
    owner_ = owner;
    slot_ = slot;
  }
  BundleChannel& owner() const { return *owner_; }
  BundleSlot<T>& slot() const { return *slot_; }

  // sc_signal_in_if<T>
  const T& read() const override { return slot_->cur; }
  const T& get_data_ref() const override { return slot_->cur; }
  const sc_core::sc_event& value_changed_event() const override { return lazy(&Events::changed); }
  const sc_core::sc_event& default_event() const override { return value_changed_event(); }
  bool event() const override { return slot_->stamp + 1 == sc_core::sc_delta_count(); }

  // sc_signal_write_if<T>
  void write(const T& v) override { owner_->set(*slot_, v); }
  sc_core::sc_writer_policy get_writer_policy() const override { return sc_core::SC_UNCHECKED_WRITERS; }

 protected:
  using Events = typename BundleSlot<T>::Events;
  const sc_core::sc_event& lazy(std::unique_ptr<sc_core::sc_event> Events::*which) const {
    if (!slot_->events) slot_->events = std::make_unique<Events>();
    auto& e = (*slot_->events).*which;
    if (!e) e = std::make_unique<sc_core::sc_event>();
    return *e;
  }

 private:
  BundleChannel* owner_ = nullptr;
  BundleSlot<T>* slot_ = nullptr;
};

template <class T>
class BundleView : public BundleViewBase<T> {};

// A bool view is also an sc_signal_in_if<bool>: edge events and queries.
template <>
class BundleView<bool> : public BundleViewBase<bool> {
 public:
  const sc_core::sc_event& posedge_event() const override { return lazy(&Events::pos); }
  const sc_core::sc_event& negedge_event() const override { return lazy(&Events::neg); }
  bool posedge() const override { return event() && read(); }
  bool negedge() const override { return event() && !read(); }
};

// A WireBundle holds `groups` copies of its signals (a PE row's output
// registers: one group per PE) in one channel: the kernel's update phase calls
// one update() per bundle per delta, which walks the groups' slots in one loop
// over contiguous memory (a group nobody wrote costs a byte compare per slot).
// Each group is written through its own handle, group(g); view<I>(g) is group
// g's signal I. Several writers (one per group) share the channel; each slot
// still has one writer.
template <class... T>
class WireBundle : public BundleChannel {
 public:
  template <size_t I>
  using type = std::tuple_element_t<I, std::tuple<T...>>;
  using Slots = std::tuple<BundleSlot<T>...>;

  // Group g's signals without the virtual calls of their views (two pointers;
  // the writer keeps one).
  class Group {
   public:
    Group() = default;
    Group(WireBundle* owner, Slots* slots) : owner_(owner), slots_(slots) {}
    // Write (same as view<I>(g).write(v)) and current value (same as view<I>(g).read()).
    template <size_t I>
    void set(const type<I>& v) const {
      owner_->BundleChannel::set(std::get<I>(*slots_), v);
    }
    template <size_t I>
    const type<I>& get() const {
      return std::get<I>(*slots_).cur;
    }
    // The value written to signal I since the last update (its current value if none).
    template <size_t I>
    const type<I>& pending() const {
      return std::get<I>(*slots_).next;
    }
    // set<I>(v) for a v the caller knows differs from pending<I>(): `fill`
    // writes v into the pending value in place (no copy, no compare).
    template <size_t I, class Fill>
    void set_changed(Fill&& fill) const {
      auto& s = std::get<I>(*slots_);
      fill(s.next);
      owner_->written(s);
    }
    WireBundle* bundle() const { return owner_; }
    bool operator==(const Group& o) const { return owner_ == o.owner_ && slots_ == o.slots_; }
    bool operator!=(const Group& o) const { return !(*this == o); }

   private:
    WireBundle* owner_ = nullptr;
    Slots* slots_ = nullptr;
  };

  WireBundle() : WireBundle(sc_core::sc_gen_unique_name("wire_bundle")) {}
  explicit WireBundle(const char* name, size_t groups = 1)
      : BundleChannel(name), n_(groups), slots_(new Slots[groups]), views_(new Views[groups]) {
    for (size_t g = 0; g < n_; ++g) attach(g, std::index_sequence_for<T...>{});
  }
  WireBundle(const WireBundle&) = delete;
  WireBundle& operator=(const WireBundle&) = delete;
  const char* kind() const override { return "qmac::mac::WireBundle"; }

  size_t groups() const { return n_; }
  template <size_t I>
  BundleView<type<I>>& view(size_t g = 0) {
    return std::get<I>(views_[g]);
  }
  template <size_t I>
  const BundleView<type<I>>& view(size_t g = 0) const {
    return std::get<I>(views_[g]);
  }
  Group group(size_t g) { return Group(this, &slots_[g]); }
  // The group whose signal I `v` is (groups() if v is not one of this bundle's views).
  template <size_t I>
  size_t group_of(const BundleView<type<I>>& v) const {
    for (size_t g = 0; g < n_; ++g)
      if (&std::get<I>(views_[g]) == &v) return g;
    return n_;
  }

 protected:
  // flatten: sc_delta_count() and the slots' updates inline (GCC keeps
  // sc_get_curr_simcontext() out of line otherwise). request_update() is
  // idempotent within a delta (sc_prim_channel keeps the channel on the update
  // list once), so the first write of any group in a delta enqueues the bundle.
  __attribute__((flatten)) void update() override {
    const sc_dt::uint64 now = sc_core::sc_delta_count();
    Slots* const end = slots_.get() + n_;
    for (Slots* g = slots_.get(); g != end; ++g) std::apply([now](auto&... s) { (update_slot(s, now), ...); }, *g);
  }

 private:
  using Views = std::tuple<BundleView<T>...>;
  template <size_t... I>
  void attach(size_t g, std::index_sequence<I...>) {
    (std::get<I>(views_[g]).attach(this, &std::get<I>(slots_[g])), ...);
  }
  size_t n_;
  std::unique_ptr<Slots[]> slots_;  // contiguous: update() walks them in order
  std::unique_ptr<Views[]> views_;
};

}  // namespace qmac::mac
