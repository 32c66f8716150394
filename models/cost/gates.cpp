#include "models/cost/gates.hpp"

#include <algorithm>
#include <utility>

namespace qmac::cost {

GateLibrary paper_library() {
  GateLibrary g;
  g.name = "paper";
  g.source = "van Baalen et al., FP8 versus INT8 for efficient deep learning inference, arXiv 2303.17951, Appendix B";
  // Netlist cells, as configs/gates/paper.yaml states them: NAND2 = NOR2 = 1 (the
  // unit), XNOR2 = XOR2, AOI21/OAI21 = AO21/OA21, INV = 1/2 (qmac's assumptions).
  g.nand2 = g.nor2 = 1;
  g.xnor2 = 3;
  g.aoi21 = g.oai21 = 2;
  g.inv = 0.5;
  return g;
}

std::string netlist_cell_name(const std::string& t) {
  static const std::pair<const char*, const char*> names[] = {
      {"$_AND_", "and2"}, {"$_NAND_", "nand2"}, {"$_OR_", "or2"},    {"$_NOR_", "nor2"},    {"$_XOR_", "xor2"},
      {"$_XNOR_", "xnor2"}, {"$_MUX_", "mux2"}, {"$_AOI3_", "aoi21"}, {"$_OAI3_", "oai21"}, {"$_NOT_", "inv"},
      {"$_DFF_P_", "ff"}};
  for (const auto& [y, n] : names)
    if (t == y) return n;
  return "";
}

double netlist_cell_ge(const GateLibrary& g, const std::string& t) {
  const std::string n = netlist_cell_name(t);
  if (n == "and2") return g.and2;
  if (n == "nand2") return g.nand2;
  if (n == "or2") return g.or2;
  if (n == "nor2") return g.nor2;
  if (n == "xor2") return g.xor2;
  if (n == "xnor2") return g.xnor2;
  if (n == "mux2") return g.mux2;
  if (n == "aoi21") return g.aoi21;
  if (n == "oai21") return g.oai21;
  if (n == "inv") return g.inv;
  if (n == "ff") return g.ff;
  return -1;
}

int ceil_log2(long long x) {
  int k = 0;
  while ((1LL << k) < x) ++k;
  return k;
}

double adder(const GateLibrary& g, int n) { return n <= 0 ? 0 : (n - 1) * g.fa + g.ha; }
double incrementer(const GateLibrary& g, int n) { return std::max(n, 0) * g.ha; }
double inc_dec(const GateLibrary& g, int n) { return std::max(n, 0) * (g.ha + g.xor2); }

double multiplier(const GateLibrary& g, int n, int m) {
  if (n < m) std::swap(n, m);
  if (m <= 0) return 0;
  return double(n) * m * g.and2 + double(n - 1) * (m - 1) * g.fa + (m - 1) * g.ha;
}

double shifter(const GateLibrary& g, int width, int max_shift) {
  return double(std::max(width, 0)) * ceil_log2(max_shift + 1) * g.mux2;
}

double zero_fill_shifter(const GateLibrary& g, int width, int max_shift) {
  double total = 0;
  for (int k = 0; k < ceil_log2(max_shift + 1); ++k) {
    const long long fill = std::min<long long>(1LL << k, std::max(width, 0));
    total += double(std::max(width, 0) - fill) * g.mux2 + double(fill) * g.and2;
  }
  return total;
}

double sticky_shifter(const GateLibrary& g, int width, int max_shift) {
  double total = zero_fill_shifter(g, width, max_shift);
  for (int k = 0; k < ceil_log2(max_shift + 1); ++k) {
    const long long out = std::min<long long>(1LL << k, std::max(width, 0));
    total += double(out - 1) * g.or2 + g.and2 + g.or2;
  }
  return total;
}

double conditional_negate(const GateLibrary& g, int n) { return std::max(n, 0) * g.xor2 + incrementer(g, n); }

double or_tree(const GateLibrary& g, int n) { return std::max(n - 1, 0) * g.or2; }

double placing_shifter(const GateLibrary& g, int in, int out, int max_shift) {
  double muxes = 0;
  for (int k = 0; k < ceil_log2(max_shift + 1); ++k) muxes += std::min<long long>(out, in + (2LL << k) - 1);
  return muxes * g.mux2;
}

double leading_zero_counter(const GateLibrary& g, int n) {
  const int levels = ceil_log2(n);
  const long long N = 1LL << levels;
  double total = 0;
  for (int l = 1; l <= levels; ++l) total += double(N >> l) * (g.or2 + (l - 1) * g.mux2);
  return total;
}

double pruned_leading_zero_counter(const GateLibrary& g, int n) {
  // Level l has ceil(n / 2^l) nodes over real bits; nodes over the padding
  // alone are constants and cost nothing.
  const int levels = ceil_log2(n);
  double total = 0;
  for (int l = 1; l <= levels; ++l) {
    const long long nodes = (n + (1LL << l) - 1) >> l;
    total += double(nodes) * (g.or2 + (l - 1) * g.mux2);
  }
  return total;
}

double reg(const GateLibrary& g, int n) { return std::max(n, 0) * g.ff; }

}  // namespace qmac::cost
