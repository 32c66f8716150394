#include "models/memory/analytic.hpp"

namespace qmac::memory {

Analysis analyze(const array::ArrayOptions& o, int m, int k, int n, int P, const Config& mem, const WordBytes& b) {
  if (m < 1 || k < 1 || n < 1 || o.rows < 1 || o.cols < 1 || P < 1)
    throw MemoryError("analytic engine: GEMM, array and pipeline sizes must be >= 1");
  Analysis a;
  a.schedule = array::make_schedule(o, m, k, n, P);
  a.memory = simulate(mem, a.schedule, b);
  array::apply_stalls(a.schedule, a.memory.stalls);
  const array::Schedule& s = a.schedule;
  // What the engines observe: they clock the timeline to its end and stop
  // (FastArray::step, Controller::on_clock); the last output word is added in
  // the last fold's last_write_offset.
  a.clocked = s.clocked;
  a.cycles = o.cycles_as_last_index ? s.clocked - 1 : s.clocked;
  a.folds = s.folds.size();
  a.last_write_cycle = s.start.back() + s.last_write_offset(s.folds.size() - 1);
  a.macs = uint64_t(m) * uint64_t(k) * uint64_t(n);
  a.utilization = a.cycles ? double(a.macs) / (double(a.cycles) * o.rows * o.cols) : 0.0;
  return a;
}

}  // namespace qmac::memory
