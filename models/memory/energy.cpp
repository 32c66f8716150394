#include "models/memory/energy.hpp"

#include <cmath>

namespace qmac::memory {

double sram_pj_per_byte(const MemoryEnergy& e, double kib) {
  return e.sram_pj_per_byte * std::pow(kib / e.sram_ref_kib, e.sram_capacity_exponent);
}

std::map<std::string, double> access_energy(const MemoryEnergy& e, const Config& cfg, const Report& r) {
  const ByteCounts& b = r.bytes;
  return {{"sram_a", (b.sram_reads_a + b.sram_writes_a) * sram_pj_per_byte(e, cfg.sram_kib_a)},
          {"sram_b", (b.sram_reads_b + b.sram_writes_b) * sram_pj_per_byte(e, cfg.sram_kib_b)},
          {"sram_c", (b.sram_reads_c + b.sram_writes_c) * sram_pj_per_byte(e, cfg.sram_kib_c)},
          {"dram", b.dram_total() * e.dram_pj_per_byte}};
}

}  // namespace qmac::memory
