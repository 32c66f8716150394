#include "sim/cost_files.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "sim/config/yaml_cursor.hpp"
#include "sim/errors.hpp"
#include "sim/io/files.hpp"

namespace qmac {

namespace fs = std::filesystem;

namespace {

// Where shipped configs are looked for, first match wins:
//   1. $QMAC_CONFIGS (a configs/ folder, e.g. for an installed or relocated qmac)
//   2. next to the running executable: <exe dir>/../share/qmac/configs (an
//      install prefix), <exe dir>/../configs and <exe dir>/../../configs (a build
//      tree inside the source tree, e.g. build/bin/qmac or build-x/bin/qmac)
//   3. the source tree the binary was built from (QMAC_SOURCE_DIR)
//   4. ./configs
std::vector<fs::path> config_roots() {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("QMAC_CONFIGS")) roots.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && exe.has_parent_path()) {
    const fs::path dir = exe.parent_path();
    for (const char* rel : {"../share/qmac/configs", "../configs", "../../configs"})
      if (fs::is_directory(dir / rel, ec)) roots.push_back((dir / rel).lexically_normal());
  }
#ifdef QMAC_SOURCE_DIR
  roots.emplace_back(fs::path(QMAC_SOURCE_DIR) / "configs");
#endif
  roots.emplace_back("configs");
  return roots;
}

std::string resolve(const std::string& name_or_path, const std::string& kind, const std::string& what) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".yaml");
  if (is_path) {
    if (!fs::exists(name_or_path)) throw InputError(name_or_path, what + " file not found");
    return name_or_path;
  }
  for (const auto& root : config_roots()) {
    const fs::path p = root / kind / (name_or_path + ".yaml");
    if (fs::exists(p)) return p.string();
  }
  throw InputError("", "unknown " + what + " '" + name_or_path + "'; expected " +
                           config::one_of(shipped_names(kind)) + ", or a path to a YAML file");
}

YAML::Node load_yaml(const std::string& path, const std::string& what) {
  const std::string text = io::read_file(path, io::kMaxTextInput, what + " file");
  try {
    return config::load_single_document(text, path);
  } catch (const YAML::Exception& e) {
    throw InputError(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1),
                     "YAML syntax error: " + e.msg);
  }
}

double positive(const config::Cursor& c, bool allow_zero = false) {
  const double v = c.number();
  if (v < 0 || (!allow_zero && v == 0)) c.fail(allow_zero ? "must not be negative" : "must be positive");
  return v;
}

// A technology constant: {value: NUMBER, source: TEXT} (every constant cites its source).
double sourced(const config::Cursor& c, bool allow_zero = false) {
  if (!c.present()) c.fail("missing; expected {value: NUMBER, source: TEXT}");
  c.expect_map({"value", "source"});
  if (!c["value"].present() || !c["source"].present())
    c.fail("expected {value: NUMBER, source: TEXT}: every constant names its source");
  c["source"].string("a text naming where the value comes from");
  return positive(c["value"], allow_zero);
}

}  // namespace

std::string find_shipped(const std::string& kind, const std::string& name) {
  for (const auto& root : config_roots()) {
    const fs::path p = root / kind / (name + ".yaml");
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return fs::absolute(p).lexically_normal().string();
  }
  return "";
}

std::vector<std::string> shipped_names(const std::string& kind) {
  std::vector<std::string> names;
  for (const auto& root : config_roots()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root / kind, ec))
      if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
    if (!names.empty()) break;
  }
  std::sort(names.begin(), names.end());
  return names;
}

