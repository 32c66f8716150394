#include "models/array/pe_array.hpp"

#include <set>
#include <stdexcept>
#include <string>

namespace qmac::array {

// ------------------------------------------------------------------ Controller

Controller::Controller(sc_core::sc_module_name name, const Plan& plan, num::Activity& activity,
                       mac::TraceWindow window, const Stalls* stalls)
    : sc_core::sc_module(name), plan_(plan), activity_(activity), window_(window) {
  if (stalls) {
    ready_a_ = stalls->ready_a;
    ready_b_ = stalls->ready_b;
  }
  x_feed.init(size_t(plan.R));
  row_en.init(size_t(plan.R));
  y_feed.init(size_t(plan.C));
  col_en.init(size_t(plan.C));
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  // The clock view runs on both edges; without a trace window (first > last)
  // it would never write, so it is not created at all.
  if (window_.first <= window_.last) {
    SC_METHOD(on_clock_view);
    sensitive << clk;
    dont_initialize();
    auto words = [](std::vector<std::unique_ptr<mac::Wire<mac::OperandWord>>>& v, int n, const char* name) {
      for (int k = 0; k < n; ++k)
        v.push_back(std::make_unique<mac::Wire<mac::OperandWord>>((name + std::to_string(k)).c_str()));
    };
    auto bits = [](std::vector<std::unique_ptr<mac::Wire<bool>>>& v, int n, const char* name) {
      for (int k = 0; k < n; ++k) v.push_back(std::make_unique<mac::Wire<bool>>((name + std::to_string(k)).c_str()));
    };
    words(driven_.x, plan.R, "x_feed_view_");
    words(driven_.y, plan.C, "y_feed_view_");
    bits(driven_.row_en, plan.R, "row_en_view_");
    bits(driven_.col_en, plan.C, "col_en_view_");
    driven_.load = std::make_unique<mac::Wire<bool>>("load_view");
    driven_.swap = std::make_unique<mac::Wire<bool>>("swap_view");
  }
}

template <class T>
void Controller::drive(mac::Wire<T>& wire, mac::Wire<T>* view, const T& v) {
  mac::drive(wire, v);
  if (view && view_now_) mac::drive(*view, v);
}

void Controller::on_clock_view() {
  const uint64_t c = edge_ > 0 ? edge_ - 1 : 0;  // the cycle whose edge this is (see on_clock)
  if (window_.contains(c)) clk_view.write(clk.read());
}

namespace {
template <class T>
mac::Wire<T>* wire_of(sc_core::sc_out<T>& port) {
  auto* w = dynamic_cast<mac::Wire<T>*>(port.get_interface());
  if (!w) throw std::logic_error(std::string(port.name()) + " must be bound to a qmac::mac::Wire");
  return w;
}
}  // namespace

void Controller::end_of_elaboration() {
  for (auto& p : x_feed) x_w_.push_back(wire_of(p));
  for (auto& p : y_feed) y_w_.push_back(wire_of(p));
  for (auto& p : row_en) row_w_.push_back(wire_of(p));
  for (auto& p : col_en) col_w_.push_back(wire_of(p));
  load_w_ = wire_of(load);
  swap_w_ = wire_of(swap);
}

// Edge e drives the inputs of cycle c = e (the PEs latch them at edge c + 1).
void Controller::on_clock() {
  const uint64_t c = edge_++;
  if (c >= plan_.clocked) {
    if (c == plan_.clocked + 1) sc_core::sc_stop();  // the PEs and the drain have seen the last cycle
    return;
  }
  ++activity_.cycles;
  activity_.pe_cycles += uint64_t(plan_.R) * uint64_t(plan_.C);
  const Plan& p = plan_;
  // Where cycle c falls on the timeline: before fold 0 (the prologue, or a
  // stall before it: t < 0), inside fold fi (0 <= t < tau) or in the stall
  // after it (t >= tau: every feeder idles, as after the fold's stream).
  const bool in_prologue = c < p.start[0];
  const size_t fi = in_prologue ? 0 : p.fold_at(c);
  const int64_t t = int64_t(c) - int64_t(p.start[fi]);
  const Fold& f = p.folds[fi];
  // Held by memory: before the prologue, between it and fold 0, or after a fold until the next starts.
  const bool held = in_prologue ? c < p.first || c >= p.first + p.prologue : uint64_t(t) >= p.tau;
  view_now_ = window_.contains(c);
  if (view_now_) {
    cycle_view.write(c);
    fold_view.write(uint32_t(fi));
    stall_view.write(held);
    // The operand tiles of the fold running or waiting to run at c: resident?
    const size_t wf = held && !in_prologue && fi + 1 < p.folds.size() ? fi + 1 : fi;
    a_ready_view.write(ready_a_.empty() || ready_a_[wf] <= c);
    b_ready_view.write(ready_b_.empty() || ready_b_[wf] <= c);
  }
  if (p.dataflow == Dataflow::os) {
    drive(*load_w_, driven_.load.get(), false);
    for (int i = 0; i < p.R; ++i) {
      const int64_t k = t - i;
      const bool v = k >= 0 && k < p.K && i < f.mn;
      drive(*x_w_[size_t(i)], view_of(driven_.x, i), mac::OperandWord{v ? p.a[size_t(f.m0 + i) * p.K + size_t(k)] : 0, v, v ? int32_t(k) : 0});
      drive(*row_w_[size_t(i)], view_of(driven_.row_en, i), i < f.mn);
    }
    for (int j = 0; j < p.C; ++j) {
      const int64_t k = t - j;
      const bool v = k >= 0 && k < p.K && j < f.cn;
      drive(*y_w_[size_t(j)], view_of(driven_.y, j), mac::OperandWord{v ? p.b[size_t(k) * p.N + size_t(f.c0 + j)] : 0, v, 0});
      drive(*col_w_[size_t(j)], view_of(driven_.col_en, j), j < f.cn);
    }
    return;
  }
  const int R = p.R;
  // The tile shifting into the stationary chain: without double buffering the
  // fold's own, in its first R cycles; double-buffered, fold 0's in the
  // prologue and the next fold's in each fold's first R cycles (into the
  // shadow registers), with `swap` copying shadow into active at t = 0.
  int64_t step = t;  // preload step: the top row takes tile row R-1-step
  const Fold* tile = &f;
  if (p.double_buffer) {
    drive(*swap_w_, driven_.swap.get(), t == 0);
    if (in_prologue) {
      step = int64_t(c) - int64_t(p.first);  // negative while memory holds the prologue
    } else {
      tile = fi + 1 < p.folds.size() ? &p.folds[fi + 1] : nullptr;
    }
  }
  const bool preload = tile && step >= 0 && step < R;
  drive(*load_w_, driven_.load.get(), preload);
  const int64_t tc = t - int64_t(p.lead);
  for (int i = 0; i < R; ++i) {
    const int64_t r = tc - i;
    const bool v = r >= 0 && r < p.nx;
    drive(*x_w_[size_t(i)], view_of(driven_.x, i), mac::OperandWord{v && i < f.kn ? p.xcode(int(r), f.k0 + i) : 0, v, v ? int32_t(r) : 0});
    // The stream's codes are strided in memory (a line per row and k): fetch
    // the ones this row drives kAhead cycles from now.
    constexpr int64_t kAhead = 8;
    if (r + kAhead >= 0 && r + kAhead < p.nx && i < f.kn) __builtin_prefetch(&p.x[size_t(r + kAhead) * p.x_r + size_t(f.k0 + i) * p.x_k]);
    drive(*row_w_[size_t(i)], view_of(driven_.row_en, i), i < f.kn);
  }
  const int krow = R - 1 - int(step);
  for (int j = 0; j < p.C; ++j) {
    drive(*y_w_[size_t(j)], view_of(driven_.y, j), mac::OperandWord{
        preload && krow < tile->kn && j < tile->cn ? p.scode(tile->k0 + krow, tile->c0 + j) : 0, false, 0});
    drive(*col_w_[size_t(j)], view_of(driven_.col_en, j), j < f.cn);
  }
}

// ----------------------------------------------------------------------- Drain

Drain::Drain(sc_core::sc_module_name name, const Plan& plan, OutputBuffer& buffer, RunResult& result)
    : sc_core::sc_module(name), plan_(plan), buffer_(buffer), result_(result) {
  psum.init(plan.dataflow == Dataflow::os ? size_t(plan.R) * size_t(plan.C) : size_t(plan.C));
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

void Drain::end_of_elaboration() {
  for (auto& p : psum) in_.push_back(&p->read());
}

// Edge e sees the registers written at edge e - 1, i.e. the results of cycle e - 2.
void Drain::on_clock() {
  const uint64_t e = edge_++;
  if (e < 2 || e - 2 >= plan_.clocked) return;
  const Plan& p = plan_;
  const uint64_t c = e - 2;
  if (c < p.start[0]) return;  // preload or stall: nothing leaves the array
  const size_t fi = p.fold_at(c);
  const Fold& f = p.folds[fi];
  if (p.dataflow == Dataflow::os) {
    if (c - p.start[fi] != p.tau - 1) return;  // the tile drains at the fold's last cycle
    for (int i = 0; i < f.mn; ++i)
      for (int j = 0; j < f.cn; ++j)
        buffer_.add(size_t(f.m0 + i) * p.N + size_t(f.c0 + j), in_[size_t(i) * p.C + size_t(j)]->v,
                    result_.stats, result_.activity);
    result_.last_write_cycle = c;
    return;
  }
  for (int j = 0; j < f.cn; ++j) {
    const mac::PsumWord& w = *in_[size_t(j)];
    if (w.valid) {
      buffer_.add(p.out_index(w.tag, f.c0 + j), w.v, result_.stats, result_.activity);
      result_.last_write_cycle = c;
    }
  }
}

// --------------------------------------------------------------------- PeArray

PeArray::PeArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                 RunResult& result, const TraceOptions* trace, const std::string& vcd_name, const Stalls* stalls,
                 bool process_per_pe)
    : sc_core::sc_module(name),
      plan_(plan),
      result_(result),
      bits_(mac),
      controller_("controller", plan, result.activity,
                  mac::TraceWindow{trace ? trace->first_cycle : 1, trace ? trace->last_cycle : 0}, stalls),
      drain_("drain", plan, buffer, result) {
  const size_t R = size_t(plan.R), C = size_t(plan.C), n = R * C;
  // One bundle per row: the row's PEs' output registers, one update() per row per cycle.
  out_.init(R, [C](const char* nm, size_t) { return new mac::PeOutputs(nm, C); });
  x_feed_.init(R);
  row_en_.init(R);
  y_feed_.init(C);
  col_en_.init(C);

  std::set<std::pair<int, int>> traced;
  if (trace && !vcd_name.empty()) {
    for (const auto& pe : trace->pes.empty() ? default_trace_pes(plan.R, plan.C) : trace->pes) traced.insert(pe);
  }
  mac::Pe::Config cfg;
  cfg.mode = plan.dataflow == Dataflow::os ? mac::Pe::Mode::os
             : plan.dataflow == Dataflow::ws ? mac::Pe::Mode::ws
                                             : mac::Pe::Mode::is;
  cfg.cycles = plan.clocked;
  cfg.double_buffer = plan.double_buffer;
  if (trace) cfg.window = mac::TraceWindow{trace->first_cycle, trace->last_cycle};
  cfg.own_process = process_per_pe;
  if (!process_per_pe) {
    SC_METHOD(tick_pes);
    sensitive << clk.pos();
    dont_initialize();
  }
  pes_.init(n, [&](const char* nm, size_t idx) {
    mac::Pe::Config c = cfg;
    c.traced = traced.count({int(idx / C), int(idx % C)}) > 0;
    return new mac::Pe(nm, mac, bits_, plan.P, c);
  });

  // Cache hints, no semantics: the PEs run in creation order each cycle (mac::Pe::prefetch_next).
  for (size_t k = 0; k + 1 < n; ++k) pes_[k].prefetch_next(&pes_[k + 1]);
  controller_.clk(clk);
  controller_.load(load_);
  controller_.swap(swap_);
  controller_.x_feed.bind(x_feed_);
  controller_.row_en.bind(row_en_);
  controller_.y_feed.bind(y_feed_);
  controller_.col_en.bind(col_en_);
  drain_.clk(clk);
  for (size_t i = 0; i < R; ++i)
    for (size_t j = 0; j < C; ++j) {
      mac::Pe& pe = pes_[i * C + j];
      pe.clk(clk);
      pe.load(load_);
      pe.swap(swap_);
      pe.row_en(row_en_[i]);
      pe.col_en(col_en_[j]);
      using mac::kOutX, mac::kOutY, mac::kOutPsum;
      if (j == 0)
        pe.x_in(x_feed_[i]);
      else
        pe.x_in(out_[i].view<kOutX>(j - 1));
      if (i == 0) {
        pe.y_in(y_feed_[j]);
        pe.psum_in(zero_psum_);
      } else {
        pe.y_in(out_[i - 1].view<kOutY>(j));
        pe.psum_in(out_[i - 1].view<kOutPsum>(j));
      }
      pe.x_out(out_[i].view<kOutX>(j));
      pe.y_out(out_[i].view<kOutY>(j));
      pe.psum_out(out_[i].view<kOutPsum>(j));
    }
  if (plan.dataflow == Dataflow::os) {
    for (size_t k = 0; k < n; ++k) drain_.psum[k](out_[k / C].view<mac::kOutPsum>(k % C));
  } else {
    for (size_t j = 0; j < C; ++j) drain_.psum[j](out_[R - 1].view<mac::kOutPsum>(j));
  }

  if (!traced.empty()) {
    vcd_ = sc_core::sc_create_vcd_trace_file(vcd_name.c_str());
    vcd_->set_time_unit(100, sc_core::SC_PS);  // the clock view has edges at half periods
    sc_core::sc_trace(vcd_, controller_.clk_view, "clk");
    sc_core::sc_trace(vcd_, controller_.cycle_view, "cycle");
    sc_core::sc_trace(vcd_, controller_.fold_view, "fold");
    // The controller's outputs as driven inside the window (no views without one).
    const auto& driven = controller_.driven_view();
    const bool views = driven.load != nullptr;
    if (views) sc_core::sc_trace(vcd_, *driven.load, "load");
    if (views && plan.double_buffer) sc_core::sc_trace(vcd_, *driven.swap, "swap");
    // Memory: the array held by a stall, and whether the A / B tiles of the
    // fold running (or waiting) are resident in their buffers.
    sc_core::sc_trace(vcd_, controller_.stall_view, "stall");
    sc_core::sc_trace(vcd_, controller_.a_ready_view, "a_ready");
    sc_core::sc_trace(vcd_, controller_.b_ready_view, "b_ready");
    // The array's edge inputs for the traced PEs' rows and columns (enough to
    // drive an RTL array of those rows and columns: tests/rtl/pe_array_test.cpp).
    std::set<int> rows, cols;
    for (const auto& [i, j] : traced) {
      if (!views || i < 0 || j < 0 || i >= plan.R || j >= plan.C) continue;
      rows.insert(i);
      cols.insert(j);
    }
    for (const int i : rows) {
      sc_core::sc_trace(vcd_, *driven.x[size_t(i)], "x_feed_" + std::to_string(i));
      sc_core::sc_trace(vcd_, *driven.row_en[size_t(i)], "row_en_" + std::to_string(i));
    }
    for (const int j : cols) {
      sc_core::sc_trace(vcd_, *driven.y[size_t(j)], "y_feed_" + std::to_string(j));
      sc_core::sc_trace(vcd_, *driven.col_en[size_t(j)], "col_en_" + std::to_string(j));
    }
    for (const auto& [i, j] : traced) {
      if (i < 0 || j < 0 || i >= plan.R || j >= plan.C) continue;
      mac::Pe& pe = pes_[size_t(i) * C + size_t(j)];
      const std::string pfx = "pe_" + std::to_string(i) + "_" + std::to_string(j) + ".";
      const mac::MacUnit::TraceNodes& t = *pe.mac.trace;  // created for the traced PEs (Pe::Config::traced)
      sc_core::sc_trace(vcd_, t.valid, pfx + "valid");
      sc_core::sc_trace(vcd_, t.a_code, pfx + "a_code");
      sc_core::sc_trace(vcd_, t.b_code, pfx + "b_code");
      sc_core::sc_trace(vcd_, t.product, pfx + "product");
      sc_core::sc_trace(vcd_, t.acc_bits, pfx + "acc");
    }
  }
}

// The PEs in creation order (the order prefetch_next assumes); see
// mac::Pe::Config::own_process for why one process may run them all.
void PeArray::tick_pes() {
  for (auto& pe : pes_) pe.tick();
}

PeArray::~PeArray() {
  if (vcd_) sc_core::sc_close_vcd_trace_file(vcd_);
}

void PeArray::collect() {
  for (auto& pe : pes_) {
    pe.flush();
    result_.activity += pe.activity;
    result_.stats.overflows += pe.stats.overflows;
    result_.stats.invalid += pe.stats.invalid;
  }
  if (vcd_) {
    sc_core::sc_close_vcd_trace_file(vcd_);
    vcd_ = nullptr;
  }
}

}  // namespace qmac::array
