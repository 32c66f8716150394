// The memory system around the array: per-operand on-chip buffers (SRAM) and
// a DRAM interface, driven by the schedule's tile sequence. A model turns the
// schedule (models/array/plan.hpp) into the stalls it imposes before each fold
// (the array waits until the fold's tiles are resident and its output space is
// free) and into access counts, in O(folds) for `ideal` and `scratchpad`.
//
//   memory::Report r = memory::simulate(cfg, schedule, memory::word_bytes(mac, out_buffer, out_format));
//   array::run_gemm(..., &r.stalls);      // both engines execute the same timeline
//
// Three models, one interface (README "Memory"):
//   ideal      operands always resident, no stalls; DRAM moves each operand once
//   scratchpad qmac's own: double-buffered SRAM per operand, one DRAM channel
//              (bytes/cycle, latency), word sizes from the formats
//   scalesim   SCALE-Sim v2's read/write buffers (words/cycle), reproduced
//              (scalesim.cpp says how, and where it is exact)
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "models/array/plan.hpp"
#include "models/numerics/errors.hpp"
#include "models/numerics/format.hpp"

namespace qmac::memory {

// A memory configuration a model cannot build or run (a ModelError: bad input, exit code 2).
class MemoryError : public ModelError {
 public:
  using ModelError::ModelError;
};

enum class Model { ideal, scratchpad, scalesim };
std::string_view model_name(Model m);
Model parse_model(std::string_view s);  // MemoryError when unknown

struct Config {
  Model model = Model::ideal;
  // Capacity of each operand's SRAM in KiB (A: activations, B: weights, C: partial sums / outputs).
  double sram_kib_a = 64, sram_kib_b = 64, sram_kib_c = 64;
  // Each SRAM split in two halves: one feeds the array while the other fills
  // (A, B) or drains (C). false: one buffer, filled only while the array
  // does not read it.
  bool double_buffered = true;
  // DRAM: bytes per cycle (scratchpad) or words per cycle (scalesim; 0 there
  // means SCALE-Sim's CALC mode: the bandwidth that gives no read stalls).
  double dram_bandwidth = 16;
  uint64_t dram_latency = 100;  // cycles from a request to its first word (scratchpad)
  // Outputs are requantised to this format before they are written back (the
  // next layer's input format); empty: written as the output buffer holds them.
  std::optional<num::Format> output_format;
};

// Bytes of one word of each kind (from the formats, see word_bytes()).
struct WordBytes {
  double a = 1, b = 1;  // operand codes
  double psum = 4;      // a partial sum in the output buffer (its format's width)
  double out = 4;       // a final output as written back to DRAM
};
// A: ceil(bits of mac.a / 8), B likewise, psum: the output buffer's width,
// out: `output_format`'s width if given, else psum.
WordBytes word_bytes(const num::Format& a, const num::Format& b, int out_buffer_bits,
                     const std::optional<num::Format>& output_format);

struct Counts {
  uint64_t sram_reads_a = 0, sram_reads_b = 0, sram_reads_c = 0;     // c: partial-sum read-modify-write
  uint64_t sram_writes_a = 0, sram_writes_b = 0, sram_writes_c = 0;  // a, b: fills from DRAM
  uint64_t dram_reads_a = 0, dram_reads_b = 0, dram_reads_c = 0;     // c: spilled partial sums read back
  uint64_t dram_writes_c = 0;                                        // outputs (and spilled partial sums)
};
struct ByteCounts {
  double sram_reads_a = 0, sram_reads_b = 0, sram_reads_c = 0;
  double sram_writes_a = 0, sram_writes_b = 0, sram_writes_c = 0;
  double dram_reads_a = 0, dram_reads_b = 0, dram_reads_c = 0;
  double dram_writes_c = 0;
  double dram_total() const { return dram_reads_a + dram_reads_b + dram_reads_c + dram_writes_c; }
};

struct Report {
  Model model = Model::ideal;
  array::Stalls stalls;       // what the engines execute (before_fold, ready times)
  uint64_t stall_cycles = 0;  // sum of the stalls
  Counts words;
  ByteCounts bytes;
  // DRAM bandwidth in bytes per cycle (words per cycle under scalesim): the
  // average over the run, and the peak over folds (the fold's DRAM traffic
  // over its span); scalesim: SCALE-Sim's per-operand averages added up.
  double dram_bandwidth_avg = 0, dram_bandwidth_peak = 0;
  // Tiles whose operand was fetched again because its buffer could not keep
  // it (the tiling re-reads it), and partial-sum tiles spilled to DRAM.
  uint64_t refetched_tiles_a = 0, refetched_tiles_b = 0, spilled_tiles_c = 0;
  // scalesim: the bandwidth (words/cycle) SCALE-Sim's CALC mode reports for
  // zero stalls, per operand (ifmap = A, filter = B, ofmap = C).
  double calc_bandwidth_a = 0, calc_bandwidth_b = 0, calc_bandwidth_c = 0;
  uint64_t cycles = 0;  // the run's clocked cycles with the stalls (the schedule's timeline)
};

// Runs the model over the schedule (its timeline without stalls). Throws
// MemoryError for a configuration the model cannot build (a buffer too
// small for one row of a tile, a non-positive bandwidth).
Report simulate(const Config& cfg, const array::Schedule& schedule, const WordBytes& bytes);

// The models (simulate dispatches).
Report simulate_ideal(const array::Schedule& s, const WordBytes& bytes);
Report simulate_scratchpad(const Config& cfg, const array::Schedule& s, const WordBytes& bytes);
Report simulate_scalesim(const Config& cfg, const array::Schedule& s, const WordBytes& bytes);

// What every model counts the same way: the words the array reads from and
// writes into the SRAMs, fold by fold (README "Memory", access counts).
void add_sram_traffic(const array::Schedule& s, Counts& c);
void fill_bytes(Report& r, const WordBytes& b);

}  // namespace qmac::memory