cost::GateLibrary load_gate_library(const std::string& name_or_path) {
  const std::string kind_what = "gate library";
  const std::string path = resolve(name_or_path, "gates", kind_what);
  const config::Source src(path);
  const config::Cursor root(src, "", load_yaml(path, kind_what));
  root.expect_map({"name", "source", "datapath", "cells"});
  cost::GateLibrary g;
  if (root["datapath"].present()) {
    const std::string d = root["datapath"].string("paper or rtl");
    if (d == "paper") g.datapath = cost::Datapath::paper;
    else if (d == "rtl") g.datapath = cost::Datapath::rtl;
    else root["datapath"].fail("expected paper (the paper's smallest datapath) or rtl (qmac's reference RTL)");
  }
  if (!root["name"].present() || !root["source"].present() || !root["cells"].present())
    root.fail("a gate library needs name, source and cells");
  g.name = root["name"].string("a name");
  g.source = root["source"].string("a text naming where the cell costs come from");
  const config::Cursor cells = root["cells"];
  // The formula cells are required; the netlist cells (priced for `qmac synth`)
  // may be left out. Each is a number or {value, source}.
  const std::vector<std::string> required{"and2", "or2", "ao21", "oa21", "mux2", "xor2", "ha", "fa", "ff"};
  const std::vector<std::string> netlist{"nand2", "nor2", "xnor2", "inv", "aoi21", "oai21"};
  std::vector<std::string> keys = required;
  keys.insert(keys.end(), netlist.begin(), netlist.end());
  cells.expect_map(keys);
  double* fields[] = {&g.and2, &g.or2, &g.ao21, &g.oa21, &g.mux2, &g.xor2, &g.ha, &g.fa, &g.ff,
                      &g.nand2, &g.nor2, &g.xnor2, &g.inv, &g.aoi21, &g.oai21};
  for (size_t i = 0; i < keys.size(); ++i) {
    const config::Cursor c = cells[keys[i]];
    if (!c.present()) {
      if (i < required.size())
        cells.fail("missing cell '" + keys[i] + "'; every cell of " + config::one_of(required) + " is needed");
      continue;
    }
    *fields[i] = c.node().IsMap() ? sourced(c) : positive(c);
  }
  return g;
}

cost::Technology load_technology(const std::string& name_or_path) {
  const std::string kind_what = "technology";
  const std::string path = resolve(name_or_path, "tech", kind_what);
  const config::Source src(path);
  const config::Cursor root(src, "", load_yaml(path, kind_what));
  root.expect_map({"name", "node_nm", "um2_per_ge", "pj_per_ge_toggle", "ff_clock_ge_toggles", "leakage_nw_per_ge",
                   "clock_ghz", "memory"});
  cost::Technology t;
  if (!root["name"].present()) root.fail("a technology needs a name");
  t.name = root["name"].string("a name");
  t.source = path;
  t.node_nm = sourced(root["node_nm"]);
  t.um2_per_ge = sourced(root["um2_per_ge"]);
  t.pj_per_ge_toggle = sourced(root["pj_per_ge_toggle"]);
  t.ff_clock_ge_toggles = sourced(root["ff_clock_ge_toggles"], true);
  t.leakage_nw_per_ge = sourced(root["leakage_nw_per_ge"], true);
  t.clock_ghz = sourced(root["clock_ghz"]);
  return t;
}

memory::MemoryEnergy load_memory_energy(const std::string& name_or_path) {
  const std::string path = resolve(name_or_path, "tech", "technology");
  const config::Source src(path);
  const config::Cursor root(src, "", load_yaml(path, "technology"));
  const config::Cursor m = root["memory"];
  if (!m.present())
    root.fail("a memory model needs the technology's memory energies: a 'memory' section with sram_pj_per_byte, "
              "sram_ref_kib, sram_capacity_exponent, dram_pj_per_byte (see configs/tech/45nm.yaml)");
  m.expect_map({"sram_pj_per_byte", "sram_ref_kib", "sram_capacity_exponent", "dram_pj_per_byte"});
  memory::MemoryEnergy e;
  e.sram_pj_per_byte = sourced(m["sram_pj_per_byte"], true);
  e.sram_ref_kib = sourced(m["sram_ref_kib"]);
  e.sram_capacity_exponent = sourced(m["sram_capacity_exponent"], true);
  e.dram_pj_per_byte = sourced(m["dram_pj_per_byte"], true);
  return e;
}

}  // namespace qmac
