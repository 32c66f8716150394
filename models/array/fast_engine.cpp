#include "models/array/fast_engine.hpp"

#include <algorithm>


namespace qmac::array {

FastArray::FastArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                     RunResult& result)
    : sc_core::sc_module(name), plan_(plan), result_(result), kernel_(make_fast_kernel(plan, mac, buffer, result)) {
  SC_METHOD(step);  // first run at time 0 (cycle 0), then as it schedules itself
}

// One step at each event of the timeline: the prologue at `first`, each fold
// at its start; the cycles up to the next event (the rest of the fold, a
// stall) are clocked without work, and the run stops when the timeline ends.
void FastArray::step() {
  if (cycle_ == plan_.clocked) {
    sc_core::sc_stop();
    return;
  }
  if (cycle_ == plan_.first) kernel_->prologue();
  if (next_fold_ < plan_.folds.size() && cycle_ == plan_.start[next_fold_]) {
    kernel_->fold(int(next_fold_), cycle_);
    // The fold's last output word reaches the output buffer in this fold cycle
    // (the kernel adds all of the fold's words now; the pe engine's drain
    // sees each one in its cycle).
    result_.last_write_cycle = cycle_ + plan_.last_write_offset(next_fold_);
    ++next_fold_;
  }
  uint64_t next = plan_.clocked;
  if (next_fold_ < plan_.folds.size()) next = std::min(next, plan_.start[next_fold_]);
  if (cycle_ < plan_.first) next = std::min(next, plan_.first);
  const uint64_t cycles = next - cycle_;
  result_.activity.cycles += cycles;
  result_.activity.pe_cycles += cycles * uint64_t(plan_.R) * uint64_t(plan_.C);
  cycle_ = next;
  next_trigger(sc_core::sc_time(double(cycles), sc_core::SC_NS));
}

}  // namespace qmac::array
