// Energy of the memory system's accesses, from the technology file's `memory`
// section (configs/tech/*.yaml, every constant {value, source}):
//   SRAM: e(capacity) = sram_pj_per_byte x (capacity / sram_ref_kib)^sram_capacity_exponent per byte
//         read or written (Horowitz ISSCC 2014: ~ sqrt(capacity));
//   DRAM: dram_pj_per_byte per byte read or written.
#pragma once

#include <map>
#include <string>

#include "models/memory/memory.hpp"

namespace qmac::memory {

struct MemoryEnergy {
  double sram_pj_per_byte = 0;       // at sram_ref_kib
  double sram_ref_kib = 8;
  double sram_capacity_exponent = 0.5;
  double dram_pj_per_byte = 0;
};

// pJ per byte of one access to an SRAM of `kib` KiB.
double sram_pj_per_byte(const MemoryEnergy& e, double kib);

// The energy of a run's memory accesses, pJ, by part: "sram_a", "sram_b",
// "sram_c" (reads + writes of each buffer, at its capacity) and "dram".
std::map<std::string, double> access_energy(const MemoryEnergy& e, const Config& cfg, const Report& r);

}  // namespace qmac::memory
