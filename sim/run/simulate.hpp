// `qmac run` without the command line: generate and quantise the workload,
// simulate the GEMM on the array, and measure it against FP64.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/array/array.hpp"
#include "models/memory/memory.hpp"
#include "sim/config/config.hpp"
#include "sim/run/accuracy.hpp"
#include "sim/run/profile.hpp"
#include "sim/workload/tensor.hpp"

namespace qmac::run {

struct Simulation {
  config::Config config;             // as run (engine possibly switched for tracing)
  workload::Tensor a, b;             // the original tensors (A: m x k, B: k x n)
  workload::Quantized qa, qb;        // their codes and scales
  memory::Report memory;             // the memory model's stalls and access counts (memory.*)
  array::RunResult result;           // the array's output words, cycles, activity
  std::vector<double> c;             // the output dequantised: value(word) * scale_a(m) * scale_b(n)
  ErrorStats vs_fp64;                // against FP64 of the original tensors
  ErrorStats vs_dequantized;         // against FP64 of the dequantised inputs: the accumulation error alone
  // memory.output_format: the outputs requantised to it (per-tensor, max scale)
  // as they are written back, against FP64 of the original tensors.
  std::optional<ErrorStats> vs_fp64_requantized;
  Profile profile;                   // wall time per phase (QMAC_PROFILE)
};

// The operands of one GEMM: the FP64 tensors (A: m x k, B: k x n) and their codes.
struct Operands {
  workload::Tensor a, b;
  workload::Quantized qa, qb;
};

// A tensor's NaN/inf: refused (InputError naming workload.NAME and the count)
// unless spec.nonfinite is `propagate` and the format has NaN/inf codes.
void check_finite(const workload::Tensor& t, const workload::TensorSpec& spec, const num::Format& fmt, const char* name,
                  int threads = 1);
// workload::quantize with its errors (a scale the data cannot have) naming workload.NAME.
workload::Quantized quantize_named(const workload::Tensor& t, const num::Format& fmt, const workload::TensorSpec& spec,
                                   workload::Axis axis, const char* name, int threads = 1);

// The configured workload's operands: generated (or loaded from .npy), then
// quantised as cfg.workload.{a,b}.quantization says (phases timed into `profile`).
Operands make_operands(const config::Config& cfg, int threads = 1, Profile* profile = nullptr);

// Runs the configured GEMM once (one SystemC elaboration, in a child process).
// `trace` non-null writes a VCD (pe engine). `threads` (>= 1) host threads
// generate, quantise, simulate (fast engine) and compute the references; every
// result is the same for any number (issue 13).
Simulation simulate(const config::Config& cfg, const array::TraceOptions* trace, int threads = 1);
// The same on given operands (a network's layer: sim/run/network.cpp), whose shape
// must be cfg.workload's m x k x n; `profile` carries the phases timed so far.
Simulation simulate(const config::Config& cfg, Operands operands, const array::TraceOptions* trace, int threads = 1,
                    Profile* profile = nullptr);

// The JSON of cli-contract.md for a simulation (without "cost", added by the caller).
nlohmann::ordered_json to_json(const Simulation& s);

// Writes a.npy, b.npy (dequantised operands) and c.npy (the output), float64.
void save_tensors(const Simulation& s, const std::string& dir);

// JSON has no infinity: a non-finite number is written as null. An SQNR is
// +inf when the output equals the reference exactly (accuracy.nonfinite_outputs
// = 0) and -inf when some output overflowed to inf/NaN (nonfinite_outputs > 0);
// see docs/cli-contract.md.
nlohmann::ordered_json finite_or_null(double v);

}  // namespace qmac::run
