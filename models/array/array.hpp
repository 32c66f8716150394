// Public API of the systolic-array models: run one M x K x N GEMM of operand
// codes on an R x C array (weight-, output- or input-stationary) with either
// engine, or compute the same result with the plain C++ reference.
//
//   C[m][n] = sum_k A[m][k] * B[k][n]   (A: activations, format mac.a; B: weights, format mac.b)
//
// All arithmetic goes through num::Mac / num::Accumulator; the accumulation order
// is fixed by the dataflow (k ascending inside a fold, folds over k ascending,
// partial sums of successive k-folds added in the output buffer), and the
// reference uses the same order, so every engine is bit-identical to it.
// The cycle model and its closed forms are documented in models/array/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/numerics/accumulator.hpp"
#include "models/numerics/activity.hpp"

namespace qmac::array {

enum class Dataflow { ws, os, is };
enum class Engine { fast, pe };

std::string_view dataflow_name(Dataflow d);
std::string_view engine_name(Engine e);
Dataflow parse_dataflow(std::string_view s);  // "ws" | "os" | "is"; num::FormatError otherwise
Engine parse_engine(std::string_view s);      // "fast" | "pe"; num::FormatError otherwise

struct ArrayOptions {
  int rows = 16;
  int cols = 16;
  Dataflow dataflow = Dataflow::ws;
  // Named hardware/reporting options (each a documented difference from the
  // SCALE-Sim default; see README "Options"):
  // cycles_as_last_index: SCALE-Sim's compute-cycle formulas equal the number of
  // clocked cycles minus one (the 0-based index of the last cycle). true (the
  // default) reports that; false reports the number of clocked cycles.
  bool cycles_as_last_index = true;
  // double_buffer (WS/IS): each PE has a second (shadow) stationary register.
  // The first tile is shifted in before the first fold (R cycles); while a fold
  // streams, the next tile shifts into the shadow registers, and at the next
  // fold's first cycle every PE copies shadow into active. Folds then cost only
  // their stream (R + C + M - 2 for WS), not the preload. OS has no stationary
  // operand to preload (its accumulators already drain in overlap): no effect.
  bool double_buffer = false;
  // Host threads the fast engine's kernel may use (not hardware: outputs,
  // cycles and activity are the same for any value; >= 1).
  int threads = 1;
};

struct Gemm {
  int m = 0, k = 0, n = 0;
  std::vector<uint32_t> a;  // m*k codes, row-major, format mac.a
  std::vector<uint32_t> b;  // k*n codes, row-major, format mac.b
};

struct TraceOptions {
  std::string vcd_path;                  // the VCD file written through sc_trace (".vcd" is appended if missing)
  std::vector<std::pair<int, int>> pes;  // (row, col) of the PEs to trace; empty = default_trace_pes()
  uint64_t first_cycle = 0;              // window of clocked cycles [first_cycle, last_cycle] recorded
  uint64_t last_cycle = 999;
};
// PE (0,0) and the other three corners: a handful of signals even for 128 x 128.
std::vector<std::pair<int, int>> default_trace_pes(int rows, int cols);

struct RunResult {
  std::vector<num::AccValue> c;  // m*n words of the output buffer (format: out_buffer)
  uint64_t cycles = 0;           // reported cycles (see ArrayOptions::cycles_as_last_index)
  uint64_t folds = 0;
  num::MacStats stats;           // overflow events of the MACs and of the output-buffer adder
  num::Activity activity;        // see activity_notes.hpp for what each field counts here
};

// Simulates the GEMM with the chosen engine. Each call elaborates and runs its
// own SystemC design in a forked child process (SystemC elaborates one design
// per process), so it may be called any number of times. Throws
// num::FormatError for invalid specs/shapes, std::runtime_error if the child fails.
// `trace` (pe engine only; the fast engine has no per-PE signals) writes a VCD.
RunResult run_gemm(const num::MacSpec& mac, const num::AccumulatorSpec& out_buffer, int pipeline_stages,
                   const ArrayOptions& options, const Gemm& gemm, Engine engine,
                   const TraceOptions* trace = nullptr);

// Plain C++ GEMM with the same numerics and the same accumulation order (no
// cycles, no activity: those fields are zero except folds).
RunResult reference_gemm(const num::MacSpec& mac, const num::AccumulatorSpec& out_buffer, int pipeline_stages,
                         const ArrayOptions& options, const Gemm& gemm);

// Closed-form cycle count (README "Cycle model"); equals what both engines report.
uint64_t cycle_formula(const ArrayOptions& options, int m, int k, int n, int pipeline_stages);
uint64_t fold_count(const ArrayOptions& options, int m, int k, int n);

// FP32 (RNE, IEEE overflow) for float accumulators, the MAC's own accumulator
// spec for integer and fixed ones.
num::AccumulatorSpec default_output_buffer(const num::MacSpec& mac);

// Checks everything run_gemm needs (MacSpec, buffer compatibility, shape, codes
// sizes, options); throws num::FormatError naming the problem.
void validate_run(const num::MacSpec& mac, const num::AccumulatorSpec& out_buffer, int pipeline_stages,
                  const ArrayOptions& options, const Gemm& gemm);

}  // namespace qmac::array
