// The memory system in `qmac run` (models/memory): the model run over the
// config's schedule, its JSON block (cli-contract.md `memory.*`), its energy
// lines in cost.energy_breakdown_pj, and the analytic engine's whole result.
// Per layer: a network runner calls these with each layer's config.
#pragma once

#include <nlohmann/json.hpp>

#include "models/memory/analytic.hpp"
#include "models/memory/memory.hpp"
#include "sim/config/config.hpp"

namespace qmac::run {

// Word sizes of the config's formats (operands, output buffer, memory.output_format).
memory::WordBytes word_bytes(const config::Config& cfg);

// The memory model over the config's GEMM schedule (stalls to pass to run_gemm).
memory::Report memory_report(const config::Config& cfg);

// JSON `memory` object: model, stall_cycles, sram_reads.{a,b,c}, sram_writes.{a,b,c},
// dram_reads.{a,b,c}, dram_writes.c (words), the same under bytes.*, dram_bandwidth.{avg,peak}, ...
nlohmann::ordered_json memory_json(const config::Config& cfg, const memory::Report& r);

// Adds the memory accesses' energy to a "cost" object (scratchpad and scalesim
// models; ideal memory has no memory energy): energy_breakdown_pj gets sram_a,
// sram_b, sram_c and dram lines, energy_pj / pj_per_mac / tops_per_w include them.
// `macs`: the MACs of the report's run (0: the config's GEMM, m*k*n).
void add_memory_energy(nlohmann::ordered_json& cost, const config::Config& cfg, const memory::Report& r,
                       uint64_t macs = 0);

// `qmac run --engine analytic`: cycles, folds, utilisation, memory, cost with
// static-activity energy; no accuracy keys (the JSON's "accuracy_note" says why).
nlohmann::ordered_json analytic_json(const config::Config& cfg);

}  // namespace qmac::run
