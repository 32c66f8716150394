// The two decompositions of a MAC the cost model prices (models/cost internals):
// the paper's smallest datapath (paper_datapath.cpp, Fig. 3) and qmac's
// reference RTL, one component per Verilog module (rtl_datapath.cpp).
#pragma once

#include <string>
#include <vector>

#include "models/cost/mac_cost.hpp"

namespace qmac::cost::detail {

struct Builder {
  const GateLibrary& g;
  std::vector<Component>& out;
  void add(const std::string& name, const char* group, const std::string& formula, double gates, int bits,
           Part part = Part::logic) {
    if (gates > 0) out.push_back(Component{name, group, formula, gates, bits, part});
  }
};

inline std::string w(int n) { return std::to_string(n); }

// Each appends the MAC's components and returns the product node's width (the
// bits whose toggles the static activity assumes).
int paper_datapath(const num::MacSpec& s, int pipeline_stages, Builder& b);
int rtl_datapath(const num::MacSpec& s, int pipeline_stages, Builder& b);

// A floating adder of the buffer's format (without register) in each decomposition.
double paper_float_adder(const num::AccumulatorSpec& buffer, const GateLibrary& g);
double rtl_float_adder(const num::AccumulatorSpec& buffer, const GateLibrary& g);

}  // namespace qmac::cost::detail
