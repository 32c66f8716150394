#include "models/numerics/distribution.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

#include <boost/math/constants/constants.hpp>
#include <boost/random/exponential_distribution.hpp>  // the ziggurat layer tables (constants)
#include <boost/random/normal_distribution.hpp>

#include "models/numerics/format.hpp"

namespace qmac::num {

namespace {

const char* const kDistForms =
    "expected uniform, normal, laplace, student_t:NU (NU > 2) or outliers:FRAC:MAG (0 <= FRAC <= 1, 0 < MAG <= 1e100)";

double parse_number(std::string_view text, std::string_view whole, const char* what) {
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v))
    throw DistributionError("distribution '" + std::string(whole) + "': " + what + " '" + s + "' is not a finite number; " +
                      kDistForms);
  return v;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Distribution parse_distribution(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  const std::string_view head = parts[0];
  auto arity = [&](size_t n) {
    if (parts.size() != n + 1)
      throw DistributionError("distribution '" + std::string(text) + "' takes " + std::to_string(n) + " parameter(s); " +
                        kDistForms);
  };
  Distribution d;
  if (head == "uniform" || head == "normal" || head == "laplace") {
    arity(0);
    d.family = head == "uniform" ? DistFamily::uniform : head == "normal" ? DistFamily::normal : DistFamily::laplace;
  } else if (head == "student_t") {
    arity(1);
    d.family = DistFamily::student_t;
    d.nu = parse_number(parts[1], text, "NU");
    // sigma (and so bits of accuracy) needs a finite variance: nu > 2.
    if (!(d.nu > 2))
      throw DistributionError("distribution '" + std::string(text) + "': NU must be > 2 (finite variance); " + kDistForms);
  } else if (head == "outliers") {
    arity(2);
    d.family = DistFamily::outliers;
    d.fraction = parse_number(parts[1], text, "FRAC");
    d.magnitude = parse_number(parts[2], text, "MAG");
    if (!(d.fraction >= 0 && d.fraction <= 1))
      throw DistributionError("distribution '" + std::string(text) + "': FRAC must be in [0, 1]; " + kDistForms);
    // Beyond 1e100 the variance (and squared errors) of samples overflow double.
    if (!(d.magnitude > 0 && d.magnitude <= 1e100))
      throw DistributionError("distribution '" + std::string(text) + "': MAG must be in (0, 1e100]; " + kDistForms);
  } else {
    throw DistributionError("unknown distribution '" + std::string(text) + "'; " + kDistForms);
  }
  return d;
}

std::string Distribution::name() const {
  switch (family) {
    case DistFamily::uniform: return "uniform";
    case DistFamily::normal: return "normal";
    case DistFamily::laplace: return "laplace";
    case DistFamily::student_t: return "student_t:" + number_text(nu);
    case DistFamily::outliers: return "outliers:" + number_text(fraction) + ":" + number_text(magnitude);
  }
  return "?";
}

double Distribution::pdf(double x) const { return density()(x); }

std::function<double(double)> Distribution::density() const {
  const double inv_sqrt_2pi = boost::math::constants::one_div_root_two_pi<double>();
  switch (family) {
    case DistFamily::uniform: return [](double x) { return std::fabs(x) <= 1 ? 0.5 : 0.0; };
    case DistFamily::normal: return [=](double x) { return inv_sqrt_2pi * std::exp(-0.5 * x * x); };
    case DistFamily::laplace: return [](double x) { return 0.5 * std::exp(-std::fabs(x)); };
    case DistFamily::student_t: {
      // Gamma((nu+1)/2) / (sqrt(nu pi) Gamma(nu/2)) (1 + x^2/nu)^(-(nu+1)/2)
      const double n = nu;
      const double c = std::exp(std::lgamma((n + 1) / 2) - std::lgamma(n / 2)) /
                       std::sqrt(n * boost::math::constants::pi<double>());
      return [=](double x) { return c * std::pow(1 + x * x / n, -(n + 1) / 2); };
    }
    case DistFamily::outliers: {
      const double f = fraction, m = magnitude;
      return [=](double x) {
        const double wide = std::exp(-0.5 * (x / m) * (x / m)) / m;
        return inv_sqrt_2pi * ((1 - f) * std::exp(-0.5 * x * x) + f * wide);
      };
    }
  }
  return [](double) { return 0.0; };
}

double Distribution::sigma() const {
  switch (family) {
    case DistFamily::uniform: return 1 / std::sqrt(3.0);  // variance of U(-1,1) = (2)^2/12
    case DistFamily::normal: return 1;
    case DistFamily::laplace: return std::sqrt(2.0);      // variance 2 b^2, b = 1
    case DistFamily::student_t: return std::sqrt(nu / (nu - 2));
    case DistFamily::outliers: return std::sqrt(1 - fraction + fraction * magnitude * magnitude);
  }
  return 0;
}

double Distribution::support_max() const {
  return family == DistFamily::uniform ? 1.0 : std::numeric_limits<double>::infinity();
}

std::vector<double> Distribution::kinks() const {
  switch (family) {
    case DistFamily::uniform: return {-1.0, 1.0};
    case DistFamily::laplace: return {0.0};
    default: return {};
  }
}

double Distribution::sample(std::mt19937_64& rng) const {
  switch (family) {
    case DistFamily::uniform: return 2 * uniform_open01(rng) - 1;
    case DistFamily::normal: return standard_normal(rng);
    case DistFamily::laplace: return standard_laplace(rng);
    case DistFamily::student_t: return standard_student_t(rng, nu);
    case DistFamily::outliers: {
      // Component first (one uniform), then the normal draw.
      const bool wide = uniform_open01(rng) < fraction;
      const double z = standard_normal(rng);
      return wide ? magnitude * z : z;
    }
  }
  return 0;
}

namespace {

// (k + 0.5) / 2^53 for k in [0, 2^53): exactly representable, strictly inside (0, 1).
template <class Engine>
inline double open01_draw(Engine& rng) {
  const uint64_t k = rng() >> 11;
  return (double(k) + 0.5) * 0x1p-53;
}

// The ziggurats of Marsaglia & Tsang (J. Stat. Software 5(8), 2000) over
// Boost.Random's layer tables (decimal constants in its headers, so no libm
// enters the tables): x[0] is the base strip's width v/f(r), x[1] = r the tail's
// start, x[layers] = 0, y[i] = f(x[i]) with f unnormalised. One engine word
// gives the layer (low bits), the sign (normal: the next bit; the Laplace's
// exponential takes its sign from bit 8) and a 53-bit fraction (bits 11..63),
// so ~99 % of draws cost one word and a compare.
constexpr double kTwoM53 = 0x1p-53;

inline double fraction53(uint64_t u) { return double(u >> 11) * kTwoM53; }  // [0, 1)

// The slow paths take the engine by value and hand its new state back, so
// the fast path's engine is never address-taken and stays in registers.
template <class Engine>
struct Drawn {
  double x;
  Engine rng;
};

// Exponential from a first word u: the layer's fast accept inline, the rest
// (base strip, wedges: ~1 % of draws) out of line.
template <class Engine>
__attribute__((noinline)) Drawn<Engine> exponential_slow(Engine rng, uint64_t u) {
  const double* const tx = boost::random::detail::exponential_table<double>::table_x;  // 257 entries
  const double* const ty = boost::random::detail::exponential_table<double>::table_y;
  double shift = 0;
  while (true) {
    const unsigned i = unsigned(u & 0xff);
    const double x = fraction53(u) * tx[i];
    if (x < tx[i + 1]) return {shift + x, rng};
    if (i == 0) {
      shift += tx[1];  // the exponential's tail is the whole distribution, shifted
    } else {
      const double y = ty[i] + fraction53(rng()) * (ty[i + 1] - ty[i]);
      if (y < std::exp(-x)) return {shift + x, rng};
    }
    u = rng();
  }
}

template <class Engine>
inline double exponential_from(Engine& rng, uint64_t u) {
  const double* const tx = boost::random::detail::exponential_table<double>::table_x;
  const unsigned i = unsigned(u & 0xff);
  const double x = fraction53(u) * tx[i];
  if (__builtin_expect(x < tx[i + 1], 1)) return x;
  const Drawn<Engine> d = exponential_slow(rng, u);
  rng = d.rng;
  return d.x;
}

template <class Engine>
inline double exponential_draw(Engine& rng) { return exponential_from(rng, rng()); }

template <class Engine>
inline double normal_draw(Engine& rng);


// The normal's draws that miss the layer's rectangle: the tail beyond r
// (Marsaglia 1964: x = E1 / r, accept when 2 E2 > x^2) or a wedge (accept
// when a uniform height is under the density), else a fresh draw.
template <class Engine>
__attribute__((noinline)) Drawn<Engine> normal_slow(Engine rng, uint64_t u) {
  const double* const tx = boost::random::detail::normal_table<double>::table_x;  // 129 entries
  const double* const ty = boost::random::detail::normal_table<double>::table_y;
  const unsigned i = unsigned(u & 0x7f);
  const bool negative = (u >> 7) & 1;
  double x = fraction53(u) * tx[i];
  if (i == 0) {
    const double r = tx[1];
    double e1, e2;
    do {
      e1 = exponential_draw(rng) / r;
      e2 = exponential_draw(rng);
    } while (2 * e2 <= e1 * e1);
    x = r + e1;
  } else {
    const double y = ty[i] + fraction53(rng()) * (ty[i + 1] - ty[i]);
    if (!(y < std::exp(-0.5 * x * x))) {
      const double again = normal_draw(rng);
      return {again, rng};
    }
  }
  return {negative ? -x : x, rng};
}

template <class Engine>
inline double normal_draw(Engine& rng) {
  const double* const tx = boost::random::detail::normal_table<double>::table_x;
  const uint64_t u = rng();
  const unsigned i = unsigned(u & 0x7f);
  const double x = fraction53(u) * tx[i];
  if (__builtin_expect(x < tx[i + 1], 1)) return (u >> 7) & 1 ? -x : x;
  const Drawn<Engine> d = normal_slow(rng, u);
  rng = d.rng;
  return d.x;
}

template <class Engine>
inline double laplace_draw(Engine& rng) {
  const uint64_t u = rng();
  const double e = exponential_from(rng, u);
  return (u >> 8) & 1 ? -e : e;
}

// Student's t with nu degrees of freedom: T = Z sqrt(nu / V), V = 2 G, G ~
// Gamma(nu/2) by Marsaglia & Tsang (ACM TOMS 26(3), 2000): with d = a - 1/3
// and c = 1/sqrt(9d), draw x ~ N(0,1) until v = (1 + c x)^3 > 0 and
// u < 1 - 0.0331 x^4 (the squeeze, ~98 % for a >= 1) or
// log u < x^2/2 + d (1 - v + log v); then G = d v. For a < 1 (nu < 2),
// Gamma(a) = Gamma(a + 1) U^(1/a) (ibid., section 6).
class StudentT {
 public:
  explicit StudentT(double nu) : nu_(nu), a_(nu / 2) {
    const double shape = a_ < 1 ? a_ + 1 : a_;
    d_ = shape - 1.0 / 3.0;
    c_ = 1.0 / std::sqrt(9.0 * d_);
  }
  template <class Engine>
  double operator()(Engine& rng) const {
    const double z = normal_draw(rng);
    double g;
    while (true) {
      const double x = normal_draw(rng);
      double v = 1.0 + c_ * x;
      if (v <= 0) continue;
      v = v * v * v;
      const double u = open01_draw(rng);
      const double x2 = x * x;
      if (u < 1.0 - 0.0331 * x2 * x2 || std::log(u) < 0.5 * x2 + d_ * (1.0 - v + std::log(v))) {
        g = d_ * v;
        break;
      }
    }
    if (a_ < 1) g *= std::pow(open01_draw(rng), 1.0 / a_);
    return z * std::sqrt(nu_ / (2.0 * g));
  }

