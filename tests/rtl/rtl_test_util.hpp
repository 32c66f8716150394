// Shared by the tests/rtl suites: the configs the RTL is checked on, as the
// --set overrides a user would type, and a scratch folder per test.
#pragma once

#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "sim/config/config.hpp"

namespace rtl_test {

struct NamedConfig {
  std::string name;               // gtest parameter name
  std::vector<std::string> sets;  // overrides of the built-in default config
};

// gtest prints a parameter with this (instead of its bytes).
inline void PrintTo(const NamedConfig& c, std::ostream* os) { *os << c.name; }

inline qmac::config::Config load(const NamedConfig& c) { return qmac::config::load_default(c.sets); }

inline std::vector<std::string> fmt_sets(const std::string& a, const std::string& b) {
  return {"mac.a=" + a, "mac.b=" + b};
}

inline NamedConfig int_acc(const std::string& in, int width, const std::string& overflow) {
  auto s = fmt_sets(in, in);
  s.insert(s.end(), {"mac.accumulator.type=int", "mac.accumulator.width=" + std::to_string(width),
                     "mac.accumulator.overflow=" + overflow});
  return {in + "_int" + std::to_string(width) + "_" + overflow, s};
}

inline NamedConfig fixed_acc(const std::string& in, int width) {
  auto s = fmt_sets(in, in);
  s.push_back("mac.accumulator.type=fixed");
  if (width > 0) s.push_back("mac.accumulator.width=" + std::to_string(width));
  return {in + "_fixed" + (width > 0 ? std::to_string(width) : std::string("_default")), s};
}

inline NamedConfig float_acc(const std::string& a, const std::string& b, const std::string& acc, bool fused = true,
                             const std::vector<std::string>& extra = {}) {
  auto s = fmt_sets(a, b);
  s.insert(s.end(), {"mac.accumulator.type=float", "mac.accumulator.format=" + acc,
                     std::string("mac.fused=") + (fused ? "true" : "false")});
  s.insert(s.end(), extra.begin(), extra.end());
  std::string name = a + (a == b ? "" : "_x_" + b) + "_" + acc + (fused ? "" : "_nonfused");
  for (const auto& e : extra) name += "_" + e.substr(e.rfind('=') + 1);
  return {name, s};
}

// The configs of issue 10's co-simulation list: Fig. 3's 15 bars, INT8 into
// 16..32-bit integers (wrap and saturate), E4M3/E5M2 into FP16/BF16/FP32 fused
// and non-fused, Kulisch at the default width, W8A16, pipelined MACs, and a few
// more rounding/overflow rules.
inline std::vector<NamedConfig> cosim_configs() {
  std::vector<NamedConfig> v;
  const struct { const char* fmt; int fixed; } fig3[] = {
      {"int8", 27}, {"e2m5_fnuz", 17}, {"e3m4_fnuz", 23}, {"e4m3_fnuz", 37}, {"e5m2_fnuz", 67}};
  for (const auto& f : fig3) {
    v.push_back(fixed_acc(f.fmt, f.fixed));
    v.push_back(float_acc(f.fmt, f.fmt, "fp16"));
    v.push_back(float_acc(f.fmt, f.fmt, "fp32"));
  }
  for (int w : {16, 20, 24, 32})
    for (const char* o : {"wrap", "saturate"}) v.push_back(int_acc("int8", w, o));
  v.push_back(int_acc("int4", 16, "wrap"));  // the synthesis calibration's integer widths
  v.push_back(int_acc("int16", 48, "saturate"));
  v.push_back(int_acc("uint8", 24, "wrap"));
  for (const char* f : {"fp8_e4m3", "fp8_e5m2"})
    for (const char* acc : {"fp16", "bf16", "fp32"})
      for (bool fused : {true, false}) v.push_back(float_acc(f, f, acc, fused));
  v.push_back(fixed_acc("fp8_e4m3", 0));
  v.push_back(fixed_acc("int8", 0));
  v.push_back(float_acc("fp16", "int8", "fp32"));  // W8A16
  auto piped = float_acc("fp8_e4m3", "fp8_e4m3", "fp32", true, {"mac.pipeline_stages=3"});
  v.push_back(piped);
  auto int_piped = int_acc("int8", 32, "wrap");
  int_piped.name += "_pipelined";
  int_piped.sets.push_back("mac.pipeline_stages=2");
  v.push_back(int_piped);
  // Rounding and overflow variants of the float accumulator.
  v.push_back(float_acc("fp8_e4m3", "fp8_e4m3", "fp16", true, {"mac.accumulator.rounding=rtz"}));
  v.push_back(float_acc("fp8_e5m2", "fp8_e5m2", "fp16", true, {"mac.accumulator.overflow=saturate"}));
  v.push_back(float_acc("fp8_e5m2", "fp8_e5m2", "fp8_e4m3", false, {"mac.accumulator.overflow=saturate"}));
  v.push_back(float_acc("fp8_e4m3", "fp8_e5m2", "e5m7_fnuz"));
  v.push_back(float_acc("int8", "int8", "bf16", false));
  v.push_back(float_acc("int4", "fp8_e4m3", "fp16"));
  return v;
}

}  // namespace rtl_test
