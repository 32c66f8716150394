// The analytic engine (`qmac run --engine analytic`): what the simulating
// engines observe about time and memory -- cycles, folds, utilisation, stalls
// and access counts -- computed from the schedule and the memory model alone,
// in O(folds): no SystemC, no operand data, no numerics (so no accuracy).
// tests/memory/analytic_test.cpp holds it equal to both engines over random
// shapes, dataflows and memory configurations.
//
// Usable per layer: a network runner calls analyze() with each layer's GEMM
// shape and config.
#pragma once

#include <cstdint>

#include "models/array/plan.hpp"
#include "models/memory/memory.hpp"

namespace qmac::memory {

struct Analysis {
  array::Schedule schedule;  // with the memory model's stalls applied
  Report memory;
  uint64_t cycles = 0;            // as RunResult::cycles (ArrayOptions::cycles_as_last_index)
  uint64_t clocked = 0;           // clocked cycles (Activity::cycles of a simulation)
  uint64_t last_write_cycle = 0;  // as RunResult::last_write_cycle
  uint64_t folds = 0;
  uint64_t macs = 0;
  double utilization = 0;         // macs / (cycles * rows * cols), as qmac run reports it
};

Analysis analyze(const array::ArrayOptions& options, int m, int k, int n, int pipeline_stages, const Config& memory,
                 const WordBytes& bytes);

}  // namespace qmac::memory
