#include "models/cost/fig3.hpp"

namespace qmac::cost {

std::vector<Fig3Bar> fig3_bars(const GateLibrary& g) {
  struct Input {
    const char* label;
    const char* format;
    double paper[3];  // fixed, FP16, FP32 (published-numbers.md, Fig. 3 readings)
  };
  static const Input inputs[] = {
      {"INT8", "int8", {720, 1390, 2340}},
      {"FP8-E2", "e2m5_fnuz", {875, 1270, 2215}},
      {"FP8-E3", "e3m4_fnuz", {900, 1180, 2120}},
      {"FP8-E4", "e4m3_fnuz", {1055, 1105, 2040}},
      {"FP8-E5", "e5m2_fnuz", {1510, 1055, 1980}},
  };
  std::vector<Fig3Bar> bars;
  for (const auto& in : inputs) {
    const num::Format f = num::parse_format(in.format);
    for (int acc = 0; acc < 3; ++acc) {
      Fig3Bar bar;
      bar.input = in.label;
      bar.spec.a = bar.spec.b = f;
      if (acc == 0) {
        bar.accumulator = "fixed";
        // INT8: 15 + 12 = 27 (the paper's number); FP8: the exact product range.
        bar.spec.acc = num::kulisch_for(f, f, 0);
        if (f.is_int()) bar.spec.acc.width = 15 + num::kPaperCarryBits;
      } else {
        bar.accumulator = acc == 1 ? "FP16" : "FP32";
        bar.spec.acc.kind = num::AccKind::floating;
        bar.spec.acc.format = num::parse_format(acc == 1 ? "fp16" : "fp32");
      }
      const MacCost c = mac_cost(bar.spec, 1, g);
      bar.gates = c.mac_gates();
      for (const auto& comp : c.mac) bar.groups[comp.group] += comp.gates;
      bar.paper_gates = in.paper[acc];
      bars.push_back(bar);
    }
  }
  return bars;
}

}  // namespace qmac::cost
