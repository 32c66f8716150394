#include "models/cost/gates.hpp"

#include <algorithm>

namespace qmac::cost {

GateLibrary paper_library() {
  GateLibrary g;
  g.name = "paper";
  g.source = "van Baalen et al., FP8 versus INT8 for efficient deep learning inference, arXiv 2303.17951, Appendix B";
  return g;
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

double reg(const GateLibrary& g, int n) { return std::max(n, 0) * g.ff; }

}  // namespace qmac::cost
