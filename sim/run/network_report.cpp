// The per-layer table of a network run (stdout of `qmac run` on a topology).
#include <fmt/format.h>

#include "sim/run/network.hpp"

namespace qmac::run {

using nlohmann::ordered_json;

namespace {

std::string sqnr_text(const ordered_json& j) {
  if (!j.contains("accuracy")) return "-";  // the analytic engine
  const ordered_json& acc = j["accuracy"];
  const ordered_json& v = acc["sqnr_db"];
  if (v.is_null()) return acc.value("nonfinite_outputs", uint64_t(0)) > 0 ? "-inf" : "inf";
  return fmt::format("{:.2f}", v.get<double>());
}

std::string overflows(const ordered_json& j) {
  return j.contains("accuracy") ? j["accuracy"]["overflows"].dump() : "-";
}

std::string shape(const ordered_json& l) {
  std::string s = fmt::format("{}x{}x{}", l["gemm"]["m"].get<int>(), l["gemm"]["k"].get<int>(), l["gemm"]["n"].get<int>());
  if (l["groups"].get<int>() > 1) s += fmt::format(" *{}", l["groups"].get<int>());
  if (l["repeat"].get<uint64_t>() > 1) s += fmt::format(" (x{})", l["repeat"].get<uint64_t>());
  return s;
}

}  // namespace

std::string network_table(const ordered_json& j) {
  const ordered_json& layers = j["layers"];
  size_t name_w = 5;
  for (const auto& l : layers) name_w = std::max(name_w, l["name"].get<std::string>().size());
  name_w = std::min<size_t>(name_w, 40);
  std::string out = fmt::format("  {} ({}, {} layers, {} MACs)\n", j["topology"]["path"].get<std::string>(),
                                j["topology"]["format"].get<std::string>(), layers.size(),
                                j["macs"].get<uint64_t>());
  out += fmt::format("  {:<{}}  {:<22} {:<32} {:>12} {:>7} {:>6} {:>8} {:>9} {:>11}{}\n", "layer", name_w,
                     "GEMM m x k x n *groups", "precision a x b -> acc", "cycles", "folds", "util%", "SQNR dB",
                     "overflows", "energy uJ", j.contains("policy") ? "  policy" : "");
  for (const auto& l : layers) {
    const auto& p = l["precision"];
    const std::string prec = fmt::format("{} x {} -> {}", p["a"].get<std::string>(), p["b"].get<std::string>(),
                                         p["accumulator"].get<std::string>());
    std::string pol;
    if (l.contains("policy")) pol = l["policy"]["switched"].get<bool>() ? fmt::format("  rule {}", l["policy"]["rule"].dump()) : "  -";
    out += fmt::format("  {:<{}}  {:<22} {:<32} {:>12} {:>7} {:>6.1f} {:>8} {:>9} {:>11.3f}{}\n",
                       l["name"].get<std::string>().substr(0, name_w), name_w, shape(l), prec.substr(0, 32),
                       l["cycles"].get<uint64_t>(), l["folds"].get<uint64_t>(), 100 * l["utilization"].get<double>(),
                       sqnr_text(l),
                       overflows(l), l["cost"]["energy_pj"].get<double>() * 1e-6, pol);
  }
  const auto& c = j["cost"];
  out += fmt::format("  {:<{}}  {:<22} {:<32} {:>12} {:>7} {:>6.1f} {:>8} {:>9} {:>11.3f}\n", "total", name_w,
                     "(x repeats)", "", j["cycles"].get<uint64_t>(), j["folds"].get<uint64_t>(),
                     100 * j["utilization"].get<double>(), sqnr_text(j), overflows(j),
                     c["energy_pj"].get<double>() * 1e-6);
  if (j.contains("accuracy")) {
    const auto& acc = j["accuracy"];
    const ordered_json& worst = acc["min_layer_sqnr_db"];
    out += fmt::format("  network SQNR {} dB (additive noise over layers); worst layer {} at {} dB\n", sqnr_text(j),
                       acc["worst_layer"].get<std::string>(),
                       worst.is_null() ? "inf" : fmt::format("{:.2f}", worst.get<double>()));
  } else {
    out += "  no accuracy: the analytic engine computes cycles, memory and cost only\n";
  }
  if (j.contains("memory") && j["memory"]["model"] != "ideal")
    out += fmt::format("  memory ({}): {} stall cycles, {:.4g} DRAM bytes, average DRAM bandwidth {:.4g} {}\n",
                       j["memory"]["model"].get<std::string>(), j["memory"]["stall_cycles"].get<uint64_t>(),
                       j["memory"]["bytes"]["dram_total"].get<double>(), j["memory"]["dram_bandwidth"]["avg"].get<double>(),
                       j["memory"]["dram_bandwidth"]["unit"].get<std::string>());
  out += fmt::format("  area {:.4g} mm^2 (largest layer's array; {:.4g} mm^2 as separate arrays per MAC), "
                     "energy {:.4g} uJ, {:.4g} pJ/MAC, {:.3g} TOPS/W, {:.4g} ms, EDP {:.4g} uJ*ms\n",
                     c["area_um2"].get<double>() * 1e-6, c["area_um2_separate_arrays"].get<double>() * 1e-6,
                     c["energy_pj"].get<double>() * 1e-6, c["pj_per_mac"].get<double>(), c["tops_per_w"].get<double>(),
                     c["seconds"].get<double>() * 1e3, c["edp_pj_s"].get<double>() * 1e-3);
  if (j.contains("policy")) {
    const auto& p = j["policy"];
    std::string names;
    for (const auto& n : p["switched"]) names += (names.empty() ? "" : ", ") + n.get<std::string>();
    out += fmt::format("  policy {} switched {} of {} layers{}{}\n", p["name"].get<std::string>(),
                       p["switched_count"].get<size_t>(), layers.size(), names.empty() ? "" : ": ", names);
    for (const auto& r : p["rules_matching_no_layer"])
      out += fmt::format("  policy rule {} (layers '{}', {}) matches no layer of this network\n", r["rule"].dump(),
                         r["layers"].get<std::string>(), r["where"].get<std::string>());
  }
  return out;
}

}  // namespace qmac::run
