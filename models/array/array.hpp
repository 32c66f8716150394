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

// An array configuration the model cannot run: a shape, an option, an output
// buffer that cannot hold the accumulator's partial sums, a trace request.
// A ModelError, so the command line reports it as bad input (exit code 2).
class ArrayError : public ModelError {
 public:
  using ModelError::ModelError;
};

enum class Dataflow { ws, os, is };
// analytic: no simulation at all -- cycles, stalls and access counts from the
// schedule and the memory model in O(folds) (models/memory/analytic.hpp);
// run_gemm rejects it.
enum class Engine { fast, pe, analytic };

std::string_view dataflow_name(Dataflow d);
std::string_view engine_name(Engine e);
Dataflow parse_dataflow(std::string_view s);  // "ws" | "os" | "is"; ArrayError otherwise
Engine parse_engine(std::string_view s);      // "fast" | "pe" | "analytic"; ArrayError otherwise

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
  // The pe engine's clock processes (host, not hardware: outputs, cycles and
  // activity are the same either way; tests/array/engines_test.cpp holds them
  // side by side). false (the default): one SC_METHOD runs every PE of a
  // rising edge in turn; true: each PE has its own SC_METHOD, and the kernel
  // schedules 256 processes per cycle on a 16 x 16 array. Measured with
  // bench/bench_process.cpp (pe_16x16_int8 / _fp8, 2-vCPU VM): per-PE
  // processes 27-35 M PE-cycles/s, one process 39-47 M (x1.2-1.6).
  bool pe_process_per_pe = false;
};

struct Gemm {
  int m = 0, k = 0, n = 0;
  std::vector<uint32_t> a;  // m*k codes, row-major, format mac.a
  std::vector<uint32_t> b;  // k*n codes, row-major, format mac.b
};

struct TraceOptions {
  // Where the VCD goes: an open, writable descriptor the caller owns (-1: no
  // waveform). SystemC's writer does not report I/O errors, so the run pipes it
  // to this descriptor and checks every write: a failed write fails the run.
  int vcd_fd = -1;
  std::vector<std::pair<int, int>> pes;  // (row, col) of the PEs to trace; empty = default_trace_pes()
  uint64_t first_cycle = 0;              // window of clocked cycles [first_cycle, last_cycle] recorded
  uint64_t last_cycle = 999;
};
// The largest array the pe engine elaborates (a module and ~10 signals per PE,
// about 6 KB each: 1024 x 1024 PEs took over 6 GB). The fast engine has no
// per-PE objects and takes any array up to the config's 4096 x 4096.
inline constexpr long long kMaxPeEnginePes = 256 * 256;
// PE (0,0) and the other three corners: a handful of signals even for 128 x 128.
std::vector<std::pair<int, int>> default_trace_pes(int rows, int cols);

// The cycles a memory model (models/memory) holds the array: before the
// prologue (the first tile's preload) and before each fold, and when each
// fold's operand tiles became resident (the pe engine traces them as a_ready /
// b_ready). Empty vectors: no stalls / always resident.
struct Stalls {
  uint64_t before_first = 0;
  std::vector<uint64_t> before_fold;     // one entry per fold
  std::vector<uint64_t> ready_a, ready_b;  // per fold, the cycle its A / B tile is resident
};

struct RunResult {
  std::vector<num::AccValue> c;  // m*n words of the output buffer (format: out_buffer)
  // Cycles observed by the engine: the clocked cycles until the last fold
  // retired (its final output wave left the array), stalls included, minus one
  // when ArrayOptions::cycles_as_last_index (SCALE-Sim's convention).
  uint64_t cycles = 0;
  uint64_t stall_cycles = 0;     // clocked cycles in which memory held the array
  // The cycle in which the last output word was added into the output buffer,
  // as the engine saw it (pe: the drain's last write; fast: the kernel's). It
  // equals cycles (last-index convention) unless the last fold is a partial
  // tile, which still occupies a full fold (SCALE-Sim's static schedule).
  uint64_t last_write_cycle = 0;
  uint64_t folds = 0;
  num::MacStats stats;           // overflow events of the MACs and of the output-buffer adder
  num::Activity activity;        // see activity_notes.hpp for what each field counts here
};

// Simulates the GEMM with the chosen engine. Each call elaborates and runs its
// own SystemC design in a forked child process (SystemC elaborates one design
// per process), so it may be called any number of times. Throws
// num::SpecError / ArrayError for invalid specs, shapes and options,
// std::runtime_error if the child fails.
// `trace` (pe engine only; the fast engine has no per-PE signals) writes a VCD.
// `stalls` (from a memory model; null: ideal memory) holds the array before
// folds; both engines execute the same timeline.
RunResult run_gemm(const num::MacSpec& mac, const num::AccumulatorSpec& out_buffer, int pipeline_stages,
                   const ArrayOptions& options, const Gemm& gemm, Engine engine,
                   const TraceOptions* trace = nullptr, const Stalls* stalls = nullptr);

// Plain C++ GEMM with the same numerics and the same accumulation order (no
// cycles, no activity: those fields are zero except folds).
RunResult reference_gemm(const num::MacSpec& mac, const num::AccumulatorSpec& out_buffer, int pipeline_stages,
                         const ArrayOptions& options, const Gemm& gemm);

// Closed-form cycle count (README "Cycle model") with ideal memory; the tests
// hold what both engines observe against it.
uint64_t cycle_formula(const ArrayOptions& options, int m, int k, int n, int pipeline_stages);
uint64_t fold_count(const ArrayOptions& options, int m, int k, int n);

// FP32 (RNE, IEEE overflow) for float accumulators, the MAC's own accumulator
// spec for integer and fixed ones.
num::AccumulatorSpec default_output_buffer(const num::MacSpec& mac);

// Checks everything run_gemm needs (MacSpec, buffer compatibility, shape, codes
// sizes, options); throws num::SpecError or ArrayError naming the problem.
void validate_run(const num::MacSpec& mac, const num::AccumulatorSpec& out_buffer, int pipeline_stages,
                  const ArrayOptions& options, const Gemm& gemm);

}  // namespace qmac::array