 private:
  double nu_, a_, d_ = 0, c_ = 0;
};

}  // namespace

double uniform_open01(std::mt19937_64& rng) { return open01_draw(rng); }
double standard_normal(std::mt19937_64& rng) { return normal_draw(rng); }
double standard_laplace(std::mt19937_64& rng) { return laplace_draw(rng); }
double standard_student_t(std::mt19937_64& rng, double nu) { return StudentT(nu)(rng); }
double uniform_open01(Xoshiro256pp& rng) { return open01_draw(rng); }
double standard_normal(Xoshiro256pp& rng) { return normal_draw(rng); }
double standard_laplace(Xoshiro256pp& rng) { return laplace_draw(rng); }
double standard_student_t(Xoshiro256pp& rng, double nu) { return StudentT(nu)(rng); }

// The fill loops draw from a local copy of the engine (its state stays in
// registers; a rare slow path spills it) and store it back at the end.
void fill_uniform_open01(Xoshiro256pp& rng, double* out, size_t n) {
  Xoshiro256pp r = rng;
  for (size_t i = 0; i < n; ++i) out[i] = open01_draw(r);
  rng = r;
}
void fill_standard_normal(Xoshiro256pp& rng, double* out, size_t n) {
  Xoshiro256pp r = rng;
  for (size_t i = 0; i < n; ++i) out[i] = normal_draw(r);
  rng = r;
}
void fill_standard_laplace(Xoshiro256pp& rng, double* out, size_t n) {
  Xoshiro256pp r = rng;
  for (size_t i = 0; i < n; ++i) out[i] = laplace_draw(r);
  rng = r;
}
void fill_standard_student_t(Xoshiro256pp& rng, double nu, double* out, size_t n) {
  const StudentT t(nu);
  Xoshiro256pp r = rng;
  for (size_t i = 0; i < n; ++i) out[i] = t(r);
  rng = r;
}

namespace {
// splitmix64's output function (Steele, Lea & Flood 2014; Vigna's reference code).
uint64_t splitmix64_next(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

Xoshiro256pp::Xoshiro256pp(uint64_t seed) {
  uint64_t x = seed;
  for (uint64_t& w : s_) w = splitmix64_next(x);  // never all zero: splitmix64 is a bijection of distinct inputs
}

Xoshiro256pp stream_engine(uint64_t seed, uint64_t stream) {
  uint64_t x = seed;
  const uint64_t mixed_seed = splitmix64_next(x);
  uint64_t y = mixed_seed + stream * 0x9e3779b97f4a7c15ULL;
  return Xoshiro256pp(splitmix64_next(y));
}

uint64_t uniform_index(std::mt19937_64& rng, uint64_t n) {
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % n;
  while (true) {
    const uint64_t r = rng();
    if (r < limit) return r % n;
  }
}

}  // namespace qmac::num
