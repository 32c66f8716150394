#include "models/array/fast_engine.hpp"

namespace qmac::array {

FastArray::FastArray(sc_core::sc_module_name name, const Plan& plan, const num::Mac& mac, OutputBuffer& buffer,
                     RunResult& result)
    : sc_core::sc_module(name), plan_(plan), result_(result), kernel_(make_fast_kernel(plan, mac, buffer, result)) {
  SC_METHOD(step);
  sensitive << clk.pos();
  dont_initialize();
}

void FastArray::step() {
  if (cycle_ == plan_.clocked) {
    sc_core::sc_stop();
    return;
  }
  if (cycle_ == 0) kernel_->prologue();
  if (cycle_ >= plan_.prologue && (cycle_ - plan_.prologue) % plan_.tau == 0)
    kernel_->fold(int((cycle_ - plan_.prologue) / plan_.tau), cycle_);
  ++result_.activity.cycles;
  result_.activity.pe_cycles += uint64_t(plan_.R) * uint64_t(plan_.C);
  ++cycle_;
}

}  // namespace qmac::array
