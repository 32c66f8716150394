// Independent reference arithmetic for the numerics tests. Written from the
// format definitions (OCP OFP8 rev 1.0 section 5; IEEE 754; ml_dtypes' fnuz
// convention), deliberately NOT sharing code or structure with
// models/numerics: it decodes with std::pow on the textbook formula and finds
// nearest values by brute force.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace oracle {

enum class Conv { ieee, fn, fnuz };

struct Fp8Def {
  const char* name;
  int e, m, bias;
  Conv conv;
};

// Value of an ExMy code from the definition:
//   normal    (-1)^S * 2^(E - bias) * (1 + M / 2^m)
//   subnormal (-1)^S * 2^(1 - bias) * (M / 2^m)
// ieee: E all ones is inf (M = 0) or NaN; fn: only S.1..1.1..1 is NaN;
// fnuz: only 1000..0 is NaN and there is no -0.
inline double value(const Fp8Def& d, uint32_t code) {
  const int bits = 1 + d.e + d.m;
  const uint32_t S = (code >> (bits - 1)) & 1;
  const uint32_t E = (code >> d.m) & ((1u << d.e) - 1);
  const uint32_t M = code & ((1u << d.m) - 1);
  const uint32_t Eall = (1u << d.e) - 1, Mall = (1u << d.m) - 1;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double sgn = S ? -1.0 : 1.0;
  if (d.conv == Conv::fnuz && S == 1 && E == 0 && M == 0) return nan;
  if (d.conv == Conv::fn && E == Eall && M == Mall) return nan;
  if (d.conv == Conv::ieee && E == Eall) return M == 0 ? sgn * std::numeric_limits<double>::infinity() : nan;
  const double frac = double(M) / std::pow(2.0, d.m);
  if (E == 0) return sgn * std::pow(2.0, 1 - d.bias) * frac;
  return sgn * std::pow(2.0, int(E) - d.bias) * (1.0 + frac);
}

struct CodeValue {
  uint32_t code;
  double v;
};

// All finite codes (one per value: +0 preferred over -0), sorted by value.
inline std::vector<CodeValue> finite_sorted(const Fp8Def& d) {
  std::vector<CodeValue> out;
  const uint32_t n = 1u << (1 + d.e + d.m);
  for (uint32_t c = 0; c < n; ++c) {
    const double v = value(d, c);
    if (!std::isfinite(v)) continue;
    if (v == 0 && std::signbit(v)) continue;
    out.push_back({c, v});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.v < b.v; });
  return out;
}

// Spacing of the values in the binade of the largest finite (the step to the
// first value the format cannot represent): 2^(floor(log2 max) - m).
inline double top_ulp(const std::vector<CodeValue>& vals, int m) {
  return std::pow(2.0, std::floor(std::log2(vals.back().v)) - m);
}

// Round-to-nearest-even by brute force over the sorted finite values, treating
// the value one ulp beyond the largest finite as "overflow" (returns false).
// `even` means the code whose least significant bit is 0.
inline bool nearest_even(const std::vector<CodeValue>& vals, double x, uint32_t& code, int d_m) {
  const double maxv = vals.back().v;
  const double ulp_top = top_ulp(vals, d_m);
  // Beyond the top: compare with the virtual next value maxv + ulp_top (its code
  // would be odd/even opposite to max's code).
  if (std::fabs(x) > maxv) {
    const double mid = maxv + ulp_top / 2;
    const bool max_even = (vals.back().code & 1) == 0;
    if (std::fabs(x) < mid || (std::fabs(x) == mid && max_even)) {
      code = x > 0 ? vals.back().code : vals.front().code;
      return true;
    }
    return false;
  }
  size_t best = 0;
  double best_d = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < vals.size(); ++i) {
    const double dist = std::fabs(vals[i].v - x);
    if (dist < best_d || (dist == best_d && (vals[i].code & 1) == 0)) {
      best = i;
      best_d = dist;
    }
  }
  code = vals[best].code;
  return true;
}

}  // namespace oracle
