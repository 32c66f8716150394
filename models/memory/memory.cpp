#include "models/memory/memory.hpp"

#include <cmath>
#include <string>

namespace qmac::memory {

std::string_view model_name(Model m) {
  switch (m) {
    case Model::ideal: return "ideal";
    case Model::scratchpad: return "scratchpad";
    case Model::scalesim: return "scalesim";
  }
  return "?";
}

Model parse_model(std::string_view s) {
  if (s == "ideal") return Model::ideal;
  if (s == "scratchpad") return Model::scratchpad;
  if (s == "scalesim") return Model::scalesim;
  throw MemoryError("unknown memory model '" + std::string(s) + "'; expected ideal, scratchpad or scalesim");
}

WordBytes word_bytes(const num::Format& a, const num::Format& b, int out_buffer_bits,
                     const std::optional<num::Format>& output_format) {
  auto bytes = [](int bits) { return double((bits + 7) / 8); };
  WordBytes w;
  w.a = bytes(a.bits());
  w.b = bytes(b.bits());
  w.psum = bytes(out_buffer_bits);
  w.out = output_format ? bytes(output_format->bits()) : w.psum;
  return w;
}

// Per fold, the words the array moves through the SRAMs:
//   WS (A streamed, B stationary): A M x kn, B kn x cn, C M x cn written,
//       and read back first (read-modify-write) on every k-fold but a column tile's first;
//   IS (B^T streamed, A^T stationary): B kn x N, A kn x cn (cn of M), C likewise;
//   OS: A mn x K, B K x nn, C mn x nn written once (the tile drains finished).
void add_sram_traffic(const array::Schedule& s, Counts& c) {
  for (const array::Fold& f : s.folds) {
    const uint64_t kn = uint64_t(f.kn), cn = uint64_t(f.cn);
    if (s.dataflow == array::Dataflow::os) {
      c.sram_reads_a += uint64_t(f.mn) * uint64_t(s.K);
      c.sram_reads_b += uint64_t(s.K) * cn;
      c.sram_writes_c += uint64_t(f.mn) * cn;
      continue;
    }
    const uint64_t stream = uint64_t(s.nx) * kn, stat = kn * cn, out = uint64_t(s.nx) * cn;
    const bool ws = s.dataflow == array::Dataflow::ws;
    c.sram_reads_a += ws ? stream : stat;
    c.sram_reads_b += ws ? stat : stream;
    c.sram_writes_c += out;
    if (f.k0 > 0) c.sram_reads_c += out;
  }
}

void fill_bytes(Report& r, const WordBytes& b) {
  const Counts& w = r.words;
  ByteCounts& o = r.bytes;
  o.sram_reads_a = double(w.sram_reads_a) * b.a;
  o.sram_reads_b = double(w.sram_reads_b) * b.b;
  o.sram_reads_c = double(w.sram_reads_c) * b.psum;
  o.sram_writes_a = double(w.sram_writes_a) * b.a;
  o.sram_writes_b = double(w.sram_writes_b) * b.b;
  o.sram_writes_c = double(w.sram_writes_c) * b.psum;
  o.dram_reads_a = double(w.dram_reads_a) * b.a;
  o.dram_reads_b = double(w.dram_reads_b) * b.b;
  o.dram_reads_c = double(w.dram_reads_c) * b.psum;
  // dram_writes_c is set by the model in bytes (outputs in `out` bytes, spills in `psum` bytes).
}

Report simulate_ideal(const array::Schedule& s, const WordBytes& b) {
  Report r;
  r.model = Model::ideal;
  add_sram_traffic(s, r.words);
  // Unbounded buffers: every operand crosses the DRAM interface once.
  r.words.dram_reads_a = r.words.sram_writes_a = uint64_t(s.M) * uint64_t(s.K);
  r.words.dram_reads_b = r.words.sram_writes_b = uint64_t(s.K) * uint64_t(s.N);
  r.words.dram_writes_c = uint64_t(s.M) * uint64_t(s.N);
  fill_bytes(r, b);
  r.bytes.dram_writes_c = double(r.words.dram_writes_c) * b.out;
  r.cycles = s.clocked;
  r.dram_bandwidth_avg = s.clocked ? r.bytes.dram_total() / double(s.clocked) : 0;
  r.dram_bandwidth_peak = r.dram_bandwidth_avg;
  return r;
}

Report simulate(const Config& cfg, const array::Schedule& s, const WordBytes& b) {
  switch (cfg.model) {
    case Model::ideal: return simulate_ideal(s, b);
    case Model::scratchpad: return simulate_scratchpad(cfg, s, b);
    case Model::scalesim: return simulate_scalesim(cfg, s, b);
  }
  throw MemoryError("unknown memory model");
}

}  // namespace qmac::memory
