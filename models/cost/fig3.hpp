// The 15 bars of the paper's Fig. 3 as MAC specs priced by the cost model, next
// to the published values (arXiv 2303.17951 Fig. 3, chart readings tabulated in
// shared/reference/published-numbers.md section 1).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/cost/mac_cost.hpp"

namespace qmac::cost {

struct Fig3Bar {
  std::string input;        // INT8, FP8-E2 .. FP8-E5
  std::string accumulator;  // fixed, FP16, FP32
  num::MacSpec spec;
  double gates = 0;         // qmac's MAC gates
  std::map<std::string, double> groups;
  double paper_gates = 0;   // the published bar
};

// The paper's FP8 convention (section 3): FP8-EX has X exponent bits and 7-X
// mantissa bits, subnormals, no inf, a single NaN at 0x80 -> eXmY_fnuz here.
// Fixed accumulators use the paper's sizing: INT8 27 bits (its 15-bit product
// width, from the symmetric range [-127, 127], + 12 carry bits); FP8 the exact
// product range, which is the 37 bits the paper states for FP8-E4 (see
// docs/cost-model.md for why this reading and what the carry bits would add).
std::vector<Fig3Bar> fig3_bars(const GateLibrary& g);

}  // namespace qmac::cost
