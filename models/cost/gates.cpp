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

double sticky_shifter(const GateLibrary& g, int width, int max_shift, int zero_low) {
  // Stage k (shift d = 2^k) sets output bit i to s ? x[i + d] : x[i] (0 above the
  // width): a MUX2 where both inputs can be nonzero, an AND2 where one can,
  // nothing where neither can (the input's zero_low constant-zero low bits,
  // which after the stage are the bits i with i + d below them); the sticky
  // ORs the bits shifted out that can be nonzero, gates it with the stage's
  // select and ORs it into the running sticky (the first stage that has one
  // starts it: no OR2).
  if (width <= 0) return 0;
  long long z = std::clamp(zero_low, 0, width);
  bool running = false;
  double total = 0;
  for (int k = 0; k < ceil_log2(max_shift + 1); ++k) {
    const long long d = 1LL << k;
    for (long long i = 0; i < width; ++i) {
      const bool lo = i >= z, hi = i + d < width && i + d >= z;
      total += lo && hi ? g.mux2 : (lo || hi) ? g.and2 : 0;
    }
    const long long out = std::min<long long>(d, width), live = std::max<long long>(out - z, 0);
    if (live > 0) {
      total += double(live - 1) * g.or2 + g.and2 + (running ? g.or2 : 0);
      running = true;
    }
    z = std::max<long long>(z - d, 0);
  }
  return total;
}

double conditional_negate(const GateLibrary& g, int n) {
  // (x ^ s) + s: bit 0 is x's bit 0 whatever s is (no cell); each bit above is
  // an XOR2 with s and a half adder of the carry chain.
  return std::max(n - 1, 0) * g.xor2 + incrementer(g, n - 1);
}

double comparator(const GateLibrary& g, int n) {
  return n <= 0 ? 0 : (n - 1) * (g.and2 + g.or2 + g.ao21) + g.and2;
}

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
  // The RTL pads the input with ones below to 2^levels bits (models/rtl
  // qmac_lzc_*). Node j of level l covers 2^l leaves, r of them real bits:
  //  - r = 0: padding only, constants;
  //  - r = 2^l: its any-one OR2 and (l - 1) MUX2 choosing the lower count bits
  //    from the left or the right half (the top count bit is ~v of the left);
  //  - partial: its any-one flag is 1 (a padding one), no OR2; the count MUX2s
  //    as above, but AND2s (v_left & c_left) when the right half is all padding
  //    (its count is the constant 0).
  // The root's any-one flag is used only when there is no padding: then the
  // count is v ? {0, c} : {1, 0...} (levels AND2 for the low bits).
  const int levels = ceil_log2(n);
  if (n <= 1) return 0;
  double total = 0;
  for (int l = 1; l <= levels; ++l) {
    const long long size = 1LL << l, half = size >> 1;
    for (long long j = 0; j * size < n; ++j) {
      const long long r = std::min<long long>(n - j * size, size);
      const bool root = l == levels;
      if (r == size) {
        total += (root && (1LL << levels) != n ? 0 : g.or2) + (l - 1) * g.mux2;
      } else {
        total += (l - 1) * (r <= half ? g.and2 : g.mux2);
      }
    }
  }
  if ((1LL << levels) == n) total += levels * g.and2;
  return total;
}

double reg(const GateLibrary& g, int n) { return std::max(n, 0) * g.ff; }

}  // namespace qmac::cost
