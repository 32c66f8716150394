#include "models/numerics/qerror.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <string>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/tools/minima.hpp>

#include "models/numerics/codec.hpp"

namespace qmac::num {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double quantize_value(const Format& fmt, double x) {
  return decode(fmt, encode(fmt, x, Rounding::rne, Overflow::saturate));
}

// The smallest double x in (v_lo, v_hi] with Q(x) >= v_hi, for neighbouring
// levels v_lo < v_hi: bisection on the value until the bracket is two
// neighbouring doubles (Q is monotone, so Q(x) is v_lo or v_hi in between).
double switch_point(const Format& fmt, double v_lo, double v_hi) {
  double lo = v_lo, hi = v_hi;
  while (true) {
    const double mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (quantize_value(fmt, mid) >= v_hi) hi = mid;
    else lo = mid;
  }
}

// Integral of g over [a, b] (a < b, either may be infinite, g smooth inside).
template <class G>
double integrate_smooth(const G& g, double a, double b) {
  using boost::math::quadrature::exp_sinh;
  using boost::math::quadrature::gauss_kronrod;
  // Abscissas computed once per thread (Boost 1.74 declares integrate() non-const).
  thread_local exp_sinh<double> tail;
  constexpr double tol = 1e-11;
  // A cell's integrand is a quadratic times a smooth density, so one 31-point
  // Kronrod rule is nearly always exact to the tolerance. The depth cap matters
  // for wide far-tail cells where the density falls by hundreds of orders of
  // magnitude and contributes nothing: unlimited relative refinement there cost
  // 100x the time for no change in the 6th digit (measured on e5m2 x normal and
  // Student-t, clip 0.5..4096 sigma). Accuracy is checked against closed forms
  // and sampling in tests/qerror.
  constexpr unsigned max_depth = 4;
  if (std::isinf(b) && std::isinf(a)) return integrate_smooth(g, a, 0.0) + integrate_smooth(g, 0.0, b);
  if (std::isinf(b)) return tail.integrate(g, a, kInf, tol);
  if (std::isinf(a)) return tail.integrate([&](double y) { return g(-y); }, -b, kInf, tol);
  return gauss_kronrod<double, 31>::integrate(g, a, b, max_depth, tol);
}

}  // namespace

QuantizerCells quantizer_cells(const Format& fmt) {
  if (fmt.bits() > 16)
    throw QuantizerError("the exact quantiser cells enumerate every code: formats of up to 16 bits, not " + fmt.name +
                      " (" + std::to_string(fmt.bits()) + " bits)");
  QuantizerCells cells;
  for (uint32_t code = 0; code <= fmt.code_mask(); ++code) {
    const double v = decode(fmt, code);
    if (std::isfinite(v)) cells.levels.push_back(v);
  }
  std::sort(cells.levels.begin(), cells.levels.end());
  cells.levels.erase(std::unique(cells.levels.begin(), cells.levels.end()), cells.levels.end());  // -0 == +0
  cells.bounds.reserve(cells.levels.size() - 1);
  for (size_t i = 0; i + 1 < cells.levels.size(); ++i)
    cells.bounds.push_back(switch_point(fmt, cells.levels[i], cells.levels[i + 1]));
  return cells;
}

double expected_squared_error(const Distribution& dist, const QuantizerCells& cells, double scale) {
  const auto pdf = dist.density();
  const double support = dist.support_max();
  const std::vector<double> kinks = dist.kinks();
  const size_t k = cells.levels.size();
  double total = 0;
  for (size_t i = 0; i < k; ++i) {
    double a = i == 0 ? -kInf : scale * cells.bounds[i - 1];
    double b = i + 1 == k ? kInf : scale * cells.bounds[i];
    a = std::max(a, -support);
    b = std::min(b, support);
    if (!(a < b)) continue;
    const double c = scale * cells.levels[i];
    // (x - c)^2 p(x), written so that a huge x with p(x) = 0 gives 0, not inf * 0.
    auto g = [&](double x) {
      const double p = pdf(x);
      if (!(p > 0)) return 0.0;
      const double t = (x - c) * std::sqrt(p);
      return t * t;
    };
    double from = a;
    for (double kink : kinks) {
      if (kink > from && kink < b) {
        total += integrate_smooth(g, from, kink);
        from = kink;
      }
    }
    total += integrate_smooth(g, from, b);
  }
  return total;
}

