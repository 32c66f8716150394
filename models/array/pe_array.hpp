// The `pe` engine: a PE-level SystemC netlist. One mac::Pe module per PE,
// sc_signals between neighbours (sc_vector), a controller that walks the folds
// and drives the skewed feeders and per-fold control, and a drain that adds the
// partial sums leaving the array into the output buffer. Used for waveforms and
// to verify the fast engine. The PEs' clock processes are clustered: one
// SC_METHOD runs every PE's cycle of a rising edge (see
// mac::Pe::Config::own_process; ArrayOptions::pe_process_per_pe gives each PE
// its own, with the same results).
#pragma once

#include <memory>
#include <systemc>
#include <vector>

#include "models/array/plan.hpp"
#include "models/mac/mac_unit.hpp"

namespace qmac::array {

// Walks the folds; each rising edge drives the inputs of one cycle: the skewed
// streaming feeders (rows), the top-edge feeders (columns: OS operand B, WS/IS
// stationary preload), `load` (and `swap` when double-buffered), and row/column
// enables of the fold's tile.
SC_MODULE(Controller) {
  SC_HAS_PROCESS(Controller);
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_vector<sc_core::sc_out<mac::OperandWord>> x_feed{"x_feed"}, y_feed{"y_feed"};
  sc_core::sc_vector<sc_core::sc_out<bool>> row_en{"row_en"}, col_en{"col_en"};
  sc_core::sc_out<bool> load{"load"};
  sc_core::sc_out<bool> swap{"swap"};  // double-buffered WS/IS: shadow -> active stationary registers
  // Trace view: a copy of the clock, the cycle number and the fold, inside the window only.
  mac::Wire<bool> clk_view{"clk_view"};
  mac::Wire<uint64_t> cycle_view{"cycle"};
  mac::Wire<uint32_t> fold_view{"fold"};
  mac::Wire<bool> stall_view{"stall"};  // memory holds the array this cycle
  mac::Wire<bool> a_ready_view{"a_ready"}, b_ready_view{"b_ready"};  // the fold's tiles are resident
  // What the controller drives (feeders, enables, load, swap), inside the
  // window only; created only with a trace window (see the constructor).
  struct DrivenView {
    std::vector<std::unique_ptr<mac::Wire<mac::OperandWord>>> x, y;
    std::vector<std::unique_ptr<mac::Wire<bool>>> row_en, col_en;
    std::unique_ptr<mac::Wire<bool>> load, swap;
  };
  const DrivenView& driven_view() const { return driven_; }

  Controller(sc_core::sc_module_name name, const Plan& plan, num::Activity& activity, mac::TraceWindow window,
             const Stalls* stalls);

 private:
  void end_of_elaboration() override;
  void on_clock();
  // The bound wires (resolved after binding, like mac::Pe's): written through
  // mac::drive, which compares and requests an update only on a change.
  std::vector<mac::Wire<mac::OperandWord>*> x_w_, y_w_;
  std::vector<mac::Wire<bool>*> row_w_, col_w_;
  mac::Wire<bool>* load_w_ = nullptr;
  mac::Wire<bool>* swap_w_ = nullptr;
  void on_clock_view();
  const Plan& plan_;
  num::Activity& activity_;
  mac::TraceWindow window_;
  std::vector<uint64_t> ready_a_, ready_b_;
  uint64_t edge_ = 0;
  DrivenView driven_;
  bool view_now_ = false;  // this cycle is inside the trace window: drive() also writes driven_
  // Drives `wire` and, inside the window, its view (null: none).
  template <class T>
  void drive(mac::Wire<T>& wire, mac::Wire<T>* view, const T& v);
  // View k of a row's or column's wire (null outside the window: no view is indexed then).
  template <class T>
  mac::Wire<T>* view_of(const std::vector<std::unique_ptr<mac::Wire<T>>>& views, int k) const {
    return view_now_ ? views[size_t(k)].get() : nullptr;
  }
};

// Adds the partial sums leaving the array into the output buffer (WS/IS: the
// bottom row, every cycle; OS: every PE's accumulator when its fold ends).
SC_MODULE(Drain) {
  SC_HAS_PROCESS(Drain);
  sc_core::sc_in<bool> clk{"clk"};
  sc_core::sc_vector<sc_core::sc_in<mac::PsumWord>> psum{"psum"};  // WS/IS: C bottom words; OS: R*C

  Drain(sc_core::sc_module_name name, const Plan& plan, OutputBuffer& buffer, RunResult& result);

 private:
  void end_of_elaboration() override;
  void on_clock();
  std::vector<const mac::PsumWord*> in_;  // the bound wires' current values (see mac::Pe)
  const Plan& plan_;
  OutputBuffer& buffer_;
  RunResult& result_;
  uint64_t edge_ = 0;
};

SC_MODULE(PeArray) {
  SC_HAS_PROCESS(PeArray);
  sc_core::sc_in<bool> clk{"clk"};

  // `vcd_name`: the name to create the VCD trace file under (SystemC appends
  // ".vcd"); empty: no waveform.
  PeArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
          RunResult& result, const TraceOptions* trace, const std::string& vcd_name,
          const Stalls* stalls = nullptr, bool process_per_pe = false);
  ~PeArray() override;
  // Adds the PEs' activity and overflow counts into the result (after the run).
  void collect();

 private:
  const Plan& plan_;
  RunResult& result_;
  mac::MacBits bits_;
  // Runs every PE's cycle of a rising edge (without process_per_pe).
  void tick_pes();
  template <class T>
  using Signals = sc_core::sc_vector<mac::Wire<T>>;  // see mac::Wire for the writer policy
  Signals<mac::OperandWord> x_feed_{"x_feed"}, y_feed_{"y_feed"};
  Signals<bool> row_en_{"row_en"}, col_en_{"col_en"};
  sc_core::sc_vector<mac::PeOutputs> out_{"out"};  // per row: each PE's x, y and partial-sum registers (group = column)
  mac::Wire<mac::PsumWord> zero_psum_{"zero_psum"};
  mac::Wire<bool> load_{"load"}, swap_{"swap"};
  Controller controller_;
  Drain drain_;
  sc_core::sc_vector<mac::Pe> pes_{"pe"};
  sc_core::sc_trace_file* vcd_ = nullptr;
};

}  // namespace qmac::array
