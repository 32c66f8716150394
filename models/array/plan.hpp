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

struct Plan {
  Dataflow dataflow;
  int R, C, P;           // array rows, cols, MAC pipeline stages
  int M, K, N;
  std::vector<Fold> folds;
  uint64_t prologue = 0; // cycles before the first fold (double-buffered WS/IS: preload of the first tile)
  uint64_t tau = 0;      // clocked cycles per fold: fold f runs in [prologue + f*tau, prologue + (f+1)*tau)
  uint64_t clocked = 0;  // prologue + folds * tau
  // WS/IS: fold cycle at which stream row r enters array row 0 is lead + r
  // (lead = R when the fold starts with its own preload, 0 when double-buffered).
  uint64_t lead = 0;
  bool double_buffer = false;  // WS/IS with ArrayOptions::double_buffer
  uint64_t reported = 0; // RunResult::cycles
  // WS/IS streaming/stationary views (codes).
  int nx = 0, ns = 0;    // X rows, S columns
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

// Builds the plan (gemm must outlive it: it points into gemm's codes).
Plan make_plan(const ArrayOptions& options, const Gemm& gemm, int pipeline_stages);

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
