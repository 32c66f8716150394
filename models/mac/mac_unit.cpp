#include "models/mac/mac_unit.hpp"

#include <cstdlib>
#include <mutex>
#include <new>

namespace qmac::mac {

namespace detail {
namespace {
// Chunks of wires, handed out in order; all chunks are released when the last
// wire is deleted (the netlist is built and torn down as a whole).
struct WireArena {
  static constexpr std::size_t kChunk = 256 * 1024, kAlign = 16;
  std::mutex mu;
  std::vector<char*> chunks;
  std::size_t used = kChunk;
  std::size_t live = 0;
};
WireArena& arena() {
  static WireArena a;
  return a;
}
}  // namespace

void* wire_alloc(std::size_t n) {
  WireArena& a = arena();
  std::lock_guard<std::mutex> lock(a.mu);

  n = (n + WireArena::kAlign - 1) & ~(WireArena::kAlign - 1);
  if (n > WireArena::kChunk) throw std::bad_alloc();
  if (a.used + n > WireArena::kChunk) {
    void* c = std::aligned_alloc(64, WireArena::kChunk);
    if (!c) throw std::bad_alloc();
    a.chunks.push_back(static_cast<char*>(c));
    a.used = 0;
  }
  void* p = a.chunks.back() + a.used;
  a.used += n;
  ++a.live;
  return p;
}

void wire_free(void* p) noexcept {
  if (!p) return;
  WireArena& a = arena();
  std::lock_guard<std::mutex> lock(a.mu);
  if (--a.live == 0) {
    for (char* c : a.chunks) std::free(c);
    a.chunks.clear();
    a.used = WireArena::kChunk;
  }
}
}  // namespace detail

std::ostream& operator<<(std::ostream& os, const PsumWord& w) {
  return os << "{valid=" << w.valid << " tag=" << w.tag << " f=" << w.v.f << " i=" << int64_t(w.v.i) << "}";
}
void sc_trace(sc_core::sc_trace_file*, const PsumWord&, const std::string&) {
  // Not traced as a whole: each PE traces its accumulator's raw bits instead.
}
std::ostream& operator<<(std::ostream& os, const OperandWord& w) {
  return os << "{code=" << w.code << " valid=" << w.valid << " tag=" << w.tag << "}";
}
void sc_trace(sc_core::sc_trace_file*, const OperandWord&, const std::string&) {
  // Not traced as a whole: each traced PE records its multiplier's operand codes.
}

MacUnit::MacUnit(sc_core::sc_module_name name, int stages)
    : sc_core::sc_module(name), stages_(size_t(stages - 1)), held_p_(size_t(stages - 1), 0) {}

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