EmpiricalError::EmpiricalError(std::vector<double> data, const QuantizerCells& cells)
    : cells_(&cells), x_(std::move(data)) {
  std::sort(x_.begin(), x_.end());
  s1_.assign(x_.size() + 1, 0.0);
  s2_.assign(x_.size() + 1, 0.0);
  for (size_t i = 0; i < x_.size(); ++i) {
    s1_[i + 1] = s1_[i] + x_[i];
    s2_[i + 1] = s2_[i] + x_[i] * x_[i];
    max_abs_ = std::max(max_abs_, std::fabs(x_[i]));
  }
  rms_ = x_.empty() ? 0.0 : std::sqrt(s2_.back() / double(x_.size()));
}

double EmpiricalError::mse(double scale) const {
  if (x_.empty()) return 0;
  const auto& lv = cells_->levels;
  const auto& bd = cells_->bounds;
  double total = 0;
  size_t from = 0;
  for (size_t i = 0; i < lv.size() && from < x_.size(); ++i) {
    // Values below the cell's upper switch point belong to it (x/s < bound <=> x < s*bound up to one rounding).
    const size_t to = i + 1 == lv.size()
                          ? x_.size()
                          : size_t(std::lower_bound(x_.begin() + long(from), x_.end(), scale * bd[i]) - x_.begin());
    if (to > from) {
      const double c = scale * lv[i];
      const double n = double(to - from);
      const double e = (s2_[to] - s2_[from]) - 2 * c * (s1_[to] - s1_[from]) + n * c * c;
      total += std::max(e, 0.0);
    }
    from = to;
  }
  return total / double(x_.size());
}

double direct_mse(const Format& fmt, const std::vector<double>& data, double scale) {
  if (data.empty()) return 0;
  double total = 0;
  for (double x : data) {
    const double e = x - scale * quantize_value(fmt, x / scale);
    total += e * e;
  }
  return total / double(data.size());
}

ScaleChoice best_scale(const std::function<double(double)>& mse, double max_level, double clip_lo, double clip_hi,
                       int points_per_octave) {
  const double t_lo = std::log2(clip_lo), t_hi = std::log2(clip_hi);
  const int n = std::max(3, int(std::ceil((t_hi - t_lo) * points_per_octave)) + 1);
  auto scale_at = [&](double t) { return std::exp2(t) / max_level; };
  std::vector<double> t(n), v(n);
  for (int i = 0; i < n; ++i) {
    t[i] = t_lo + (t_hi - t_lo) * i / (n - 1);
    v[i] = mse(scale_at(t[i]));
  }
  // Local minima of the scan, best first; refine the few best with Brent.
  std::vector<int> minima;
  for (int i = 0; i < n; ++i)
    if ((i == 0 || v[i] <= v[i - 1]) && (i == n - 1 || v[i] <= v[i + 1])) minima.push_back(i);
  std::sort(minima.begin(), minima.end(), [&](int a, int b) { return v[a] < v[b]; });
  if (minima.size() > 8) minima.resize(8);
  ScaleChoice best{scale_at(t[minima.front()]), v[minima.front()]};
  for (int i : minima) {
    const double lo = t[std::max(i - 1, 0)], hi = t[std::min(i + 1, n - 1)];
    boost::uintmax_t iterations = 200;
    const auto r = boost::math::tools::brent_find_minima([&](double x) { return mse(scale_at(x)); }, lo, hi,
                                                         std::numeric_limits<double>::digits / 2, iterations);
    if (r.second < best.mse) best = {scale_at(r.first), r.second};
  }
  return best;
}

double QerrorResult::sqnr_db() const { return 20 * std::log10(sigma / rmse); }
double QerrorResult::bits_of_accuracy() const { return std::log2(sigma / rmse); }

