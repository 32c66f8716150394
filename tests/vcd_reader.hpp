// A minimal VCD reader for the waveform tests (tests/array/vcd_test.cpp,
// tests/rtl/waveform_test.cpp): signal name (scopes below the top one joined
// with '.') -> (time in ps -> value), for vector and scalar changes.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace qmac::test {

struct Vcd {
  std::map<std::string, std::map<uint64_t, uint64_t>> changes;
  bool has(const std::string& name) const { return changes.count(name) > 0; }
  // Value of `name` at `ns` nanoseconds (the last change at or before it); throws
  // before its first change.
  uint64_t at(const std::string& name, uint64_t ns) const {
    const auto& c = changes.at(name);
    auto it = c.upper_bound(ns * 1000);
    if (it == c.begin()) throw std::runtime_error("no value of " + name);
    return std::prev(it)->second;
  }
  // As at(), `fallback` before the first change.
  uint64_t at_or(const std::string& name, uint64_t ns, uint64_t fallback) const {
    const auto& c = changes.at(name);
    auto it = c.upper_bound(ns * 1000);
    return it == c.begin() ? fallback : std::prev(it)->second;
  }
};

// Reads `path`. An x/z value is skipped when `skip_unknown` (Icarus traces start
// undefined), else it is an error (std::invalid_argument): a SystemC trace has none.
inline Vcd read_vcd(const std::string& path, bool skip_unknown) {
  std::ifstream in(path);
  std::map<std::string, std::string> names;  // id -> name
  Vcd v;
  std::string tok;
  uint64_t now = 0, unit_ps = 1;
  std::vector<std::string> scopes;
  auto value = [&](const std::string& bits, const std::string& id) {
    if (!names.count(id)) return;
    if (skip_unknown && bits.find_first_not_of("01") != std::string::npos) return;
    v.changes[names[id]][now] = std::stoull(bits, nullptr, 2);
  };
  while (in >> tok) {
    if (tok == "$timescale") {
      std::string all, t;
      while (in >> t && t != "$end") all += t;
      unit_ps = std::stoull(all) * (all.find("ps") != std::string::npos ? 1 : 1000);
    } else if (tok == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scopes.push_back(name);
    } else if (tok == "$upscope") {
      scopes.pop_back();
    } else if (tok == "$var") {
      std::string type, width, id, name;
      in >> type >> width >> id >> name;
      std::string full;
      for (size_t i = 1; i < scopes.size(); ++i) full += scopes[i] + ".";  // skip the top scope
      names[id] = full + name;
    } else if (tok[0] == '#') {
      now = std::stoull(tok.substr(1)) * unit_ps;  // in ps
    } else if (tok[0] == 'b') {
      std::string id;
      in >> id;
      value(tok.substr(1), id);
    } else if (tok.size() > 1 && std::string("01xz").find(tok[0]) != std::string::npos) {
      value(tok.substr(0, 1), tok.substr(1));
    }
  }
  return v;
}

}  // namespace qmac::test
