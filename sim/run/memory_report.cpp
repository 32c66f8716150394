#include "sim/run/memory_report.hpp"

#include "models/memory/energy.hpp"
#include "sim/cost_files.hpp"
#include "sim/errors.hpp"
#include "sim/run/report.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

memory::WordBytes word_bytes(const config::Config& cfg) {
  const auto& buf = cfg.array.output_buffer;
  const int buf_bits = buf.kind == num::AccKind::floating ? buf.format.bits() : buf.width;
  return memory::word_bytes(cfg.mac.a, cfg.mac.b, buf_bits, cfg.memory.output_format);
}

memory::Report memory_report(const config::Config& cfg) {
  const array::Schedule s = array::make_schedule(config::array_options(cfg), cfg.workload.m, cfg.workload.k,
                                                 cfg.workload.n, cfg.mac.pipeline_stages);
  try {
    return memory::simulate(cfg.memory, s, word_bytes(cfg));
  } catch (const ModelError& e) {
    throw InputError("memory", e.what());
  }
}

ordered_json memory_json(const config::Config& cfg, const memory::Report& r) {
  const auto& w = r.words;
  const auto& b = r.bytes;
  ordered_json j;
  j["model"] = std::string(memory::model_name(r.model));
  j["stall_cycles"] = r.stall_cycles;
  j["sram_reads"] = {{"a", w.sram_reads_a}, {"b", w.sram_reads_b}, {"c", w.sram_reads_c}};
  j["sram_writes"] = {{"a", w.sram_writes_a}, {"b", w.sram_writes_b}, {"c", w.sram_writes_c}};
  j["dram_reads"] = {{"a", w.dram_reads_a}, {"b", w.dram_reads_b}, {"c", w.dram_reads_c}};
  j["dram_writes"] = {{"c", w.dram_writes_c}};
  j["bytes"] = {{"sram_reads", {{"a", b.sram_reads_a}, {"b", b.sram_reads_b}, {"c", b.sram_reads_c}}},
                {"sram_writes", {{"a", b.sram_writes_a}, {"b", b.sram_writes_b}, {"c", b.sram_writes_c}}},
                {"dram_reads", {{"a", b.dram_reads_a}, {"b", b.dram_reads_b}, {"c", b.dram_reads_c}}},
                {"dram_writes", {{"c", b.dram_writes_c}}},
                {"dram_total", b.dram_total()}};
  const memory::WordBytes wb = word_bytes(cfg);
  j["word_bytes"] = {{"a", wb.a}, {"b", wb.b}, {"psum", wb.psum}, {"out", wb.out}};
  // Bytes per cycle; words per cycle under scalesim (its unit).
  j["dram_bandwidth"] = {{"avg", r.dram_bandwidth_avg}, {"peak", r.dram_bandwidth_peak},
                         {"unit", r.model == memory::Model::scalesim ? "words/cycle" : "bytes/cycle"}};
  j["refetched_tiles"] = {{"a", r.refetched_tiles_a}, {"b", r.refetched_tiles_b}};
  j["spilled_tiles_c"] = r.spilled_tiles_c;
  if (r.model == memory::Model::scalesim)
    j["calc_bandwidth"] = {{"a", r.calc_bandwidth_a}, {"b", r.calc_bandwidth_b}, {"c", r.calc_bandwidth_c}};
  return j;
}

void add_memory_energy(ordered_json& cost, const config::Config& cfg, const memory::Report& r, uint64_t macs_run) {
  if (r.model == memory::Model::ideal) return;
  const memory::MemoryEnergy e = load_memory_energy(cfg.cost.technology);
  double total = 0;
  for (const auto& [part, pj] : memory::access_energy(e, cfg.memory, r)) {
    cost["energy_breakdown_pj"]["memory_" + part] = pj;
    total += pj;
  }
  const double energy = cost["energy_pj"].get<double>() + total;
  const double macs =
      macs_run ? double(macs_run) : double(cfg.workload.m) * double(cfg.workload.k) * double(cfg.workload.n);
  cost["energy_pj"] = energy;
  cost["pj_per_mac"] = macs > 0 ? energy / macs : 0.0;
  cost["tops_per_w"] = energy > 0 ? 2.0 * macs / energy : 0.0;  // 2 ops per MAC; ops/pJ = TOPS/W
  cost["memory_energy_pj"] = total;
}

ordered_json analytic_json(const config::Config& cfg) {
  memory::Analysis a;
  try {
    a = memory::analyze(config::array_options(cfg), cfg.workload.m, cfg.workload.k, cfg.workload.n,
                        cfg.mac.pipeline_stages, cfg.memory, word_bytes(cfg));
  } catch (const ModelError& e) {
    throw InputError("memory", e.what());
  }
  ordered_json j;
  j["config"] = config::to_json(cfg);
  j["gemm"] = {{"m", cfg.workload.m}, {"k", cfg.workload.k}, {"n", cfg.workload.n}};
  j["cycles"] = a.cycles;
  j["macs"] = a.macs;
  j["folds"] = a.folds;
  j["utilization"] = a.utilization;
  j["engine"] = "analytic";
  j["accuracy_note"] =
      "the analytic engine computes cycles, memory and cost from the schedule without operand data or "
      "arithmetic, so it has no accuracy; run --engine fast or pe for accuracy.*";
  j["last_write_cycle"] = a.last_write_cycle;
  j["memory"] = memory_json(cfg, a.memory);
  j["cost"] = cost_json(cfg, nullptr);  // static activity: every PE busy, half the bits toggling
  add_memory_energy(j["cost"], cfg, a.memory);
  return j;
}

}  // namespace qmac::run
