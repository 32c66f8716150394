// Quantisation error of a format on a distribution or a data set, with the
// scale chosen by a 1-D search (the paper's Fig. 5: bits of accuracy =
// log2(sigma / RMSE), van Baalen et al. 2023, section 4).
//
// The quantiser is the codec itself: x -> s * decode(encode(x / s)) with
// round-to-nearest-even and saturating overflow (values beyond the largest
// finite clip). Because it is piecewise constant, its exact expected squared
// error is a sum over cells: the interval of x that encodes to one value. The
// cells are found from encode (bisection on each switch point), the values from
// decode, so no format arithmetic is re-implemented here.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/numerics/distribution.hpp"
#include "models/numerics/format.hpp"

namespace qmac::num {

struct QuantizerCells {
  std::vector<double> levels;  // the format's distinct finite values, ascending (+0/-0 merged)
  // bounds[i] = the smallest double x with decode(encode(x)) >= levels[i+1]: cell i
  // is [bounds[i-1], bounds[i]), the first and last cells extend to -inf/+inf.
  std::vector<double> bounds;
  double max_level() const { return levels.back(); }
};

// Cells of fmt under RNE + saturate. Formats of up to 16 bits (every code is
// enumerated); throws QuantizerError for wider ones.
QuantizerCells quantizer_cells(const Format& fmt);

// E[(X - s Q(X/s))^2] for X ~ dist, by adaptive Gauss-Kronrod quadrature on each
// cell (split where the density has a kink) and exp-sinh quadrature on the two
// unbounded end cells (their clipped tails).
double expected_squared_error(const Distribution& dist, const QuantizerCells& cells, double scale);

// Mean squared error of a fixed data set for any scale in O(cells log n): the
// data is sorted once with prefix sums of x and x^2. Used inside the scale
// search; direct_mse gives the reported number through encode/decode.
class EmpiricalError {
 public:
  EmpiricalError(std::vector<double> data, const QuantizerCells& cells);
  double mse(double scale) const;
  double max_abs() const { return max_abs_; }
  double rms() const { return rms_; }

 private:
  const QuantizerCells* cells_;
  std::vector<double> x_;        // sorted
  std::vector<double> s1_, s2_;  // prefix sums of x and x^2 (size n + 1)
  double max_abs_ = 0, rms_ = 0;
};

// Mean of (x - s decode(encode(x / s)))^2 over data, RNE + saturate.
double direct_mse(const Format& fmt, const std::vector<double>& data, double scale);

struct ScaleChoice {
  double scale = 0;
  double mse = 0;
};

// Minimises mse(scale) over scales whose clip point scale * max_level lies in
// [clip_lo, clip_hi]: a scan on a log grid (points_per_octave), then Brent's
// method (Boost) around each of the few best local minima of the scan, since
// the error-vs-scale curve has local wiggles.
ScaleChoice best_scale(const std::function<double(double)>& mse, double max_level, double clip_lo, double clip_hi,
                       int points_per_octave = 16);

// The MSE-best scale of a data set (the workload quantiser's `best`): the cell
// search for formats up to 16 bits, a coarser scan of direct_mse above. The
// returned mse is direct_mse at the chosen scale. All-zero data gives scale 1.
ScaleChoice best_scale_for_data(const Format& fmt, const std::vector<double>& data);

enum class ScaleRule { best, max };

struct QerrorResult {
  double scale = 0;
  double sigma = 0;  // the distribution's standard deviation
  double rmse = 0;
  double sqnr_db() const;           // 10 log10(sigma^2 / MSE) (all distributions have mean 0)
  double bits_of_accuracy() const;  // log2(sigma / RMSE)
};

// Exact expectation over the density. ScaleRule::max is defined only for a
// bounded distribution (uniform: its bound maps to the format's max finite);
// for an unbounded one it throws QuantizerError saying so.
QerrorResult qerror_integrate(const Format& fmt, const Distribution& dist, ScaleRule rule);

// n seeded samples; max maps max |sample| to the format's max finite, best
// minimises the sample MSE. sigma is still the distribution's (so integrate and
// sample estimate the same quantity).
QerrorResult qerror_sample(const Format& fmt, const Distribution& dist, ScaleRule rule, uint64_t n, uint64_t seed);

}  // namespace qmac::num
