// The schedule shared by both engines and the reference: which folds (tiles)
// the controller walks, in which order, how long each takes, and where every
// operand and output lives. One place per dataflow for the geometry; the
// engines only step it.
//
// WS and IS are the same machine with the operands' roles swapped: a
// stationary operand S (K x Ns, preloaded into the PEs, row i of the array =
// reduction index k0+i, column j = S column c0+j) and a streaming operand X
// (Nx x K, row r of X enters array row i skewed by i cycles and moves right one
// PE per cycle); partial sums move down and leave the bottom row into the
// output buffer.
//   WS: S = B (K x N), X = A (M x K), out(r, c) = C[r][c]
//   IS: S = A^T (K x M), X = B^T (N x K), out(r, c) = C[c][r]
// OS: A row m0+i enters array row i, B column n0+j enters array column j, both
// skewed; PE (i,j) accumulates C[m0+i][n0+j] over all K in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/array/array.hpp"

namespace qmac::array {

struct Fold {
  int k0 = 0, kn = 0;  // WS/IS: reduction rows of the tile (array rows 0..kn-1 used)
  int c0 = 0, cn = 0;  // WS/IS: stationary columns; OS: n0/nn
  int m0 = 0, mn = 0;  // OS: output rows of the tile
};

// The schedule: the folds the controller walks, in order, with their operand
// ranges, and the timeline the engines execute. It is plain data (no codes), so
// the memory models (models/memory), the analytic engine and a network runner
// consume the same schedule the simulating engines step through.
//
// Timeline: the first stationary tile of a double-buffered WS/IS array is
// shifted in during the prologue, cycles [first, first + prologue); fold f then
// runs its tau cycles from start[f]; the cycles between the end of one fold and
// the start of the next (and before `first`) are stalls the memory imposed:
// the array is held (bubbles, no preload, no swap). Without stalls start[f] =
// prologue + f * tau, today's closed forms.
struct Schedule {
  Dataflow dataflow = Dataflow::ws;
  int R = 0, C = 0, P = 1;  // array rows, cols, MAC pipeline stages
  int M = 0, K = 0, N = 0;
  std::vector<Fold> folds;
  uint64_t prologue = 0; // cycles of the first tile's preload (double-buffered WS/IS), before fold 0
  uint64_t tau = 0;      // clocked cycles of one fold (its preload, stream and drain)
  // WS/IS: fold cycle at which stream row r enters array row 0 is lead + r
  // (lead = R when the fold starts with its own preload, 0 when double-buffered).
  uint64_t lead = 0;
  bool double_buffer = false;  // WS/IS with ArrayOptions::double_buffer
  int nx = 0, ns = 0;          // WS/IS: rows of the streamed operand X, columns of the stationary S
  // The timeline (set by make_schedule without stalls, by apply_stalls with them).
  uint64_t first = 0;            // cycle the prologue (or fold 0, without one) starts
  std::vector<uint64_t> start;   // first clocked cycle of each fold
  uint64_t clocked = 0;          // cycles clocked in all: start.back() + tau
  uint64_t stall_cycles = 0;     // clocked cycles in which the array was held

  // Cycles from fold f's start to the next fold's (or to the end of the run):
  // tau plus the stall that follows it.
  uint64_t span(size_t f) const { return (f + 1 < start.size() ? start[f + 1] : clocked) - start[f]; }
  // The fold running (or, in a stall, last run) at cycle c >= start[0].
  size_t fold_at(uint64_t c) const;
  // The fold-relative cycle of fold f at which its last output word (the tile's
  // last used column, WS/IS; the whole tile's drain, OS) is added into the
  // output buffer.
  uint64_t last_write_offset(size_t f) const;
};

// The schedule executed by the engines, with views of the GEMM's codes.
struct Plan : Schedule {
  int threads = 1;  // ArrayOptions::threads: host threads of the fast engine's kernel (no result depends on it)
  // WS/IS streaming/stationary views (codes).
  const uint32_t* x = nullptr;
  size_t x_r = 0, x_k = 0;  // x(r, k) = x[r*x_r + k*x_k]
  const uint32_t* s = nullptr;
  size_t s_k = 0, s_c = 0;  // s(k, c) = s[k*s_k + c*s_c]
  size_t o_r = 0, o_c = 0;  // output index of (r, c)
  bool x_is_a = true;       // WS: X holds A codes; IS: X holds B codes
  const uint32_t* a = nullptr;  // OS
  const uint32_t* b = nullptr;

  uint32_t xcode(int r, int k) const { return x[size_t(r) * x_r + size_t(k) * x_k]; }
  uint32_t scode(int k, int c) const { return s[size_t(k) * s_k + size_t(c) * s_c]; }
  size_t out_index(int r, int c) const { return size_t(r) * o_r + size_t(c) * o_c; }
};

// The schedule of an m x k x n GEMM without stalls (no data needed).
Schedule make_schedule(const ArrayOptions& options, int m, int k, int n, int pipeline_stages);

// Inserts the stalls of a memory timeline: `stalls.before_first` cycles before
// the prologue and `stalls.before_fold[f]` before fold f (empty: none). Throws
// ArrayError if the vector's size is not the number of folds.
void apply_stalls(Schedule& schedule, const Stalls& stalls);

// Builds the plan (gemm must outlive it: it points into gemm's codes).
Plan make_plan(const ArrayOptions& options, const Gemm& gemm, int pipeline_stages, const Stalls* stalls = nullptr);

// The output accumulator buffer: one word per output, reset to zero, and an
// adder that adds each partial sum leaving the array into its word (WS/IS: one
// add per output per k-fold; OS: one add per output when its fold drains).
class OutputBuffer {
 public:
  OutputBuffer(const num::Accumulator& mac_acc, const num::AccumulatorSpec& spec, size_t words);
  // word[idx] += v (v a register of the MAC's accumulator). Counts the add,
  // the toggles of the written word (raw bits) and overflow events.
  void add(size_t idx, const num::AccValue& v, num::MacStats& stats, num::Activity& activity);
  std::vector<num::AccValue>& words() { return words_; }

 private:
  const num::Accumulator* src_;
  num::Accumulator dst_;
  int shift_ = 0;       // integer/fixed -> integer/fixed: LSB alignment
  bool lsbs_ = false;   // add in LSB units (else by exact value)
  std::vector<num::AccValue> words_;
};

// Throws ArrayError if a MAC accumulator cannot be added into this buffer.
void check_buffer(const num::AccumulatorSpec& mac_acc, const num::AccumulatorSpec& buffer);

}  // namespace qmac::array
