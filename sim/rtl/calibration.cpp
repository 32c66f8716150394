#include "sim/rtl/calibration.hpp"

#include <fmt/format.h>

#include "models/cost/mac_cost.hpp"
#include "sim/config/config.hpp"
#include "sim/errors.hpp"
#include "sim/rtl/synth.hpp"

namespace qmac::rtl {

namespace {

CellCounts cells_of(const nlohmann::json& j) {
  CellCounts c;
  for (auto it = j.begin(); it != j.end(); ++it) c[it.key()] = it.value().get<long long>();
  return c;
}

config::Config config_of(const nlohmann::json& result) {
  return config::load_default(result.at("config_sets").get<std::vector<std::string>>());
}

}  // namespace

std::vector<CalibrationRow> calibration_rows(const nlohmann::json& file, const cost::GateLibrary& g,
                                             const std::string& baseline) {
  std::vector<CalibrationRow> rows;
  for (const auto& r : file.at("results")) {
    const config::Config cfg = config_of(r);
    CalibrationRow row;
    row.name = r.at("name").get<std::string>();
    row.synth = price(cells_of(r.at("mac").at("cells")), g).total;
    row.estimate = cost::mac_cost(config::mac_spec(cfg), cfg.mac.pipeline_stages, g).mac_gates();
    rows.push_back(row);
  }
  const CalibrationRow* base = nullptr;
  for (const auto& row : rows)
    if (row.name == baseline) base = &row;
  if (!base) throw RuntimeError("synthesis results have no baseline config '" + baseline + "'");
  const double bs = base->synth, be = base->estimate;
  for (auto& row : rows) {
    row.synth_ratio = row.synth / bs;
    row.estimate_ratio = row.estimate / be;
  }
  return rows;
}

std::string calibration_markdown(const nlohmann::json& file, const std::vector<cost::GateLibrary>& libs) {
  std::string t;
  t += "| config |";
  for (const auto& g : libs) t += fmt::format(" {0} synth | {0} estimate | diff | ratio synth / est |", g.name);
  t += "\n|---|";
  for (size_t i = 0; i < libs.size(); ++i) t += "---|---|---|---|";
  t += "\n";
  std::vector<std::vector<CalibrationRow>> per_lib;
  for (const auto& g : libs) per_lib.push_back(calibration_rows(file, g));
  for (size_t r = 0; r < per_lib.at(0).size(); ++r) {
    t += "| " + per_lib[0][r].name + " |";
    for (const auto& rows : per_lib) {
      const auto& x = rows[r];
      t += fmt::format(" {:.0f} | {:.0f} | {:+.1f} % | {:.2f}x / {:.2f}x |", x.synth, x.estimate, 100 * x.error(),
                       x.synth_ratio, x.estimate_ratio);
    }
    t += "\n";
  }
  return t;
}

std::vector<BlockSum> block_sums(const nlohmann::json& file, const cost::GateLibrary& g) {
  std::vector<BlockSum> out;
  for (const auto& r : file.at("results")) {
    const config::Config cfg = config_of(r);
    const cost::MacCost c = cost::mac_cost(config::mac_spec(cfg), cfg.mac.pipeline_stages, g);
    BlockSum s;
    s.name = r.at("name").get<std::string>();
    s.float_accumulator = cfg.mac.acc.kind == num::AccKind::floating;
    for (const auto& comp : c.mac) {
      bool found = false;
      for (const auto& b : r.at("blocks"))
        if (b.at("module").get<std::string>() == comp.name) {
          found = true;
          s.estimate += comp.gates;
          s.netlist += price(cells_of(b.at("cells")), g).total;
        }
      if (!found) s.unmatched_estimate += comp.gates;
    }
    out.push_back(s);
  }
  return out;
}

std::string blocks_markdown(const nlohmann::json& file, const cost::GateLibrary& g) {
  std::string t = "| config | block | netlist | estimate | diff |\n|---|---|---|---|---|\n";
  for (const auto& r : file.at("results")) {
    const config::Config cfg = config_of(r);
    const cost::MacCost c = cost::mac_cost(config::mac_spec(cfg), cfg.mac.pipeline_stages, g);
    for (const auto& b : r.at("blocks")) {
      const std::string name = b.at("module").get<std::string>();
      double est = 0;
      for (const auto& comp : c.mac)
        if (comp.name == name) est += comp.gates;
      const double net = price(cells_of(b.at("cells")), g).total;
      t += fmt::format("| {} | {} | {:.0f} | {:.0f} | {} |\n", r.at("name").get<std::string>(), name, net, est,
                       net > 0 ? fmt::format("{:+.0f} %", 100 * (est / net - 1)) : std::string("-"));
    }
  }
  return t;
}

}  // namespace qmac::rtl