QerrorResult qerror_integrate(const Format& fmt, const Distribution& dist, ScaleRule rule) {
  const QuantizerCells cells = quantizer_cells(fmt);
  QerrorResult r;
  r.sigma = dist.sigma();
  if (rule == ScaleRule::max) {
    if (std::isinf(dist.support_max()))
      throw QuantizerError("--scale max under --method integrate needs a bounded distribution, and " + dist.name() +
                        " is unbounded (max |x| is infinite); use --scale best, or --method sample where max is "
                        "the largest |sample|");
    r.scale = dist.support_max() / fmt.max_finite();
  } else {
    // Clip points from sigma/8 up to where the format's smallest normal (1 for
    // integers) reaches sigma/16, and at least 4096 sigma. The optimum can be far
    // out: for e5m2 on Student-t (nu = 3) the MSE still falls beyond 4096 sigma
    // (the tail's clipping error decays only like 1/clip, and 2^31 of dynamic
    // range leave the small values well resolved).
    const double min_normal = fmt.is_float() ? fmt.f.min_normal() : 1.0;
    const double clip_hi = r.sigma * std::max(4096.0, fmt.max_finite() / min_normal / 16);
    auto mse = [&](double s) { return expected_squared_error(dist, cells, s); };
    r.scale = best_scale(mse, cells.max_level(), r.sigma / 8, clip_hi, fmt.bits() > 8 ? 4 : 16).scale;
  }
  r.rmse = std::sqrt(expected_squared_error(dist, cells, r.scale));
  return r;
}

ScaleChoice best_scale_for_data(const Format& fmt, const std::vector<double>& data) {
  double max_abs = 0;
  size_t nonfinite = 0;
  for (double x : data) {
    if (!std::isfinite(x)) ++nonfinite;
    else max_abs = std::max(max_abs, std::fabs(x));
  }
  if (nonfinite > 0)
    throw QuantizerError(std::to_string(nonfinite) + " of " + std::to_string(data.size()) +
                         " values are NaN or inf; expected finite data to choose a scale for");
  if (!(max_abs > 0)) return {1.0, 0.0};  // all zeros: every scale is exact
  // The error is scale-invariant, mse_x(s) = m^2 mse_{x/m}(s/m): search on the
  // data divided by m = max|x|, whose squares can neither overflow nor vanish
  // (data of 1e155 or 1e-200 used to give an infinite or zero RMS and a
  // search range that crashed), and scale the answer back.
  std::vector<double> unit(data.size());
  double sum2 = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    unit[i] = data[i] / max_abs;
    sum2 += unit[i] * unit[i];
  }
  const double rms = std::sqrt(sum2 / double(data.size()));  // in (0, 1]
  // Clip points from rms/8 (heavy clipping) to 4 max|x| (floats are nearly
  // scale-periodic above max|x|; integers only get worse), and never beyond
  // what double can hold once scaled back.
  const double lo = rms / 8, hi = std::min(4.0, DBL_MAX / max_abs / 2);
  ScaleChoice c;
  if (fmt.bits() <= 16) {
    const QuantizerCells cells = quantizer_cells(fmt);
    const EmpiricalError err(unit, cells);
    c = best_scale([&](double s) { return err.mse(s); }, cells.max_level(), lo, std::max(hi, lo * 2));
  } else {
    // Wide formats: no cell table; search on the direct error with a coarser scan.
    c = best_scale([&](double s) { return direct_mse(fmt, unit, s); }, fmt.max_finite(), lo, std::max(hi, lo * 2), 4);
  }
  const double mse_unit = direct_mse(fmt, unit, c.scale);
  return {c.scale * max_abs, mse_unit * max_abs * max_abs};  // the mse may overflow to inf for huge data; the scale cannot
}

QerrorResult qerror_sample(const Format& fmt, const Distribution& dist, ScaleRule rule, uint64_t n, uint64_t seed) {
  if (n == 0) throw QuantizerError("the number of samples must be positive");
  std::mt19937_64 rng(seed);
  std::vector<double> data(n);
  size_t nonfinite = 0;
  for (auto& x : data) {
    x = dist.sample(rng);
    nonfinite += !std::isfinite(x);
  }
  if (nonfinite > 0)
    throw QuantizerError(std::to_string(nonfinite) + " of " + std::to_string(n) + " samples of " + dist.name() +
                         " overflow double (NaN or inf); expected a distribution whose samples are finite (a smaller "
                         "magnitude)");
  QerrorResult r;
  r.sigma = dist.sigma();
  if (rule == ScaleRule::max) {
    double max_abs = 0;
    for (double x : data) max_abs = std::max(max_abs, std::fabs(x));
    r.scale = max_abs > 0 ? max_abs / fmt.max_finite() : 1.0;
  } else {
    r.scale = best_scale_for_data(fmt, data).scale;
  }
  r.rmse = std::sqrt(direct_mse(fmt, data, r.scale));
  return r;
}

}  // namespace qmac::num
