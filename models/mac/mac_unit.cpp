#include "models/mac/mac_unit.hpp"


namespace qmac::mac {

std::ostream& operator<<(std::ostream& os, const PsumWord& w) {
  return os << "{valid=" << w.valid << " tag=" << w.tag << " f=" << w.v.f << " i=" << int64_t(w.v.i) << "}";
}
void sc_trace(sc_core::sc_trace_file*, const PsumWord&, const std::string&) {
  // Not traced as a whole: each PE traces its accumulator's raw bits instead.
}
std::ostream& operator<<(std::ostream& os, const OperandWord& w) {
  return os << "{code=" << w.code << " valid=" << w.valid << " tag=" << w.tag << "}";
}
void sc_trace(sc_core::sc_trace_file* tf, const OperandWord& w, const std::string& name) {
  // The fields of a word whose storage outlives the trace (a channel's current
  // value): what the array's feeders put on a traced row's or column's edge.
  sc_core::sc_trace(tf, w.code, name + ".code");
  sc_core::sc_trace(tf, w.valid, name + ".valid");
  sc_core::sc_trace(tf, w.tag, name + ".tag");
}

MacUnit::MacUnit(sc_core::sc_module_name name, int stages, bool traced)
    : sc_core::sc_module(name), stages_(size_t(stages - 1)), held_p_(size_t(stages - 1), 0) {
  if (traced) trace = std::make_unique<TraceNodes>();  // named below this module, as members would be
}

MacUnit::Op MacUnit::issue(const Op& in, HotCounters& c) {
  if (stages_.empty()) return in;
  const Op out = stages_.back();
  for (size_t s = stages_.size() - 1; s > 0; --s) stages_[s] = stages_[s - 1];
  stages_[0] = in;
  // Every op moved one stage; a product register loads only when a valid MAC enters it.
  for (size_t s = 0; s < stages_.size(); ++s) {
    const Op& op = stages_[s];
    if (op.valid && op.mac) {
      c.fwd += uint64_t(popcount64(op.p ^ held_p_[s]));
      held_p_[s] = op.p;
    }
  }
  return out;
}

}  // namespace qmac::mac
